"""Score a folder of TimeML runs against a folder of gold TimeML, file by file name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kabar.understand.timeml.document import MAX_BYTES, TimemlDoc, TimemlError, read_timeml
from kabar.understand.timeml.score import Scores, score_docs

MAX_FILES = 100_000


@dataclass(slots=True, frozen=True)
class FolderScores:
    scores: Scores
    documents: int


def read_folder(folder: Path) -> dict[str, TimemlDoc]:
    if not folder.is_dir():
        raise TimemlError(f"{folder} is not a folder of .tml files")
    docs: dict[str, TimemlDoc] = {}
    for path in sorted(folder.glob("*.tml"))[:MAX_FILES]:
        if path.stat().st_size > MAX_BYTES:
            raise TimemlError(f"{path} is over {MAX_BYTES:,} bytes")
        docs[path.name] = read_timeml(path.read_bytes(), str(path))
    return docs


def score_folders(gold_dir: Path, run_dir: Path) -> FolderScores:
    gold = read_folder(gold_dir)
    if not gold:
        raise TimemlError(f"{gold_dir} holds no .tml files")
    run = read_folder(run_dir)
    pairs: list[tuple[TimemlDoc, TimemlDoc | None]] = []
    for name, g in gold.items():
        s = run.get(name)
        if s is not None and s.text != g.text:
            raise TimemlError(
                f"{run_dir / name}: its TEXT differs from the gold's; offsets cannot be compared"
            )
        pairs.append((g, s))
    return FolderScores(score_docs(pairs), len(gold))
