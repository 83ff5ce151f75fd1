"""Peak memory grows with the page, not faster: extraction and understanding of a page of ~1 MB
(flattened text and HTML, in shapes that once held too much) stay within 100 times its size and
under 500 MB, measured as ``ru_maxrss`` growth in a fresh subprocess after the models are loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "robustness"
_SIZE = 600_000

_CHILD = r"""
import html, json, resource, sys
from kabar.extract import extract
from kabar.model import Article, RawPage
from kabar.understand import enrich

shape, size = sys.argv[1], int(sys.argv[2])
para = ("Presiden Joko Widodo meresmikan jalan tol baru di Jawa Barat pada Senin lalu, 3 November 2020, "
        "kata Menteri Basuki Hadimuljono kepada wartawan di Bandung.")
caption = "Presiden Joko Widodo di Istana Bogor, Jawa Barat, Selasa, 22 September 2020. ANTARA FOTO/Hafidz Mubarak A"
head = "Jalan Tol Baru Diresmikan di Jawa Barat\n\nSelasa, 3 November 2020 16:50 WIB\n\nTEMPO.CO - "
def page(size):
  if shape == "paragraphs":
    return head + "\n\n".join([para] * (size // len(para))), "text"
  if shape == "one line":
    return head + " ".join([para] * (size // len(para))), "text"
  if shape == "captions":
    return head + "\n\n".join([caption] * (size // len(caption))), "text"
  body = "".join(f"<p>{html.escape(para)}</p><figure><img src='/f{i}.jpg'><figcaption>{html.escape(caption)}"
                 "</figcaption></figure>" for i in range(size // (len(para) + len(caption) + 60)))
  return ("<html><head><title>Jalan Tol Baru</title></head><body><article>"
          f"<h1>Jalan Tol Baru Diresmikan di Jawa Barat</h1>{body}</article></body></html>"), "html"

# The models and the tagger's working arrays are loaded by a page a tenth the size: what is
# measured is what grows with the page.
enrich(extract(RawPage(content=page(size // 10)[0], kind=page(10)[1])))
content, kind = page(size)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
article = enrich(extract(RawPage(content=content, kind=kind)))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"bytes": len(content.encode()), "growth": (after - before) * 1024,
                  "paragraphs": len(article.paragraphs), "entities": len(article.entities)}))
"""


@pytest.mark.parametrize("shape", ["paragraphs", "html"])  # the benchmark adds one line, captions
def test_peak_memory_is_linear_in_the_page(shape: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, shape, str(_SIZE)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["paragraphs"] and figures["entities"]
    ratio = figures["growth"] / figures["bytes"]
    assert ratio <= 100, f"{shape}: peak grew {ratio:.0f}x the page ({figures})"
    assert figures["growth"] <= 500 * 2**20
