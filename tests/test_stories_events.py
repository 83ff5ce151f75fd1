"""Story guards: event signatures (fixtures, score lines) and the model's vetoes keep two events
of the same actors apart — two matches of one club, two matters of one minister."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from kabar.model import Article
from kabar.understand.story_cluster import ClusterOptions, MemoryStoryStore, assign
from kabar.understand.story_events import compare, event_signature
from kabar.understand.story_features import article_features
from kabar.understand.story_model import FEATURE_NAMES, PairFeatures, default_model, model_from_json

_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "stories" / "events.json"


def _articles(group: str) -> list[tuple[str, Article]]:
    rows = json.loads(_FIXTURE.read_text(encoding="utf-8"))[group]
    return [
        (
            str(r["key"]),
            Article(
                headline=r["headline"],
                published=datetime.fromisoformat(r["published"]),
                paragraphs=list(r["paragraphs"]),
                canonical_url=f"https://contoh.test/{r['key']}",
            ),
        )
        for r in rows
    ]


def _cluster(group: str, options: ClusterOptions | None = None) -> dict[str, int]:
    store = MemoryStoryStore()
    return {key: assign(store, article_features(a), options).story_id for key, a in _articles(group)}


def test_signature_reads_fixtures_and_scores() -> None:
    sig = event_signature(
        "Persija kalahkan Perseru Serui 2-1", ["Persib Bandung ditahan imbang Persela 1 - 1, Rabu (12/7)."]
    )
    assert sig.fixtures == ["persela|persib", "perseru|persija"]
    assert sig.scores == ["1-1", "1-2"]
    assert event_signature("Jokowi tiba di Bandung", ["Sabtu (12/7/2017) pukul 19.30 WIB."]).scores == []


def test_compare_flags_another_opponent_of_the_same_club() -> None:
    ours = event_signature("Persija akan menjamu Sriwijaya FC", [])
    assert compare(ours, {"perseru|persija": 2.0}, {}).fixture
    assert not compare(ours, {"persija|sriwijaya": 1.0}, {}).fixture  # the same match
    assert not compare(ours, {"arema|persib": 1.0}, {}).fixture  # no team in common: no evidence
    assert compare(event_signature("", ["Barcelona kalah 0-1 dari Espanyol"]), {}, {"0-2": 1.0}).score


def test_two_matches_of_one_club_stay_apart() -> None:
    story = _cluster("matches")
    assert story["a1"] == story["a2"] and story["b1"] == story["b2"]
    assert story["a1"] != story["b1"]


def test_without_the_fixture_guard_the_two_matches_merge() -> None:
    # The guard is what separates them: the same articles with the veto switched off merge.
    model = replace(default_model(), vetoes=())
    story = _cluster("matches", replace(ClusterOptions(), model=model))
    assert story["a1"] == story["b1"]


def test_two_matters_of_one_minister_stay_apart() -> None:
    story = _cluster("minister")
    assert story["m1"] == story["m2"] and story["n1"] == story["n2"]
    assert story["m1"] != story["n1"]


def test_veto_and_model_file() -> None:
    model = default_model()
    assert set(model.features) <= set(FEATURE_NAMES) and "fixture_conflict" in model.vetoes
    x = PairFeatures(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0)
    assert model.probability(x) == 0.0
    assert model.probability(replace(x, fixture_conflict=0.0)) > model.threshold
    try:
        model_from_json({"features": ["nonsense"], "weights": [1.0], "bias": 0.0, "threshold": 0.5})
    except ValueError:
        pass
    else:
        raise AssertionError("an unknown feature must be refused")


def test_the_story_s_match_with_its_score_is_no_other_match() -> None:
    # the cue words parse the club's nickname as the team ("tim Maung Bandung menaklukkan Persipura")
    ours = event_signature(
        "", ["Tim Maung Bandung menaklukkan Persipura Jayapura, Minggu (7/5). Persib menang 1 - 0."]
    )
    assert ours.fixtures == ["maung|persipura"]
    assert not compare(ours, {"persib|persipura": 1.0}, {"0-1": 1.0}).fixture
    # the lead names the story's match but reports another score: another match after all
    assert compare(ours, {"persib|persipura": 1.0}, {"2-2": 1.0}).fixture
    # the score alone, the story's match unnamed: another match
    assert compare(ours, {"persela|persipura": 1.0}, {"0-1": 1.0}).fixture


def test_a_match_reported_under_the_club_s_nickname_joins_its_story() -> None:
    story = _cluster("nickname")
    assert story["p1"] == story["p2"]
    assert story["q1"] != story["p1"]  # the club's next match, naming this one in its lead
