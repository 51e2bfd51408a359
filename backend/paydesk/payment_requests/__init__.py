"""Payment requests and the hosted checkout they link to."""
