export function SubscriptionsSection({ customerId }: { customerId: string }) {
  return <section className="section" data-customer={customerId}><h2>Subscriptions and payment plans</h2></section>;
}
