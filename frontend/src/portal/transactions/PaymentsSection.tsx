export function PaymentsSection({ customerId }: { customerId: string }) {
  return <section className="section" data-customer={customerId}><h2>Payments</h2></section>;
}
