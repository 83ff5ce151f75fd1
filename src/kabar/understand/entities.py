"""People, places and organisations an article names, with their roles and short forms.

Mention offsets: ``Mention.start``/``Mention.end`` are character offsets into the text named by
``Mention.field``: ``"headline"`` → ``article.headline``, ``"body:N"`` → ``article.paragraphs[N]``,
``"caption:N"`` → ``article.images[N].caption``; ``text == field_text[start:end]``. Image credits
are never read, and credits still embedded in a caption or paragraph are masked (:mod:`.ner.credits`):
a photographer is not someone the story is about.

The steps: the shipped CRF (:mod:`.ner.tagger`) tags each sentence; a person's role is read from
the words before the name or an apposition after it (:mod:`.ner.roles`); then every name found is
looked for again across the article (one sense per discourse: a title-case headline, where the
model is unreliable because every word is capitalised, gets its entities this way only), and short
forms resolve to full names: a surname to the one longer name containing it, ``AS`` to ``Amerika
Serikat`` through the alias table (:mod:`.ner.aliases`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from kabar.model import Article, Entity, EntityType, Mention
from kabar.understand.ner.aliases import load_aliases
from kabar.understand.ner.credits import RangeIndex, credit_ranges
from kabar.understand.ner.gazetteer import DATA as NER_DATA
from kabar.understand.ner.gazetteer import load_gazetteer, read_list
from kabar.understand.ner.roles import role_after, role_before, split_leading_title
from kabar.understand.ner.scoring import spans
from kabar.understand.ner.tagger import load_tagger
from kabar.understand.ner.tokenize import Token, sentences, tokenize

_TYPE: dict[str, EntityType] = {"PER": "person", "LOC": "place", "ORG": "organization"}
_KIND: dict[EntityType, str] = {v: k for k, v in _TYPE.items()}
# Lowercase words that belong inside names: "Ibnu bin Abdullah", "Kementerian Pekerjaan Umum dan
# Perumahan Rakyat", "Bank of America".
_PARTICLES = frozenset({"bin", "binti", "van", "von", "der", "de", "da", "del", "al", "el", "la", "le"})
_ORG_JOINERS = frozenset({"dan", "&", "of", "for", "and", "the", "untuk"})
_PLACE_PREFIXES = frozenset({"kota", "kabupaten", "provinsi", "pulau", "kecamatan", "desa"})
_COORDINATORS = frozenset({"dan", "atau", "serta", ","})


@dataclass(slots=True, frozen=True)
class EntityOptions:
    # The annotation conventions the shipped model is asked to follow, first one first. The corpora
    # disagree on what to tag (NER-UI tags the place inside a title, "Presiden [Rusia] Vladimir Putin",
    # which idner-news-2k leaves out; each misses names the other finds), and an article's entity list
    # wants every name any of them would tag: spans of the later conventions are added where they do
    # not overlap the first's.
    conventions: tuple[str, ...] = ("nerui", "idner")
    max_field_chars: int = 100_000  # longer fields are read only this far (bounded time)
    # The whole article is read only this far (a multi-megabyte "article" is a dump; tagging runs
    # ~100k characters a second, so reading all of it would break any per-page time budget).
    max_article_chars: int = 300_000
    # False tags with the uncached reference feature path (same output, slower): for the benchmark
    # and the identity tests that hold the fast path to it.
    cached_features: bool = True
    # Sentences the tagger decodes side by side in one call. Its arrays hold ~2 KB a token, so one
    # call over a whole multi-megabyte page took gigabytes; batches keep the peak flat.
    batch_sentences: int = 256


@dataclass(slots=True)
class _Found:
    field: str
    order: int  # position of the field in reading order
    start: int
    end: int
    text: str
    kind: str  # PER | LOC | ORG
    role: str | None = None
    known_as: str | None = None  # the name the second pass matched (it may differ in case)


@dataclass(slots=True)
class _Field:
    name: str
    order: int
    text: str
    masks: list[tuple[int, int]] = field(default_factory=list)
    shouting: bool = False  # all capitals: matched case-insensitively, tagged title-cased
    mask_index: RangeIndex = field(init=False)  # ``masks``, for lookups

    def __post_init__(self) -> None:
        self.mask_index = RangeIndex(self.masks)


def find_entities(article: Article, options: EntityOptions | None = None) -> list[Entity]:
    opts = options or EntityOptions()
    fields = _fields(article, opts)
    body_present = any(f.name != "headline" and f.text.strip() for f in fields)
    to_tag = [
        fld
        for fld in fields
        # A headline with every word capitalised: its names come from the second pass below.
        if not (fld.name == "headline" and body_present and (fld.shouting or _title_case(fld.text)))
    ]
    found = _tag_fields(to_tag, opts)
    found.extend(_second_pass(fields, found))
    return _group(found)


_MAX_CREDITS = 200


def _fields(article: Article, opts: EntityOptions) -> list[_Field]:
    # Each field is searched for every credit: distinct ones only, and a page's worth (a dump of
    # 20,000 captions made this search fields × images, 13 s on its own).
    credits = list(dict.fromkeys(img.credit for img in article.images if img.credit))[:_MAX_CREDITS]
    raw: list[tuple[str, str | None]] = [("headline", article.headline)]
    raw += [(f"body:{i}", p) for i, p in enumerate(article.paragraphs)]
    raw += [(f"caption:{i}", img.caption) for i, img in enumerate(article.images)]
    out = []
    budget = opts.max_article_chars
    for order, (name, text) in enumerate(raw):
        if not text or not text.strip():
            continue
        if budget <= 0:
            break
        text = text[: min(opts.max_field_chars, budget)]
        budget -= len(text)
        out.append(_Field(name, order, text, credit_ranges(text, credits), _shouting(text)))
    return out


def _shouting(text: str) -> bool:
    letters = list(filter(str.isalpha, text))  # C-level loops: this reads every field's every character
    return len(letters) >= 12 and sum(map(str.isupper, letters)) >= 0.8 * len(letters)


def _title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]{4,}", text)]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _tag_fields(fields: list[_Field], opts: EntityOptions) -> list[_Found]:
    """Tag every sentence of the fields in one call: the tagger decodes them side by side."""
    tagger = load_tagger("idner", opts.cached_features)
    units: list[tuple[_Field, list[Token], list[str]]] = []
    model_texts: list[list[str]] = []
    for fld in fields:
        for sent in sentences(tokenize(fld.text)):
            words = [t.text for t in sent]
            units.append((fld, sent, words))
            model_texts.append(
                [w.capitalize() if w.isupper() and len(w) > 3 else w for w in words]
                if fld.shouting
                else words
            )
    out: list[_Found] = []
    step = max(1, opts.batch_sentences)
    tagged = (
        pair
        for first in range(0, len(units), step)
        for pair in zip(
            units[first : first + step],
            tagger.tag_batch(model_texts[first : first + step], opts.conventions),
            strict=True,
        )
    )
    for (fld, sent, words), taggings in tagged:
        marks = load_gazetteer().annotate(words)
        tags = _union(taggings)
        tags = _coordinate(
            words,
            _region_places(
                words,
                _overlay_places(
                    words, _overlay_aliases(words, _split_place_prefix(words, tags, marks)), marks
                ),
            ),
        )
        for a, b, kind in sorted(s for span in spans(tags) for s in _split_lowercase(words, span)):
            if kind == "PER":
                a = split_leading_title(words, a, b)
            start, end = sent[a].start, sent[b - 1].end
            if fld.mask_index.overlaps(start, end):
                continue
            role = _role(fld.text, sent, words, tags, a, b) if kind == "PER" else None
            out.append(_Found(fld.name, fld.order, start, end, fld.text[start:end], kind, role))
    return out


def _split_lowercase(words: list[str], span: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    """Cut a span at lowercase words that are not name particles (the model can run a span on
    through a clause of English, ``Sri Mulyani said the World Bank``); keep the capitalised parts."""
    a, b, kind = span
    allowed = _PARTICLES | (_ORG_JOINERS if kind == "ORG" else frozenset())
    out: list[tuple[int, int, str]] = []
    start = None
    for k in range(a, b + 1):
        ok = k < b and (not words[k][:1].islower() or words[k] in allowed)
        if ok and start is None and not words[k][:1].islower():
            start = k
        elif not ok and start is not None:
            end = k
            while end > start and words[end - 1] in allowed:
                end -= 1
            out.append((start, end, kind))
            start = None
    return out


def _union(taggings: list[list[str]]) -> list[str]:
    """The first tagging, plus every span of the others that overlaps none already taken."""
    out = list(taggings[0])
    for other in taggings[1:]:
        for a, b, kind in sorted(spans(other)):
            if all(t == "O" for t in out[a:b]) and (b >= len(out) or not out[b].startswith("I-")):
                out[a:b] = ["B-" + kind] + ["I-" + kind] * (b - a - 1)
    return out


def _split_place_prefix(words: list[str], tags: list[str], marks: list[list[str]]) -> list[str]:
    """``Presiden Azerbaijan Ilham Aliyev``: the model may let the person span swallow the country of
    the title before the name; a known place name (CLDR, ISO 3166) opening a longer person span is split off."""
    out = list(tags)
    for a, b, kind in spans(tags):
        if kind != "PER" or "place:B" not in marks[a]:
            continue
        j = a + 1
        while j < b and "place:I" in marks[j] and "place:B" not in marks[j]:
            j += 1
        if j < b:
            out[a:j] = ["B-LOC"] + ["I-LOC"] * (j - a - 1)
            out[j] = "B-PER"
    return out


def _overlay_aliases(words: list[str], tags: list[str]) -> list[str]:
    """Short forms from the alias table the model left untagged (``AS melalui …``) get their type.

    Done before roles are read so that ``AS melalui Menteri Luar Negeri`` can lend "AS" to the role.
    """
    aliases = load_aliases()
    out = list(tags)
    for i, word in enumerate(words):
        alias = aliases.get(word)
        if alias and out[i] == "O":
            out[i] = "B-" + _KIND[alias.type]
    return out


def _overlay_places(words: list[str], tags: list[str], marks: list[list[str]]) -> list[str]:
    """Country and province names (CLDR, ISO 3166) the model left untagged, e.g. inside a title
    (``Gubernur Jawa Barat Ridwan Kamil``), become places when written capitalised."""
    out = list(tags)
    i = 0
    while i < len(words):
        if "place:B" not in marks[i]:
            i += 1
            continue
        j = i + 1
        while j < len(words) and "place:I" in marks[j] and "place:B" not in marks[j]:
            j += 1
        if all(out[k] == "O" and words[k][:1].isupper() for k in range(i, j)):
            out[i:j] = ["B-LOC"] + ["I-LOC"] * (j - i - 1)
        i = j
    return out


@lru_cache(maxsize=1)
def _region_nouns() -> frozenset[str]:
    return frozenset(read_list(NER_DATA / "region_nouns.txt"))


def _region_places(words: list[str], tags: list[str]) -> list[str]:
    """A name right after a lowercase region noun (``di wilayah Terter``) is a place, whatever type
    the model gave it: the noun says what the name is (the list: ``ner/data/region_nouns.txt``)."""
    out = list(tags)
    nouns = _region_nouns()
    for a, b, kind in spans(tags):
        if kind != "LOC" and a > 0 and words[a - 1] in nouns:
            out[a:b] = ["B-LOC"] + ["I-LOC"] * (b - a - 1)
    return out


def _coordinate(words: list[str], tags: list[str]) -> list[str]:
    """A lone one-word "person" coordinated with a place (``Terter dan Lachin``) is a place.

    Coordinated names share a type far more often than not; the model, seeing an unknown
    capitalised word, defaults to PER, so the place beside it is the better guess.
    """
    out = list(tags)
    for i, tag in enumerate(tags):
        if tag != "B-PER" or (i + 1 < len(tags) and tags[i + 1] == "I-PER"):
            continue
        neighbours = []
        if i >= 2 and words[i - 1].lower() in _COORDINATORS:
            neighbours.append(tags[i - 2])
        if i + 2 < len(tags) and words[i + 1].lower() in _COORDINATORS:
            neighbours.append(tags[i + 2])
        if any(n.endswith("-LOC") for n in neighbours):
            out[i] = "B-LOC"
    return out


def _role(text: str, sent: list[Token], words: list[str], tags: list[str], a: int, b: int) -> str | None:
    tags = [*tags[:a], *(["B-PER"] + ["I-PER"] * (b - a - 1)), *tags[b:]]
    span = role_before(words, tags, a) or role_after(words, tags, b)
    if span is None:
        return None
    role = text[sent[span.start].start : sent[span.end - 1].end]
    if span.actor:
        role += " " + text[sent[span.actor[0]].start : sent[span.actor[1] - 1].end]
    return role


def _second_pass(fields: list[_Field], found: list[_Found]) -> list[_Found]:
    """Find every known name again wherever the model missed it, and alias short forms of found names."""
    known: dict[str, str] = {}
    for f in found:
        known.setdefault(f.text, f.kind)
        parts = f.text.split()
        if f.kind == "PER" and len(parts) > 1 and len(parts[-1]) > 2:
            known.setdefault(parts[-1], "PER")
    present = set(known)
    for alias in load_aliases().values():
        if alias.short in present or alias.full in present:
            known.setdefault(alias.short, _KIND[alias.type])
    known = {k: v for k, v in known.items() if len(k) > 1 and k[0].isupper()}
    if not known:
        return []
    names = sorted(known, key=len, reverse=True)
    out: list[_Found] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    for f in found:
        taken.setdefault(f.field, []).append((f.start, f.end))
    # The first known name with a given lower case, for a case-blind match (a dict, not a scan of
    # ``known`` per match: that was quadratic on a page of names).
    lowered: dict[str, str] = {}
    for k in known:
        lowered.setdefault(k.lower(), k)
    alternation = r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])"
    # Compiling the article's alternation is a large share of this pass: the case-blind one only
    # when a field is all capitals.
    exact = re.compile(alternation)
    anycase = re.compile(alternation, re.IGNORECASE) if any(f.shouting for f in fields) else exact
    for fld in fields:
        pattern = anycase if fld.shouting else exact
        # The model's spans and the credits. The matches kept here need not join them: finditer's
        # matches never overlap one another, so none can block a later one.
        blocked = RangeIndex([*taken.get(fld.name, ()), *fld.masks])
        for m in pattern.finditer(fld.text):
            if blocked.overlaps(m.start(), m.end()):
                continue
            name = m.group() if m.group() in known else lowered.get(m.group().lower())
            if name is None:  # re's case-blind match is looser than str.lower(): 'ſ' for 's', 'İ' for 'I'
                continue
            out.append(_Found(fld.name, fld.order, m.start(), m.end(), m.group(), known[name], known_as=name))
    return out


def _canonical(found: list[_Found]) -> list[tuple[str, EntityType | None]]:
    aliases = load_aliases()
    # Ordered by first mention (dicts, not sets): a set's order follows the string hash, which
    # PYTHONHASHSEED changes per process, so which of two places sharing a tail won differed per run.
    long_people = dict.fromkeys(f.text for f in found if f.kind == "PER" and len(f.text.split()) > 1)
    cued_places = dict.fromkeys(
        f.text for f in found if f.kind == "LOC" and f.text.split()[0].lower() in _PLACE_PREFIXES
    )
    # Indexes instead of a scan of every name per mention, which was quadratic on a page of names.
    by_surname: dict[str, list[str]] = {}
    for n in long_people:
        by_surname.setdefault(n.split()[-1], []).append(n)
    by_tail: dict[tuple[str, ...], str] = {}
    for p in cued_places:  # the first place mentioned with a tail wins
        by_tail.setdefault(tuple(p.split()[1:]), p)
    people = _People(long_people)
    out: list[tuple[str, EntityType | None]] = []
    for f in found:
        text = " ".join((f.known_as or f.text).split())
        if text in aliases:
            out.append((aliases[text].full, aliases[text].type))
            continue
        surname_of = by_surname.get(text, [])
        if f.kind != "PER" and len(surname_of) == 1:
            # "dengan Pashinyan dan Aliyev": the model typed a lone surname as an organisation, but the
            # article has already named the person whose surname it is.
            out.append((surname_of[0], None))
            continue
        if f.kind == "PER":
            text = people.widest(text) or text
        elif f.kind == "LOC":
            # "Bandung" and "Kota Bandung" are one place: the name with its prefix is the full one.
            text = by_tail.get(tuple(text.split()), text)
        out.append((text, None))
    return out


# A widest name contains every other name that holds the short form, so those are all runs of its
# words: at most k(k+1)/2 = 55 for a name of 10 words. When more names than that hold the short
# form's rarest word, it is left unresolved, as an ambiguous one is. Real articles name a few dozen
# people at most; hundreds sharing a word come from runs of capitalised words (tag soup, lists of
# titles), where checking each against each was quadratic (300 kB: 4.9 s of CPU, 2.6 s of it here).
_MAX_CONTAINING = 64


class _People:
    """The article's longer person names, asked which one a shorter form stands for."""

    def __init__(self, names: dict[str, None]) -> None:
        self._words = {n: n.split() for n in names}
        self._with_word: dict[str, list[str]] = {}  # word → the names that have it
        for n, words in self._words.items():
            for w in dict.fromkeys(words):
                self._with_word.setdefault(w, []).append(n)
        self._memo: dict[str, str | None] = {}

    def widest(self, text: str) -> str | None:
        """The one longer name containing ``text`` that no other such name contains, if exactly one.

        "Budi" beside both "Budi Santoso" and "Budi Gunawan" stays unresolved rather than guessed.
        """
        if text not in self._memo:
            self._memo[text] = self._find(text)
        return self._memo[text]

    def _find(self, text: str) -> str | None:
        words = text.split()
        if not words:
            return None
        # Only names having the rarest of the words can contain them all.
        rarest = min((self._with_word.get(w, []) for w in words), key=len)
        if len(rarest) > _MAX_CONTAINING:
            return None
        longer = [n for n in rarest if n != text and _contains(self._words[n], words)]
        if not longer:
            return None
        shapes = Counter(tuple(self._words[n]) for n in longer)
        if max(shapes.values()) > 1:
            # Two spellings of one name ("Budi  Santoso", "Budi Santoso") contain each other: rare,
            # and the plain pairwise rule says what that means.
            widest = [
                n
                for n in longer
                if not any(n != m and _contains(self._words[m], self._words[n]) for m in longer)
            ]
            return widest[0] if len(widest) == 1 else None
        # Distinct word sequences: a sole widest name contains every other, so it is the one with
        # the most words and there is no tie for that.
        most = max(len(self._words[n]) for n in longer)
        top = [n for n in longer if len(self._words[n]) == most]
        if len(top) != 1:
            return None
        if all(_contains(self._words[top[0]], self._words[n]) for n in longer):
            return top[0]
        return None


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _group(found: list[_Found]) -> list[Entity]:
    found.sort(key=lambda f: (f.order, f.start))
    groups: dict[str, list[_Found]] = {}
    fixed: dict[str, EntityType] = {}
    for f, (name, typ) in zip(found, _canonical(found), strict=True):
        groups.setdefault(name, []).append(f)
        if typ:
            fixed[name] = typ
    entities: list[Entity] = []
    for name, members in groups.items():
        votes = Counter(m.kind for m in members)
        typ = fixed.get(name) or _TYPE[max(votes, key=lambda k: (votes[k], -_first(members, k)))]
        roles = list(dict.fromkeys(m.role for m in members if m.role))
        # Surface forms other than the name, once each ignoring case (an all-caps headline repeats them).
        aliases = {" ".join(m.text.split()).lower(): " ".join(m.text.split()) for m in reversed(members)}
        aliases.pop(name.lower(), None)
        entities.append(
            Entity(
                name=name,
                type=typ,
                role=roles[0] if roles else None,
                aliases=list(reversed(aliases.values())),
                mentions=[Mention(m.start, m.end, m.text, m.field) for m in members],
                roles=roles,
            )
        )
    return entities


def _first(members: list[_Found], kind: str) -> int:
    return next(i for i, m in enumerate(members) if m.kind == kind)
