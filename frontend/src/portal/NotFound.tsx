import { Link } from 'react-router';

export function NotFound() {
  return (
    <section className="page">
      <h1>Not found</h1>
      <p>There is nothing at this address. It may belong to another account, or it was mistyped.</p>
      <Link to="/customers">Go to customers</Link>
    </section>
  );
}
