"""Hospital names: pure parser (parse.py) and spaCy component."""
