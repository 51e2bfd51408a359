"""Payment requests: links to the hosted checkout."""
