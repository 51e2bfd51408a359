"""The GraphQL API: types, inputs, payloads, loaders and permissions over the domain services."""
