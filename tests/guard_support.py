"""Misbehaving steps for the guard's tests: each runs inside the guard's worker, never in production.

The names in a page's source pick the misbehaviour, so one batch can hold good records and bad:
``boom`` raises, ``spin`` burns CPU in Python, ``backtrack`` runs a catastrophic regex (one
C call holding the GIL; the regex engine checks for signals), ``stuck`` burns CPU inside one C
call that no signal handler can interrupt, ``swell`` allocates without end.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable

from kabar.guard import StageMark
from kabar.model import Article, RawPage

GOOD_PAGE = (
    "Banjir Rendam Kampung Melayu\n\n"
    "Selasa, 3 November 2020 16:50 WIB\n\n"
    "JAKARTA - Banjir setinggi satu meter merendam ratusan rumah di Kampung Melayu, Jakarta Timur.\n\n"
    "Warga mengungsi ke masjid terdekat sejak Selasa pagi.\n"
)


def good_page(title: str) -> str:
    return GOOD_PAGE.replace("Banjir Rendam Kampung Melayu", title)


def misbehave(label: str) -> None:
    """Do what ``label`` asks for (nothing, for a good record)."""
    if "boom" in label:
        raise ValueError(f"injected failure for {label}")
    if "spin" in label:
        total = 0
        while True:  # pure Python: the CPU timer's signal interrupts it
            total += 1
    if "backtrack" in label:
        re.match(r"(a+)+$", "a" * 40 + "b")  # 2**40 ways to split the a's
    if "stuck" in label:
        # minutes of CPU inside one C call that never returns to the interpreter, so no
        # Python signal handler can run (the regex engine, by contrast, checks for signals)
        hashlib.pbkdf2_hmac("sha256", b"kabar", b"garam", 10**9)
    if "hold" in label:
        release = os.environ.get("KABAR_TEST_HOLD", "")
        if release:
            with open(f"{release}.started.{os.getpid()}", "w"):
                pass
            deadline = time.monotonic() + 60  # a test that never releases still ends
            while not os.path.exists(release) and time.monotonic() < deadline:
                time.sleep(0.01)
    if "swell" in label:
        hoard = []
        while True:
            # bytes(n) is calloc'd: address space (what the budget limits) without touching a
            # page. A bytearray is zeroed page by page, and on a loaded machine that CPU passed
            # the tests' 0.5 s budget before the memory limit was reached.
            hoard.append(bytes(64 * 1024 * 1024))


def slow_extract(real: Callable[[RawPage], Article]) -> Callable[[RawPage], Article]:
    """``extract`` that misbehaves on pages whose source asks for it."""

    def extract(page: RawPage, *args: object, **kwargs: object) -> Article:
        misbehave(f"{page.source or ''} {page.url or ''}")
        return real(page)

    return extract


def bad_enrich(real: Callable[..., Article]) -> Callable[..., Article]:
    """``enrich`` that misbehaves on articles whose headline asks for it."""

    def enrich(article: Article, *args: object, **kwargs: object) -> Article:
        misbehave((article.headline or "").lower())
        return real(article, *args, **kwargs)

    return enrich


def echo(payload: str, mark: StageMark) -> str:
    mark.enter("echo")
    misbehave(payload)
    return payload.upper()


def pid(payload: object, mark: StageMark) -> int:
    import os

    return os.getpid()
