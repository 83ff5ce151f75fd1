"""The cheap part of a backfill task: which WARC records are worth extracting.

In the order of cost, so most records are dropped before their payload is read:
a response record (not a request, metadata, …), HTTP 2xx, an HTML content type, a
declared size under the cap, a target URL on a news host (:mod:`kabar.backfill.hosts`);
then, with the payload read and decoded, the Indonesian language check
(:func:`kabar.sources.langid.judge_html`). It is :func:`kabar.sources.warc.read_warc` (the
reader ``kabar ingest`` uses) with the host check added.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kabar.backfill.hosts import HostList
from kabar.model import RawPage
from kabar.sources.warc import WarcOptions, read_warc


@dataclass(slots=True, frozen=True)
class PrefilterOptions:
    hosts: HostList | None = None  # None: any host (the language check alone decides)
    max_record_bytes: int = 5_000_000


def warc_options(options: PrefilterOptions) -> WarcOptions:
    """Fresh reader options (with fresh counts) for one WARC."""
    keep = options.hosts.keeps if options.hosts is not None else None
    return WarcOptions(max_record_bytes=options.max_record_bytes, keep_url=keep)


def candidate_pages(warc: Path, options: WarcOptions) -> Iterator[RawPage]:
    """The WARC's records that pass the pre-filter, as pages; counts in ``options.stats``.

    Raises :class:`kabar.sources.warc.WarcError` for a file that is not a WARC at all; a
    WARC that breaks off mid-way ends early with ``options.stats.error`` set.
    """
    yield from read_warc(warc, options)


__all__ = ["PrefilterOptions", "candidate_pages", "warc_options"]
