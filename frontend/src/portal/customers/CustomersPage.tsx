export function CustomersPage() {
  return <section className="page"><h1>CustomersPage</h1></section>;
}
