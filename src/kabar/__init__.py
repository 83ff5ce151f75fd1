"""kabar: an open-source news engine for Indonesian-language news.

The public API is what ``__all__`` names (guarded by ``tests/test_public_api.py``):
the typed records, and one entry point per pipeline stage.
"""

from kabar.archive.sqlite import ArchiveOptions, SqliteArchive
from kabar.extract import ExtractError, extract
from kabar.ingest import IngestOptions, Ingestor
from kabar.model import Article, Entity, Image, Mention, RawPage, RelatedItem, TimeExpression
from kabar.serialize import article_from_dict, article_to_dict, article_to_jsonld
from kabar.understand import EnrichOptions, enrich
from kabar.wiring import open_archive

__all__ = [
    "ArchiveOptions",
    "Article",
    "EnrichOptions",
    "Entity",
    "ExtractError",
    "Image",
    "IngestOptions",
    "Ingestor",
    "Mention",
    "RawPage",
    "RelatedItem",
    "SqliteArchive",
    "TimeExpression",
    "article_from_dict",
    "article_to_dict",
    "article_to_jsonld",
    "enrich",
    "extract",
    "open_archive",
]
__version__ = "0.1.0"
