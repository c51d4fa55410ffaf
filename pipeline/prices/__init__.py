"""Money amounts: pure parser (parse.py) and spaCy component."""
