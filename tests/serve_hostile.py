"""A hostile article: every trick a page could carry into the portal."""

from __future__ import annotations

from datetime import UTC, datetime

from kabar.model import Article, Entity, Image, RelatedItem

EVIL = "https://evil.example"

PAYLOADS = [
    "<script>alert('xss-script')</script>",
    f"<img src={EVIL}/pixel.png onerror=alert('xss-img')>",
    f'"><iframe src="{EVIL}/frame"></iframe>',
    f"<style>body{{background:url({EVIL}/css.png)}}</style>",
    f'<link rel="stylesheet" href="{EVIL}/x.css">',
    "</p><svg onload=alert('xss-svg')></svg>",
    "{{ 7*7 }} {% raw %}",
    "javascript:alert('xss-text')",
]


def hostile_article() -> Article:
    return Article(
        headline="Judul </script><script>alert('xss-headline')</script> <!-- «»",
        published=datetime(2020, 11, 3, 9, 50, tzinfo=UTC),
        outlet="<b onmouseover=alert(1)>EVIL</b>",
        authors=["<script>alert('author')</script>"],
        paragraphs=["Pembuka berita biasa tentang banjir.", *PAYLOADS],
        images=[
            Image(
                caption="<script>alert('caption')</script>",
                credit="<i>kredit</i>",
                position=1,
                url=f"{EVIL}/i.jpg",
            ),
            Image(caption="foto data", position=2, url="data:image/svg+xml,<svg onload=alert(1)>"),
            Image(caption="foto js", position=3, url="javascript:alert('img')"),
        ],
        sources=[
            "javascript:alert('source')",
            "JaVaScRiPt:alert('source2')",
            "java\tscript:alert('source3')",
            "data:text/html,<script>alert(1)</script>",
            "//evil.example/protocol-relative",
            "https://tass.com/world/1219289",
        ],
        related=[
            RelatedItem(
                headline="<script>alert('rel')</script>",
                url="javascript:alert('rel')",
                description="<b>x</b>",
            ),
            RelatedItem(headline="data link", url="data:text/html,hi"),
            RelatedItem(headline="vbscript", url="vbscript:msgbox(1)"),
        ],
        tags=["<script>alert('tag')</script>"],
        description="<script>alert('desc')</script>",
        entities=[
            Entity(
                name="<script>alert('entity')</script>", type="person", role="<img src=x onerror=alert(2)>"
            )
        ],
        url="javascript:alert('url')",
        canonical_url="https://hostile.example/artikel",
    )
