/** The customer's action buttons (owned by the sales screens). */
export function CustomerActions({ customerId }: { customerId: string }) {
  return <div className="actions" data-customer={customerId} />;
}
