"""A writer process for the interruption tests: ``python ingest_child.py URL N [--all-indexers]``.

Stores N numbered flood reports into the archive at URL, printing each number once it is
stored (so a test knows how far it got before killing it or dropping its connection).
An archive fault ends it with one ``FAULT Kind: message`` line and exit status 4.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

from kabar.archive import open_archive
from kabar.archive.errors import ArchiveError
from kabar.model import Article


def report(n: int) -> Article:
    return Article(
        headline=f"Berita {n} tentang banjir di Jakarta",
        paragraphs=[f"Banjir melanda kawasan {n} di Jakarta Selatan pada Senin pagi.", "Warga mengungsi."],
        published=datetime(2021, 1, 1, tzinfo=timezone(timedelta(hours=7))) + timedelta(minutes=n),
        outlet="Uji",
    )


def main(argv: list[str]) -> int:
    url, count = argv[0], int(argv[1])
    indexers = None
    if "--all-indexers" in argv:
        from kabar.wiring import default_indexers

        indexers = default_indexers()
    archive = open_archive(url, indexers)
    try:
        for n in range(count):
            archive.add(report(n))
            print(n, flush=True)
    except ArchiveError as exc:
        print(f"FAULT {type(exc).__name__}: {exc}", flush=True)
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
