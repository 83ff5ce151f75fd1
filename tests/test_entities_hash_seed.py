"""Entities do not depend on the process's string-hash seed (``PYTHONHASHSEED``).

A bare "Cililin" after "Kecamatan Cililin" and "Desa Cililin" went to whichever of the two a set
listed first, which the hash seed decides: shards of one backfill differed from run to run. The
first place mentioned now wins, in every process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

PROBE = """
import json
from kabar.model import Article
from kabar.understand.entities import find_entities
a = Article(headline="Banjir di Cililin", paragraphs=[
    "Banjir melanda Kecamatan Cililin, Kabupaten Bandung Barat, Senin.",
    "Warga Desa Cililin mengungsi ke balai desa.",
    "Menurut warga, air di Cililin mulai surut sore harinya.",
])
print(json.dumps([[e.name, len(e.mentions)] for e in find_entities(a)]))
"""


def _entities(seed: int) -> list[list[object]]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout))


def test_the_same_entities_under_every_hash_seed() -> None:
    runs = [_entities(seed) for seed in (1, 2, 3, 4, 5)]  # seeds 1, 2 and 5 differed from 3 and 4 before
    assert all(r == runs[0] for r in runs), runs
    assert runs[0][0] == ["Kecamatan Cililin", 3]  # the bare name goes to the place mentioned first
