"""Product and company names: knowledge base, transliteration, resolution."""
