"""The account's email templates over the API: read, rewrite, preview, go back to the built-in ones."""
