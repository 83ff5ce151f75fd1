"""Article ⇄ kabar JSON, and Article → schema.org NewsArticle JSON-LD."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from kabar.model import (
    Article,
    Contributor,
    Entity,
    Image,
    LiveEntry,
    Mention,
    RelatedItem,
    Subheading,
    Table,
    TimeExpression,
    TimePrecision,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_iso(value: object) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def stored_precision(value: object) -> TimePrecision | None:
    """A stored precision; None (unknown) in JSON written before kabar kept it, or for a value it
    does not know."""
    return value if value in ("day", "minute", "second") else None


def schema_time(value: datetime, precision: TimePrecision | None) -> str:
    """A time as schema.org's ``Date`` or ``DateTime``: a day-only time gives its date alone, in its
    own offset (the page's day, wherever the reader is)."""
    return value.date().isoformat() if precision == "day" else value.isoformat()


def article_to_dict(article: Article) -> dict[str, Any]:
    """kabar's JSON form (the contract of ``kabar extract --format json``)."""
    data: dict[str, Any] = {
        "id": article.id,
        "headline": article.headline,
        "published": _iso(article.published),
        "published_text": article.published_text,
        "modified": _iso(article.modified),
        "published_precision": article.published_precision,
        "modified_precision": article.modified_precision,
        "outlet": article.outlet,
        "authors": list(article.authors),
        "contributors": [asdict(c) for c in article.contributors],
        "published_zone": article.published_zone,
        "kind": article.kind,
        "paywalled": article.paywalled,
        "page_count": article.page_count,
        "pages_read": article.pages_read,
        "live_entries": [
            {
                "paragraphs": list(e.paragraphs),
                "published": _iso(e.published),
                "time_text": e.time_text,
                "headline": e.headline,
            }
            for e in article.live_entries
        ],
        "tables": [asdict(t) for t in article.tables],
        "language": article.language,
        "dateline": article.dateline,
        "dateline_place": article.dateline_place,
        "description": article.description,
        "section": article.section,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "captured_at": _iso(article.captured_at),
        "content_hash": article.content_hash,
        "paragraphs": list(article.paragraphs),
        "subheadings": [asdict(s) for s in article.subheadings],
        "images": [asdict(i) for i in article.images],
        "sources": list(article.sources),
        "tags": list(article.tags),
        "related": [
            {
                "headline": r.headline,
                "age_text": r.age_text,
                "age_seconds": r.age_seconds,
                "published": _iso(r.published),
                "description": r.description,
                "url": r.url,
            }
            for r in article.related
        ],
        "entities": [asdict(e) for e in article.entities],
        "time_expressions": [asdict(t) for t in article.time_expressions],
        "missing": list(article.missing),
        "notes": list(article.notes),
        "extractor": article.extractor,
    }
    return data


def article_from_dict(data: dict[str, Any]) -> Article:
    """Inverse of :func:`article_to_dict` (unknown keys are ignored)."""
    return Article(
        id=data.get("id"),
        headline=data.get("headline"),
        published=_parse_iso(data.get("published")),
        published_text=data.get("published_text"),
        modified=_parse_iso(data.get("modified")),
        published_precision=stored_precision(data.get("published_precision")),
        modified_precision=stored_precision(data.get("modified_precision")),
        outlet=data.get("outlet"),
        authors=list(data.get("authors") or []),
        contributors=[
            Contributor(name=c["name"], role=c.get("role") or "writer")
            for c in data.get("contributors") or []
        ],
        published_zone=data.get("published_zone"),
        kind=data.get("kind") or "article",
        paywalled=bool(data.get("paywalled")),
        page_count=data.get("page_count"),
        pages_read=data.get("pages_read"),
        live_entries=[
            LiveEntry(
                paragraphs=list(e.get("paragraphs") or []),
                published=_parse_iso(e.get("published")),
                time_text=e.get("time_text"),
                headline=e.get("headline"),
            )
            for e in data.get("live_entries") or []
        ],
        tables=[
            Table(
                rows=[list(r) for r in t.get("rows") or []],
                caption=t.get("caption"),
                position=t.get("position", 0),
            )
            for t in data.get("tables") or []
        ],
        language=data.get("language"),
        dateline=data.get("dateline"),
        dateline_place=data.get("dateline_place"),
        description=data.get("description"),
        section=data.get("section"),
        url=data.get("url"),
        canonical_url=data.get("canonical_url"),
        captured_at=_parse_iso(data.get("captured_at")),
        paragraphs=list(data.get("paragraphs") or []),
        subheadings=[  # none in articles stored before subheadings were kept apart
            Subheading(text=s["text"], position=s.get("position", 0)) for s in data.get("subheadings") or []
        ],
        images=[Image(**i) for i in data.get("images") or []],
        sources=list(data.get("sources") or []),
        tags=list(data.get("tags") or []),
        related=[
            RelatedItem(
                headline=r["headline"],
                age_text=r.get("age_text"),
                age_seconds=r.get("age_seconds"),
                published=_parse_iso(r.get("published")),
                description=r.get("description"),
                url=r.get("url"),
            )
            for r in data.get("related") or []
        ],
        entities=[
            Entity(
                name=e["name"],
                type=e["type"],
                role=e.get("role"),
                aliases=list(e.get("aliases") or []),
                mentions=[Mention(**m) for m in e.get("mentions") or []],
                roles=list(e.get("roles") or []),
            )
            for e in data.get("entities") or []
        ],
        time_expressions=[TimeExpression(**t) for t in data.get("time_expressions") or []],
        missing=list(data.get("missing") or []),
        notes=list(data.get("notes") or []),
        extractor=data.get("extractor"),
    )


def article_to_jsonld(article: Article) -> dict[str, Any]:
    """schema.org ``NewsArticle`` (https://schema.org/NewsArticle)."""
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "inLanguage": article.language or "id",
        "articleBody": "\n\n".join(article.blocks),  # the text as printed, subheadings in place
    }
    if article.published is not None:
        doc["datePublished"] = schema_time(article.published, article.published_precision)
    if article.modified is not None:
        doc["dateModified"] = schema_time(article.modified, article.modified_precision)
    if article.outlet:
        doc["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.authors:
        doc["author"] = [{"@type": "Person", "name": a} for a in article.authors]
    editors = [c.name for c in article.contributors if c.role == "editor"]
    if editors:
        doc["editor"] = [{"@type": "Person", "name": n} for n in editors]
    if article.paywalled:
        doc["isAccessibleForFree"] = False
    if article.description:
        doc["description"] = article.description
    url = article.canonical_url or article.url
    if url:
        doc["url"] = url
        doc["mainEntityOfPage"] = {"@type": "WebPage", "@id": url}
    if article.dateline_place:
        doc["locationCreated"] = {"@type": "Place", "name": article.dateline_place}
    if article.tags:
        doc["keywords"] = list(article.tags)
    if article.section:
        doc["articleSection"] = article.section
    if article.images:
        doc["image"] = [
            {
                "@type": "ImageObject",
                **({"url": i.url, "contentUrl": i.url} if i.url else {}),
                **({"caption": i.caption} if i.caption else {}),
                **({"creditText": i.credit} if i.credit else {}),
            }
            for i in article.images
        ]
    if article.sources:
        doc["citation"] = list(article.sources)
    if article.entities:
        doc["mentions"] = [
            {
                "@type": {"person": "Person", "place": "Place", "organization": "Organization"}[e.type],
                "name": e.name,
                **({"jobTitle": e.role} if e.role and e.type == "person" else {}),
            }
            for e in article.entities
        ]
    if article.related:
        doc["relatedLink"] = [r.url for r in article.related if r.url]
    return doc
