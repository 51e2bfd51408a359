"""Payment gateways: one protocol, a built-in sandbox, and Stripe over httpx."""
