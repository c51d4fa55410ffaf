"""Shared word lists: number words and qualifiers."""
