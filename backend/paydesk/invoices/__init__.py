"""Invoices: gap-free numbers per account, sandboxed merchant templates, a public page and email."""
