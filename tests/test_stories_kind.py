"""The kind of event: read from a lead's cue words; a case or a disaster, led by its subject, stays
one story across quiet days, a club's next match does not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kabar.understand import story_kind
from kabar.understand.story_cluster import ClusterOptions
from kabar.understand.story_kind import carry_days, event_kind
from kabar.understand.story_kind import story_kind as kind_of_story
from story_fixture_support import FIXTURES, cluster_group

_FIXTURE = FIXTURES / "kinds.json"
# Articles about other things the archive held before: they make the groups' names rare, as a
# suspect's name is among everything an archive holds.
_EARLIER = 400


def _cluster(group: str, options: ClusterOptions | None = None) -> dict[str, int]:
    return cluster_group(_FIXTURE, group, options, earlier=_EARLIER)


@pytest.mark.parametrize(
    ("headline", "lead", "kind"),
    [
        ("KPK tahan tersangka suap", "Penyidik menahan tersangka usai pemeriksaan sebagai saksi.", "case"),
        (
            "Banjir rendam ribuan rumah",
            "BPBD mengevakuasi warga; pengungsi bertambah usai longsor.",
            "disaster",
        ),
        ("Persija menang 2-0", "Gol di babak kedua membawa Persija ke puncak klasemen liga.", "sports"),
        ("KPU tetapkan paslon Pilkada", "Partai koalisi mulai kampanye, kata Bawaslu.", "politics"),
        ("IHSG menguat", "Saham perbankan naik dan rupiah menguat terhadap dolar.", "business"),
        ("Raisa rilis album", "Penyanyi itu menggelar konser untuk album dan lagu barunya.", "entertainment"),
        ("Ponsel Android baru", "Smartphone itu membawa fitur kamera dan baterai besar.", "technology"),
    ],
)
def test_the_kind_of_a_lead(headline: str, lead: str, kind: str) -> None:
    assert event_kind(headline, [lead]) == kind


def test_too_few_or_tied_cues_are_no_kind() -> None:
    assert event_kind("Cuaca cerah di Jakarta", ["Warga menikmati akhir pekan."]) == ""
    assert event_kind("", ["Pelatih itu menjadi tersangka."]) == ""  # one hit each: tied, and too few
    assert kind_of_story({"case": 2.0, "sports": 2.0}) == ""
    assert kind_of_story({"case": 3.0, "politics": 1.0}) == "case"


def test_carry_over_by_kind() -> None:
    case = story_kind.lexicon().profiles["case"]
    # a case led by its subject carries over with no shared name; a match never does
    assert carry_days("case", {"case": 3.0}, False, True, 7.0) == 7.0 * case.kind_carry_scale > 0
    assert carry_days("case", {"case": 3.0}, False, False, 7.0) == 0.0
    assert carry_days("sports", {"sports": 3.0}, False, True, 7.0) == 0.0
    # a shared name: the case's longer carry-over, another kind's the clusterer's own
    assert carry_days("case", {"case": 3.0}, True, False, 7.0) == 7.0 * case.carry_scale > 7.0
    assert carry_days("politics", {"case": 3.0}, True, False, 7.0) == 7.0
    assert story_kind.runs_long("case") and story_kind.runs_long("disaster")
    assert not story_kind.runs_long("sports") and not story_kind.runs_long("")


@pytest.mark.parametrize("group", ["case", "disaster"])
def test_a_case_or_disaster_stays_one_story_across_quiet_days(group: str) -> None:
    story = _cluster(group)
    assert len(set(story.values())) == 1


@pytest.mark.parametrize("group", ["case", "disaster"])
def test_without_the_kind_s_carry_over_it_splits(group: str, monkeypatch: pytest.MonkeyPatch) -> None:
    lexicon = story_kind.lexicon()
    profiles = dict(lexicon.profiles)
    for kind in ("case", "disaster"):
        profiles[kind] = replace(profiles[kind], kind_carry_scale=0.0)
    monkeypatch.setattr(story_kind, "lexicon", lambda: replace(lexicon, profiles=profiles))
    assert len(set(_cluster(group).values())) > 1


def test_a_club_s_next_match_is_another_story() -> None:
    story = _cluster("matches")
    assert story["m1"] == story["m2"]
    assert story["m3"] != story["m1"]
