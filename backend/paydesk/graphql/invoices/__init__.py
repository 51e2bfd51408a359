"""The GraphQL side of invoices: types, the templates query and the template mutation."""
