"""Datasets out: the archive's articles as JSON Lines, Parquet or CSV (``kabar export``; docs/EXPORT.md)."""
