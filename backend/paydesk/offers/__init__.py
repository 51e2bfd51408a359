"""Saved offers: named product grids, and the order lines every sale is built from."""
