"""Open orders: subscriptions and payment plans, billed on schedule."""
