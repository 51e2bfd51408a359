"""Referral partners and the commissions paid sales owe them."""
