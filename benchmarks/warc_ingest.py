"""WARC ingest rate (records/s, articles/s on one core, peak memory), next to trafilatura alone.

    .venv/bin/python -m benchmarks.warc_ingest [--pages 3000] [--no-store]

Builds a local CC-NEWS-shaped WARC (gzip per record, WARC/1.0 and 1.1 mixed):
IndoSum articles (CC BY-SA) wrapped in a portal-like page with navigation, the
real anpandu portal pages, the Zyte pages (English, with two Indonesian), and
non-HTML, request and 404 records mixed in. Each phase runs in its own process,
one after another (one core), so each peak-memory figure is its own:

- kabar read: ``read_warc`` alone (type/status/size/language filters, decoding)
- kabar read+extract: ``read_warc`` → ``extract`` (the like-for-like comparison with the anchor)
- kabar ingest: ``read_warc`` → extract → enrich → ``archive.add`` (what ``kabar ingest x.warc.gz`` does)
- anchor: fastwarc + ``trafilatura.extract`` on every HTML response, no filter, no storage
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import peak_rss_mb, shared
from benchmarks._common import result as print_result
from kabar.sources.warc_write import WarcRecordSpec, write_record

QUICK_ARGS = ["--pages", "600"]

_NAV = "".join(f'<li><a href="/kanal/{w}">{w.title()}</a></li>' for w in
               ["nasional", "internasional", "ekonomi", "olahraga", "teknologi", "hiburan", "gaya-hidup", "otomotif"])  # fmt: skip


def _wrap(title: str, body: str, n: int) -> bytes:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    related = "".join(f'<li><a href="/berita/{n + k}/lain">Berita lain {k}</a></li>' for k in range(1, 9))
    return (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{html.escape(title)} - Kabar</title>'
        f'<meta property="og:title" content="{html.escape(title)}"></head><body><header><nav><ul>{_NAV}</ul></nav>'
        f"</header><main><article><h1>{html.escape(title)}</h1><div class='byline'>Reporter Kabar</div>{paras}"
        f"</article><aside><h2>Berita terkait</h2><ul>{related}</ul></aside></main>"
        f"<footer><p>Hak cipta Kabar. Dilarang mengutip tanpa izin.</p></footer></body></html>"
    ).encode()


def build_warc(path: Path, pages: int) -> dict[str, int]:
    counts = {"html_id_generated": 0, "html_real": 0, "html_zyte": 0, "other": 0}
    with path.open("wb") as out:
        with shared("corpus", "indosum-dev.jsonl").open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= pages:
                    break
                rec = json.loads(line)
                spec = WarcRecordSpec(url=rec["url"], payload=_wrap(rec["title_from_slug"], rec["body"], i))
                write_record(out, spec, version="1.0" if i % 2 else "1.1")
                counts["html_id_generated"] += 1
                if i % 50 == 0:
                    write_record(
                        out,
                        WarcRecordSpec(
                            url=rec["url"], payload=b"GET / HTTP/1.1\r\n\r\n", warc_type="request"
                        ),
                    )
                    write_record(out, WarcRecordSpec(url=rec["url"] + ".jpg", payload=b"\xff\xd8" + bytes(4000),
                                                     content_type="image/jpeg"))  # fmt: skip
                    write_record(
                        out, WarcRecordSpec(url=rec["url"] + "/x", payload=b"<html>404</html>", status=404)
                    )
                    counts["other"] += 3
        for page in sorted(shared("pages", "id", "anpandu").glob("*/*.html")):
            write_record(
                out,
                WarcRecordSpec(
                    url=f"https://{page.parent.name}.example/{page.stem}", payload=page.read_bytes()
                ),
            )
            counts["html_real"] += 1
        for page in sorted(shared("pages", "zyte", "html").glob("*.html.gz")):
            write_record(
                out,
                WarcRecordSpec(
                    url=f"https://zyte.example/{page.name[:16]}", payload=gzip.decompress(page.read_bytes())
                ),
            )
            counts["html_zyte"] += 1
    return counts


# -- phases, each in its own process ------------------------------------------------------------
def phase_read(path: Path) -> dict[str, object]:
    from kabar.sources.warc import WarcOptions, read_warc

    options = WarcOptions()
    t0 = time.perf_counter()
    kept = sum(1 for _ in read_warc(path, options))
    elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "records": options.stats.read, "kept": kept, "stats": str(options.stats)}


def phase_ingest(path: Path, store: bool, understand: bool = True) -> dict[str, object]:
    from kabar.archive.sqlite import open_archive
    from kabar.extract import extract
    from kabar.sources.warc import WarcOptions, read_warc
    from kabar.understand import enrich

    options = WarcOptions()
    articles = failed = 0
    enrich_errors: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        archive = open_archive(Path(tmp) / "bench.db") if store else None
        t0 = time.perf_counter()
        for page in read_warc(path, options):
            try:
                article = extract(page)
            except Exception:
                failed += 1
                continue
            try:
                if understand:
                    enrich(article)
            except Exception as exc:  # as the engine does: store without understanding, say so
                enrich_errors.add(f"{type(exc).__name__}: {exc}"[:120])
            if not article.paragraphs:
                failed += 1
                continue
            if archive is not None:
                archive.add(article)
            articles += 1
        elapsed = time.perf_counter() - t0
        if archive is not None:
            archive.close()
    return {"seconds": elapsed, "records": options.stats.read, "articles": articles, "failed": failed,
            "enrich_errors": sorted(enrich_errors)}  # fmt: skip


def phase_trafilatura(path: Path) -> dict[str, object]:
    import trafilatura
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    records = articles = 0
    t0 = time.perf_counter()
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh, parse_http=True, auto_decode="all", stream_detect=True):
            records += 1
            if (
                record.record_type != WarcRecordType.response
                or (record.http_content_type or "") != "text/html"
            ):
                continue
            text = trafilatura.extract(record.reader.read().decode(record.http_charset or "utf-8", "replace"))
            articles += bool(text)
    elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "records": records, "articles": articles}


def _run_phase(name: str, path: Path, store: bool) -> dict[str, object]:
    cmd = [sys.executable, "-m", "benchmarks.warc_ingest", "--phase", name, "--warc", str(path)]
    if not store:
        cmd.append("--no-store")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pages", type=int, default=3000, help="generated Indonesian pages (IndoSum has 3,463)"
    )
    parser.add_argument(
        "--no-store", action="store_true", help="extract and enrich but do not write the archive"
    )
    parser.add_argument(
        "--phase", choices=["read", "extract", "ingest", "trafilatura"], help=argparse.SUPPRESS
    )
    parser.add_argument("--warc", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = {"read": lambda: phase_read(args.warc), "ingest": lambda: phase_ingest(args.warc, not args.no_store),
                  "extract": lambda: phase_ingest(args.warc, store=False, understand=False),
                  "trafilatura": lambda: phase_trafilatura(args.warc)}[args.phase]()  # fmt: skip
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        counts = build_warc(path, args.pages)
        size = path.stat().st_size
        print(f"WARC: {sum(counts.values())} records ({counts}), {size / 1e6:.1f} MB gzipped")
        rows = [
            ("kabar read_warc (filters only)", _run_phase("read", path, True)),
            ("kabar read+extract", _run_phase("extract", path, False)),
            ("kabar ingest (read+extract+enrich" + ("" if args.no_store else "+store") + ")",
             _run_phase("ingest", path, not args.no_store)),
            ("trafilatura alone (every HTML response)", _run_phase("trafilatura", path, True)),
        ]  # fmt: skip
    print(
        f"\n{'phase':48} {'records':>8} {'articles':>9} {'records/s':>10} {'articles/s':>11} {'peak MB':>8}"
    )
    for name, r in rows:
        secs = float(r["seconds"])  # type: ignore[arg-type]
        records = int(r["records"])  # type: ignore[call-overload]
        arts = int(r.get("articles", r.get("kept", 0)))  # type: ignore[call-overload]
        print(
            f"{name:48} {records:>8} {arts:>9} {records / secs:>10.1f} {arts / secs:>11.1f} {float(r['peak_rss_mb']):>8.0f}"
        )  # type: ignore[arg-type]
    rate = {name: int(r.get("articles", r.get("kept", 0))) / float(r["seconds"]) for name, r in rows}  # type: ignore[call-overload, arg-type]
    print_result("WARC read+extract", rate[rows[1][0]], "articles/s", anchor="trafilatura alone",
                 anchor_value=rate[rows[3][0]])  # fmt: skip
    print_result("WARC ingest (with enrich)", rate[rows[2][0]], "articles/s", anchor="trafilatura alone",
                 anchor_value=rate[rows[3][0]])  # fmt: skip
    print(f"\nkabar reader: {rows[0][1]['stats']}")
    ingest = rows[2][1]
    print(f"kabar ingest: {ingest['failed']} pages without an article")
    for err in ingest.get("enrich_errors") or []:  # type: ignore[attr-defined]
        print(f"  note: understanding failed, stored without it: {err}")


if __name__ == "__main__":
    main()
