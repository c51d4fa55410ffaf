"""Dates: pure parser (parse.py) and spaCy component."""
