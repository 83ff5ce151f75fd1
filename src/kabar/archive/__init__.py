"""The archive: the only door to storage (articles, search, stores; see docs/ARCHITECTURE.md)."""

from kabar.archive.open import open_archive

__all__ = ["open_archive"]
