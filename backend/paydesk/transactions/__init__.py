"""Sales: logging a sale made elsewhere, charging a card now, and settling what a crash left pending."""
