"""paydesk: a self-hosted payments desk."""
