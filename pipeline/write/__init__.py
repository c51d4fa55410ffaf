"""From Docs to rows, and rows to Parquet part files."""
