"""What an export is asked for, without pyarrow: ``kabar --help`` and every other command
import the export command's options, and pyarrow costs a third of a second to import."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    parquet = "parquet"
    csv = "csv"


@dataclass(slots=True, frozen=True)
class RecordOptions:
    with_entities: bool = False
