"""The public API is deliberate: a change to it must change this test too."""

from __future__ import annotations

import inspect
import subprocess
import sys

import kabar

EXPECTED = {
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
}


def test_public_names_are_exactly_the_documented_ones() -> None:
    assert set(kabar.__all__) == EXPECTED
    for name in kabar.__all__:
        assert getattr(kabar, name) is not None


def test_public_callables_are_fully_annotated() -> None:
    for name in kabar.__all__:
        obj = getattr(kabar, name)
        if inspect.isfunction(obj):
            sig = inspect.signature(obj)
            assert sig.return_annotation is not inspect.Signature.empty, name
            for param in sig.parameters.values():
                assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name})"


def test_importing_kabar_loads_no_model_and_no_web_stack() -> None:
    code = (
        "import sys, kabar; "
        "heavy = [m for m in ('fastapi', 'uvicorn', 'pycrfsuite', 'trafilatura', 'datasketch') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
