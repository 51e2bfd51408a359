"""Card tokenization links: a page where a customer puts a card on file themselves."""
