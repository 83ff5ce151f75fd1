"""Mutations of real pages for the fuzzer: hostile structure, not only random bytes.

Every operator takes the page's bytes and a seeded ``random.Random`` and returns new
bytes, so a mutant is reproduced from (seed page, mutant seed) alone. The operators
are what broken crawls and hostile sites actually send: flipped bytes, cut-off
downloads, tag soup, absurd nesting, huge attributes, wrong or mixed charsets, NUL
bytes, stray BOMs, pages flattened onto one line, JSON-LD repeated or rewritten, and
garbage in the date fields a reader trusts most.

Used by ``benchmarks/fuzz.py`` (the ≥100,000-mutant run) and by the tests
(``tests/test_fuzz_mutants.py``, a few thousand mutants with a fixed seed).
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024


@dataclass(slots=True, frozen=True)
class Seed:
    """One page from ../shared: its name (the suffix decides the reader) and its bytes."""

    name: str
    data: bytes


@dataclass(slots=True)
class Mutant:
    seed: str  # the seed page's name
    name: str  # the file name the reader is shown ("" = read as stdin: the kind is sniffed)
    data: bytes
    ops: list[str] = field(default_factory=list)
    number: int = 0  # the mutant's index in its run (with the run's seed it reproduces the mutant)


_PAGE_GLOBS = (
    "pages/zyte/html/*.html.gz",
    "pages/id/**/*.html",
    "pages/id/**/*.html.gz",
    "pages/id/**/*.txt",
    "pages/fundus/**/*.html.gz",
    "seed/*.txt",
)


def seed_paths(shared: Path) -> list[Path]:
    """Every page under ../shared the fuzzer starts from, sorted (runs are repeatable)."""
    found: set[Path] = set()
    for pattern in _PAGE_GLOBS:
        found.update(p for p in shared.glob(pattern) if p.is_file())
    return sorted(found)


def load_seed(path: Path) -> Seed:
    data = path.read_bytes()
    name = path.name
    if name.endswith(".gz"):
        data = gzip.decompress(data)
        name = name[: -len(".gz")]
    return Seed(name=name, data=data)


def load_seeds(shared: Path, max_bytes: int | None = None, limit: int | None = None) -> list[Seed]:
    """The seed pages, optionally only those up to ``max_bytes`` (the tests use small ones)."""
    seeds = []
    for path in seed_paths(shared):
        seed = load_seed(path)
        if max_bytes is None or len(seed.data) <= max_bytes:
            seeds.append(seed)
        if limit is not None and len(seeds) >= limit:
            break
    return seeds


_INERT = re.compile(
    rb"(<script(?![^>]*ld\+json)[^>]*>).*?(</script>)|(<style[^>]*>).*?(</style>)|<!--.*?-->", re.S | re.I
)


def lean_seeds(seeds: list[Seed]) -> list[Seed]:
    """The seeds with inline script and style bodies emptied (JSON-LD kept).

    About half of a modern page's bytes are inline code no reader looks into; emptying it
    halves the cost of a mutant, and the tags stay, so the structure a reader sees does not change.
    """
    return [
        Seed(
            s.name,
            _INERT.sub(
                lambda m: (m.group(1) or m.group(3) or b"") + (m.group(2) or m.group(4) or b""), s.data
            ),
        )
        for s in seeds
    ]


# ---------------------------------------------------------------- helpers

_TAG = re.compile(rb"<[^<>]{0,300}>")
_OPEN_TAG = re.compile(rb"<([a-zA-Z][a-zA-Z0-9]{0,15})\b([^<>]{0,300})>")
_LD_BLOCK = re.compile(rb"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.S | re.I)
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_DATE_VALUE = re.compile(
    rb"(?:(?:content|datetime)\s*=\s*\"|\"date(?:Published|Modified|Created)\"\s*:\s*\")"
    rb"([^\"]{0,80})\"",
    re.I,
)
_ISOISH = re.compile(rb"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+)?(?:Z|[+-]\d{2}:?\d{2})?")


def _pos(data: bytes, rng: random.Random) -> int:
    return rng.randrange(len(data) + 1)


def _insert(data: bytes, piece: bytes, rng: random.Random) -> bytes:
    at = _pos(data, rng)
    return data[:at] + piece + data[at:]


def _body_pos(data: bytes, rng: random.Random) -> int:
    """A place inside the body where there is one (structure there reaches the extractor)."""
    start = data.find(b"<body")
    start = 0 if start < 0 else start
    return rng.randrange(start, len(data) + 1)


_ID_WORDS = [
    "Senin",
    "Selasa",
    "Rabu",
    "Kamis",
    "Jumat",
    "Jum'at",
    "Sabtu",
    "Minggu",
    "Ahad",
    "Januari",
    "Februari",
    "Pebruari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "Agt",
    "September",
    "Oktober",
    "November",
    "Nopember",
    "Desember",
    "WIB",
    "WITA",
    "WIT",
    "kemarin",
    "lusa",
    "besok",
    "lalu",
    "depan",
    "pekan",
    "sepekan",
    "jam",
    "menit",
    "detik",
    "hari",
    "bulan",
    "tahun",
    "abad",
    "dekade",
    "pukul",
    "tanggal",
    "sejak",
    "hingga",
    "Jakarta",
    "Presiden",
    "Joko",
    "Widodo",
    "Kompas.com",
    "Tempo",
    "Antara",
    "Foto:",
    "Dok.",
    "Reuters/ANTARA",
    "yang",
    "dan",
    "di",
    "dari",
]


def _words(rng: random.Random, n: int, capitalised: bool = False) -> bytes:
    words = [rng.choice(_ID_WORDS) for _ in range(n)]
    if capitalised:
        words = [w[:1].upper() + w[1:] for w in words]
    return " ".join(words).encode()


# ---------------------------------------------------------------- operators


def byte_flips(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64, 512))):
        i = rng.randrange(len(out))
        out[i] = out[i] ^ (1 << rng.randrange(8)) if rng.random() < 0.5 else rng.randrange(256)
    return bytes(out)


def truncation(data: bytes, rng: random.Random) -> bytes:
    shape = rng.randrange(4)
    if shape == 0:  # a download cut off
        return data[: _pos(data, rng)]
    if shape == 1:  # a resumed download without its head
        return data[_pos(data, rng) :]
    if shape == 2:  # a hole in the middle
        a, b = sorted((_pos(data, rng), _pos(data, rng)))
        return data[:a] + data[b:]
    # cut inside a multi-byte character or a tag: near a '<' or a non-ASCII byte
    hits = [m.start() for m in re.finditer(rb"[<\x80-\xff]", data[:200_000])]
    at = rng.choice(hits) + rng.randrange(3) if hits else _pos(data, rng)
    return data[:at]


def tag_soup(data: bytes, rng: random.Random) -> bytes:
    tags = list(_TAG.finditer(data))
    if len(tags) < 2:
        return _insert(data, b"<div><p><b>" * 50, rng)
    shape = rng.randrange(4)
    if shape == 0:  # shuffle a run of tags in place (the text between them stays)
        start = rng.randrange(len(tags))
        run = tags[start : start + rng.choice((5, 50, 500))]
        shuffled = [m.group(0) for m in run]
        rng.shuffle(shuffled)
        out, last = [], 0
        for m, new in zip(run, shuffled, strict=True):
            out += [data[last : m.start()], new]
            last = m.end()
        return b"".join([*out, data[last:]])
    if shape == 1:  # drop closing tags: everything is left open
        return re.sub(rb"</[a-zA-Z][^>]{0,20}>", lambda m: b"" if rng.random() < 0.7 else m.group(0), data)
    if shape == 2:  # stray closing tags and unopened ends
        pieces = [b"</div>", b"</p>", b"</html>", b"</body>", b"</table>", b"</script>", b"</article>"]
        for _ in range(rng.choice((1, 10, 200))):
            data = _insert(data, rng.choice(pieces), rng)
        return data
    # copy random tags elsewhere (misnested duplicates, a second <html> or <body>)
    for _ in range(rng.choice((1, 10, 100))):
        data = _insert(data, rng.choice(tags).group(0), rng)
    return data


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((1_000, 10_000, 10_000, 50_000))
    tag = rng.choice((b"div", b"p", b"span", b"b", b"table", b"ul><li", b"article", b"section"))
    opening = b"<" + tag + b">"
    closing = b"</" + tag.split(b">")[0] + b">"
    middle = _words(rng, 30)
    closed = rng.random() < 0.5
    piece = opening * depth + middle + (closing * depth if closed else b"")
    at = _body_pos(data, rng)
    return data[:at] + piece + data[at:]


def huge_attribute(data: bytes, rng: random.Random) -> bytes:
    tags = list(_OPEN_TAG.finditer(data[:2_000_000]))
    size = rng.choice((10_000, 100_000, 1_000_000))
    name = rng.choice((b"class", b"style", b"href", b"content", b"data-x", b"alt", b"src", b"datetime"))
    if rng.random() < 0.3:
        attr = b" ".join(b'a%d="x"' % i for i in range(size // 10))  # many attributes
    else:
        value = rng.choice((b"a", b"x ", b"&amp;", b"\"'", b"2020-11-03 "))
        attr = name + b'="' + value * (size // len(value)) + b'"'
    if not tags:
        return _insert(data, b"<div " + attr + b">teks</div>", rng)
    m = rng.choice(tags)
    return data[: m.end(1)] + b" " + attr + data[m.end(1) :]


_CODECS = ("cp1252", "latin-1", "utf-16-le", "utf-16-be", "utf-16", "utf-32", "shift_jis", "gb18030",
           "koi8-r", "iso-8859-7", "big5", "cp437", "mac-roman", "utf-7")  # fmt: skip
_DECLARED = (b"utf-8", b"UTF-16", b"windows-1252", b"iso-8859-1", b"shift_jis", b"x-unknown", b"utf-7",
             b"idna", b"rot13", b"hex", b"base64", b"punycode", b"zlib", b"utf-32", b"ascii", b"",
             b"utf-8-sig", b"mbcs", b"a" * 60)  # fmt: skip


def _reencode(data: bytes, codec: str) -> bytes:
    return data.decode("utf-8", errors="replace").encode(codec, errors="replace")


def charset(data: bytes, rng: random.Random) -> bytes:
    shape = rng.randrange(4)
    if shape == 0:  # the whole page in another encoding, its <meta> unchanged (a wrong declaration)
        return _reencode(data, rng.choice(_CODECS))
    if shape == 1:  # a wrong or unknown declaration
        new = rng.choice(_DECLARED)
        if _META_CHARSET.search(data[:4096]):
            return _META_CHARSET.sub(b"charset=" + new, data, count=1)
        return b'<meta charset="' + new + b'">' + data
    if shape == 2:  # mixed: a slice of the page in another encoding
        a, b = sorted((_pos(data, rng), _pos(data, rng)))
        return data[:a] + _reencode(data[a:b], rng.choice(_CODECS)) + data[b:]
    # double-encoded UTF-8 (mojibake), as a mis-configured CMS stores it
    return data.decode("cp1252", errors="replace").encode("utf-8", errors="replace")


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    shape = rng.randrange(3)
    if shape == 0:
        for _ in range(rng.choice((1, 10, 1000))):
            data = _insert(data, b"\x00", rng)
        return data
    if shape == 1:
        return _insert(data, b"\x00" * rng.choice((100, 10_000, 100_000)), rng)
    a = _pos(data, rng)
    return (
        data[:a] + b"\x00".join(data[a : a + 20_000][i : i + 1] for i in range(20_000)) + data[a + 20_000 :]
    )


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def bom(data: bytes, rng: random.Random) -> bytes:
    piece = rng.choice(_BOMS)
    if rng.random() < 0.6:
        return _repeat(piece, rng.choice((1, 1, 2, 50))) + data
    return _insert(data, piece, rng)


def enormous_line(data: bytes, rng: random.Random) -> bytes:
    shape = rng.randrange(3)
    if shape == 0:  # the whole page on one line
        return re.sub(rb"[\r\n]+", b" ", data)
    size = rng.choice((100_000, 500_000, 1_000_000))
    if shape == 1:  # words with no line break, no markup
        line = _words(rng, size // 7, capitalised=rng.random() < 0.3)
    else:  # one token repeated
        line = rng.choice((b"a", b"9", b"-", b"Ab ", b". ", b"\xe2\x80\x94", b"2020 ")) * (size // 2)
    return data[: _body_pos(data, rng)] + line + data[_body_pos(data, rng) :]


_LD_GARBAGE: tuple[object, ...] = (
    {"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z", "headline": "x"},
    {"@type": "NewsArticle", "datePublished": "9999-12-31T23:59:59+14:00", "dateModified": "9999-99-99"},
    {"@type": "NewsArticle", "datePublished": 1604397000, "headline": ["a", {"b": 1}], "author": 7},
    {"@type": ["NewsArticle", None], "author": {"name": {"name": [1]}}, "image": {"url": {"x": 1}}},
    {"@graph": [{"@graph": [{"@type": "NewsArticle", "headline": None}]}]},
    {"@type": "NewsArticle", "articleBody": "Jakarta (ANTARA) - " * 200, "datePublished": "Senin, 31 Februari 2020"},
    {"@graph": [[[[[[[[{"@type": "NewsArticle"}]]]]]]]]},
    {"@type": "BreadcrumbList", "itemListElement": [{"item": None}, {"item": {"@id": 5}}]},
    "NewsArticle",
    None,
    1e308,
)  # fmt: skip


def _repeat(piece: bytes, times: int) -> bytes:
    """``piece`` ``times`` over, but never much past the mutant cap: a 1 MB JSON-LD block 1,000 times
    over took the fuzzer's own worker past its memory limit (run 2 stopped at 22,000 mutants). The
    mutant is cut at the cap anyway, so its bytes are the same as uncapped."""
    return piece * min(times, MAX_MUTANT_BYTES // max(len(piece), 1) + 1)


def json_ld(data: bytes, rng: random.Random) -> bytes:
    blocks = list(_LD_BLOCK.finditer(data))
    shape = rng.randrange(4)
    if shape == 0 and blocks:  # the same block repeated
        m = rng.choice(blocks)
        return data[: m.end()] + _repeat(m.group(0), rng.choice((2, 50, 1000))) + data[m.end() :]
    if shape == 1 and blocks:  # the block's JSON cut, or mangled a little
        m = rng.choice(blocks)
        body = m.group(1)
        new = body[: _pos(body, rng)] if rng.random() < 0.5 else byte_flips(body, rng)
        return data[: m.start(1)] + new + data[m.end(1) :]
    if shape == 2:  # deep arrays or objects
        depth = rng.choice((100, 1_000, 10_000, 100_000))
        deep = (
            b"[" * depth + b"{}" + b"]" * depth
            if rng.random() < 0.5
            else b'{"a":' * depth + b"1" + b"}" * depth
        )
        piece = b'<script type="application/ld+json">' + deep + b"</script>"
    else:
        value = json.dumps(rng.choice(_LD_GARBAGE), ensure_ascii=rng.random() < 0.5).encode()
        piece = b'<script type="application/ld+json">' + value + b"</script>"
    at = data.find(b"</head>")
    return _insert(data, piece, rng) if at < 0 else data[:at] + piece + data[at:]


_BAD_DATES = (
    b"0001-01-01", b"0001-01-01T00:00:00+00:00", b"9999-12-31T23:59:59Z", b"9999-12-31", b"10000-01-01",
    b"2020-13-45", b"2020-02-30T25:61:61", b"0000-00-00 00:00:00", b"-0001-01-01", b"1e400",
    b"99999999999999999999", b"-1", b"NaN", b"", b" ", b"null", b"2020-11-03T16:50:00+99:00",
    b"Senin, 31 Februari 2020 25:70 WIB", b"Jum'at, 32 Nopember 20", b"3 November 0001 16:50 WIB",
    b"31/12/9999, 23:59 WIT", b"1 jam lalu", b"9999999999 hari lalu", b"kemarin lusa",
    b"2020-11-03T16:50:00.123456789012345+07:00", b"\xff\xfe2020", b"&#0;2020-11-03", b"1604397000000",
)  # fmt: skip


def meta_dates(data: bytes, rng: random.Random) -> bytes:
    def garbage() -> bytes:
        return rng.choice(_BAD_DATES) if rng.random() < 0.8 else rng.choice(_BAD_DATES) * 1000

    if rng.random() < 0.5:
        head = (
            b'<meta property="article:published_time" content="' + garbage() + b'">'
            b'<meta name="pubdate" content="' + garbage() + b'">'
            b'<time datetime="' + garbage() + b'">' + garbage() + b"</time>"
        )
        return _insert(data, head, rng)
    out = _DATE_VALUE.sub(
        lambda m: m.group(0).replace(m.group(1), garbage()) if m.group(1) else m.group(0), data
    )
    return _ISOISH.sub(lambda m: garbage() if rng.random() < 0.5 else m.group(0), out)


def splice(data: bytes, rng: random.Random, other: bytes = b"") -> bytes:
    """A slice of another page inside this one (two pages concatenated by a broken crawler)."""
    source = other or data
    a, b = sorted((_pos(source, rng), _pos(source, rng)))
    return _insert(data, source[a:b], rng)


Operator = Callable[[bytes, random.Random], bytes]

OPERATORS: dict[str, Operator] = {
    "byte_flips": byte_flips,
    "truncation": truncation,
    "tag_soup": tag_soup,
    "deep_nesting": deep_nesting,
    "huge_attribute": huge_attribute,
    "charset": charset,
    "nul_bytes": nul_bytes,
    "bom": bom,
    "enormous_line": enormous_line,
    "json_ld": json_ld,
    "meta_dates": meta_dates,
    "splice": splice,
}

# Cheap, common damage more often than the costly giants (a 1 MB line costs seconds to read).
WEIGHTS: dict[str, int] = {
    "byte_flips": 14,
    "truncation": 12,
    "tag_soup": 12,
    "deep_nesting": 4,
    "huge_attribute": 5,
    "charset": 10,
    "nul_bytes": 6,
    "bom": 6,
    "enormous_line": 3,
    "json_ld": 12,
    "meta_dates": 12,
    "splice": 4,
}

MAX_MUTANT_BYTES = 12 * MB  # under the reader's 16 MB cap: a mutant is read, not refused at the door


def mutate(seeds: list[Seed], run_seed: int, number: int) -> Mutant:
    """Mutant ``number`` of the run ``run_seed``: the same pair gives the same bytes every time."""
    rng = random.Random(run_seed * 1_000_003 + number)
    seed = rng.choice(seeds)
    data = seed.data
    ops: list[str] = []
    names = list(WEIGHTS)
    weights = [WEIGHTS[n] for n in names]
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        op = rng.choices(names, weights)[0]
        data = splice(data, rng, rng.choice(seeds).data) if op == "splice" else OPERATORS[op](data, rng)
        ops.append(op)
        if len(data) > MAX_MUTANT_BYTES:
            data = data[:MAX_MUTANT_BYTES]
    name = seed.name if rng.random() < 0.8 else ""
    return Mutant(seed=seed.name, name=name, data=data, ops=ops, number=number)


def mutants(seeds: list[Seed], run_seed: int, start: int, stop: int) -> Iterator[Mutant]:
    for number in range(start, stop):
        yield mutate(seeds, run_seed, number)


__all__ = [
    "OPERATORS",
    "WEIGHTS",
    "Mutant",
    "Seed",
    "lean_seeds",
    "load_seeds",
    "mutants",
    "mutate",
    "seed_paths",
]
