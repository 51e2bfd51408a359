"""The account's products and their prices."""
