"""Accounts (merchants) and the demo data."""
