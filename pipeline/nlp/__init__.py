"""Building the spaCy pipeline: tokenizer, sentences, triggers, windows, facts."""
