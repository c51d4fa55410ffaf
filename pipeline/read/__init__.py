"""Reading articles: files, encodings, HTML, JSONL, cleaning."""
