"""Customers, their addresses and comments."""
