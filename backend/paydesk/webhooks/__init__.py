"""Webhook endpoints: where an account's events go, how they are signed, and which receivers may get them."""
