"""Staff users, portal sessions, API keys, roles and rate limits."""
