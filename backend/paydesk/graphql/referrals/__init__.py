"""Referral partners and commissions."""
