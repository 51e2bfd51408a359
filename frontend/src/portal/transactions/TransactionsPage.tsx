export function TransactionsPage() {
  return <section className="page"><h1>TransactionsPage</h1></section>;
}
