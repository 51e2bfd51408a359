"""Billing: schedule math, and later the due-charge runner and dunning."""
