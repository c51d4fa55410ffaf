"""The base every fact package builds on: tokenizer, sentence bounds, lexeme triggers,
scan windows, fact spans and the product link. The assembler that puts the fact
packages together is one layer up, in ``pipeline.build``."""
