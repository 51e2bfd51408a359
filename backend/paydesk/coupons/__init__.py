"""Coupons: percent or amount off, optionally for one customer, with an expiry and a redemption cap."""
