"""Cards on file: checking, tokenizing, keeping and retiring them."""
