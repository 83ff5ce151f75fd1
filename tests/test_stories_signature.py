"""Event signatures' distinguishing names: two tournaments of one kind, a semifinal and the final,
stay apart; one case followed over days, its name carried over, stays one story."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kabar.understand.story_cluster import ClusterOptions
from kabar.understand.story_model import PairFeatures, default_model
from kabar.understand.story_signature import NamesSignature, compare_names, lexicon, names_signature
from story_fixture_support import FIXTURES, cluster_group

_FIXTURE = FIXTURES / "signature.json"


def _cluster(group: str, options: ClusterOptions | None = None) -> dict[str, int]:
    return cluster_group(_FIXTURE, group, options)


def test_names_and_stage_of_a_lead() -> None:
    sig = names_signature("Ginting juara Jepang Terbuka", ["Ia menang di final Japan Open, Minggu (24/9)."])
    assert sig.names == ["tournament:jepang open"]  # one tournament under two spellings
    assert sig.stage == "final"
    assert names_signature("", ["Marquez ingin menjauh di GP Austria."]).names == ["race:austria"]
    assert names_signature("", ["Mereka lolos ke perempat final Piala Presiden."]).stage == "quarterfinal"
    assert names_signature("", ["Ketua GP Ansor berbicara."]).names == []  # an organisation, not a race
    assert names_signature("", ["Tidak ada nama di sini."]) == NamesSignature()


def test_compare_names() -> None:
    japan = names_signature("", ["Semifinal Jepang Terbuka digelar Sabtu."])
    korea_story = {"tournament:korea open": 3.0}
    assert compare_names(japan, korea_story, {}, 0.0).name_conflict
    assert not compare_names(japan, {"tournament:jepang open": 1.0}, {}, 0.0).name_conflict
    assert compare_names(japan, {"tournament:jepang open": 1.0}, {}, 0.0).name_agree
    assert not compare_names(japan, {"race:austria": 1.0}, {}, 0.0).name_conflict  # another kind
    # a stage conflict needs days between: a tournament's rounds follow each other within days
    assert not compare_names(japan, {}, {"quarterfinal": 2.0}, 1.0).stage_conflict
    assert compare_names(japan, {}, {"final": 2.0}, lexicon().stage_gap_days).stage_conflict
    # a case is named loosely: agreement only, never a block
    case = names_signature("", ["Saksi kasus First Travel diperiksa."])
    assert case.names == ["case:first travel"]
    assert not compare_names(case, {"case:hambalang": 2.0}, {}, 0.0).name_conflict


def test_two_tournaments_of_one_kind_stay_apart() -> None:
    story = _cluster("tournaments")
    assert story["v1"] == story["v2"] == story["v3"]
    assert story["t1"] == story["t2"]
    assert story["v1"] != story["t1"]


def test_semifinal_and_final_stay_apart() -> None:
    story = _cluster("stages")
    assert story["s1"] == story["s2"] and story["f1"] == story["f2"]
    assert story["s1"] != story["f1"]


def test_one_case_over_four_days_is_one_story() -> None:
    story = _cluster("case")
    assert story["c1"] == story["c2"] == story["c3"] == story["c4"]


def test_without_the_name_guards_the_tournaments_merge() -> None:
    # the guards are what separates them: with the vetoes off the look-alike tournaments merge
    model = replace(default_model(), vetoes=())
    story = _cluster("tournaments", replace(ClusterOptions(), model=model))
    assert story["v1"] == story["t1"]


def test_shipped_model_vetoes_the_name_and_stage_conflicts() -> None:
    model = default_model()
    assert {"name_conflict", "stage_conflict"} <= set(model.vetoes)
    x = PairFeatures(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0)
    assert model.probability(x) > model.threshold
    assert model.probability(replace(x, name_conflict=1.0)) == 0.0
    assert model.probability(replace(x, stage_conflict=1.0)) == 0.0


def test_without_the_carry_over_the_case_splits() -> None:
    # the carried names are what hold the case together: its words change from day to day
    story = _cluster("case", replace(ClusterOptions(), carry_days=0.0))
    assert len(set(story.values())) > 1


def test_the_lead_s_first_name_is_what_it_is_about() -> None:
    # "India Terbuka ... the runner-up of the Indonesia Masters": about the India Open
    india = names_signature("", ["Owi/Butet absen di India Terbuka 2018, runner-up Indonesia Masters 2018."])
    assert india.first == ["tournament:india open"]
    assert india.names == ["tournament:india open", "tournament:indonesia masters"]
    assert compare_names(india, {"tournament:indonesia masters": 2.0}, {}, 0.0).name_conflict
    # and a preview naming last week's race after this week's still joins this week's story
    preview = names_signature("", ["Usai GP Spanyol, Lorenzo incar hasil bagus di GP Perancis."])
    assert not compare_names(preview, {"race:spanyol": 1.0, "race:prancis": 1.0}, {}, 0.0).name_conflict


def test_a_name_its_sentence_dates_weeks_back_is_recalled() -> None:
    lead = ["Dimas datang dengan modal juara GP Belanda di Assen, 20 Juni. Kini ia membalap di GP Jerman."]
    now = datetime(2021, 7, 2, 10, tzinfo=UTC)
    recalled = names_signature("", lead, now)
    assert recalled.first == ["race:jerman"]  # last fortnight's race is named, not reported
    assert recalled.names == ["race:belanda", "race:jerman"]
    assert names_signature("", lead).first == ["race:belanda"]  # no publication time: the first name
    # a tournament that ended yesterday is the one reported (a range counts by its last day)
    ended = names_signature("", ["Ginting juara Jepang Terbuka, 24-30 Juni."], now)
    assert ended.first == ["tournament:jepang open"]


def test_a_report_recalling_last_fortnight_s_race_joins_this_race_s_story() -> None:
    story = _cluster("recalled")
    assert story["s1"] == story["s2"]
