"""Reading articles, one module per job: discover.py (the files under an input),
decode.py (bytes to text), html.py (pages to text), published.py (publication line and
title), clean.py (text as the rules read it), language.py, and ingest.py (articles from
all of these, JSONL lines included)."""
