"""Response rates: pure parser (parse.py) and spaCy component."""
