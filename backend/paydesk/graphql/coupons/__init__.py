"""Coupons in the API: the Coupon type, its redemptions, and createCoupon."""
