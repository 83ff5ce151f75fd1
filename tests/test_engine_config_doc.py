"""docs/CONFIG.md is generated from the configuration models and must match them."""

from __future__ import annotations

from pathlib import Path

from kabar.engine.config_doc import render
from kabar.engine.config_model import EngineSection, SourceConfig

DOC = Path(__file__).resolve().parents[1] / "docs" / "CONFIG.md"


def test_the_committed_reference_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/CONFIG.md is stale: run `.venv/bin/python -m kabar.engine.config_doc --write docs/CONFIG.md`"
    )


def test_every_key_is_documented_with_what_it_accepts() -> None:
    text = render()
    for model in (EngineSection, SourceConfig):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            assert f"| `{name}` |" in text
    assert "did you mean `interval_minutes`?" in text  # the bad example ran through the real parser
