"""Subscriptions and payment plans: open orders and their lifecycle."""
