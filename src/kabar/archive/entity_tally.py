"""Articles' entities resolved in memory: what the entity tables gain, written in a few statements.

The entity indexer used to resolve and record each entity with its own statements (a look-up
per name, an insert, a link, a count update, a name and a role upsert each): some seventy an
article. :class:`EntityTally` does the same resolution over what the tables hold for the
article's names, read once (:meth:`EntityTally.wanted` → :meth:`EntityTally.known`), and sums
what the statements would have written, so the store writes each table's rows at once.

The resolution is the statements' own, step for step: an entity's lookup names are tried in
order and the first that names a stored entity decides; among the entities a name names, the
one most articles name wins, then the oldest (``ORDER BY article_count DESC, entity_id``). An
entity created or linked earlier in the same run counts as the tables would count it by then:
its names resolve, its article count has grown. Entities created in the run are newer than every
stored one (ids only grow), and among themselves in the order they were created.

No SQL here: :class:`~kabar.archive.entity_store.SqlEntityStore` reads and writes the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kabar.archive.stores import EntityEntry

NameKey = tuple[str, str]  # (type, normalised name): how entity_names is looked up


@dataclass(slots=True, frozen=True)
class KnownName:
    """A stored name: the entity it names (``entity_names`` joined with ``entities``)."""

    entity_id: int
    type: str
    norm: str
    article_count: int


@dataclass(slots=True, frozen=True)
class Ref:
    """An entity of the run: a stored one (``entity_id``) or the ``new``-th created in the run."""

    entity_id: int | None = None
    new: int | None = None

    def order(self, article_count: int) -> tuple[int, int, int]:
        # most-named first, then stored before created, then by id or creation order
        if self.entity_id is not None:
            return (-article_count, 0, self.entity_id)
        assert self.new is not None
        return (-article_count, 1, self.new)


@dataclass(slots=True)
class NewEntity:
    name: str
    type: str
    article_count: int = 0
    mention_count: int = 0
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass(slots=True)
class CountChange:
    """What a stored entity's counts gain, and the span its seen times must cover."""

    articles: int = 0
    mentions: int = 0
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass(slots=True)
class LinkRow:
    article_id: int
    ref: Ref
    mentions: int
    role: str | None
    published: str | None


@dataclass(slots=True)
class NameRow:
    ref: Ref
    type: str
    norm: str
    name: str  # the first surface seen: an existing row keeps its own
    count: int = 0


@dataclass(slots=True)
class RoleRow:
    ref: Ref
    role: str
    count: int = 0
    first_seen: str | None = None
    last_seen: str | None = None


def _earliest(old: str | None, when: str | None) -> str | None:
    # the SQL CASE: a NULL time changes nothing, a NULL column takes the time
    if when is None:
        return old
    return when if old is None or old > when else old


def _latest(old: str | None, when: str | None) -> str | None:
    if when is None:
        return old
    return when if old is None or old < when else old


@dataclass(slots=True)
class EntityTally:
    """The entity rows a run of articles adds, resolved as the per-entity statements resolved them."""

    _by_name: dict[NameKey, list[Ref]] = field(default_factory=dict)
    _counts: dict[Ref, int] = field(default_factory=dict)
    _asked: set[NameKey] = field(default_factory=set)
    new: list[NewEntity] = field(default_factory=list)
    changes: dict[int, CountChange] = field(default_factory=dict)
    links: dict[tuple[int, Ref], LinkRow] = field(default_factory=dict)
    names: dict[tuple[Ref, str, str], NameRow] = field(default_factory=dict)
    roles: dict[tuple[Ref, str], RoleRow] = field(default_factory=dict)

    def wanted(self, entries: Sequence[EntityEntry]) -> list[NameKey]:
        """The names these entries look up that the tally has not read from the tables yet."""
        keys = dict.fromkeys((e.type, norm) for e in entries for norm in e.lookup)
        return [k for k in keys if k not in self._asked]

    def known(self, asked: Iterable[NameKey], rows: Iterable[KnownName]) -> None:
        """What the tables hold for ``asked`` (every stored row of those names)."""
        asked = set(asked)
        for row in rows:
            key = (row.type, row.norm)
            if key not in asked or key in self._asked:
                continue
            ref = Ref(entity_id=row.entity_id)
            refs = self._by_name.setdefault(key, [])
            if ref not in refs:
                refs.append(ref)
            self._counts.setdefault(ref, row.article_count)
        self._asked |= asked

    def add(self, article_id: int, published: str | None, entries: Sequence[EntityEntry]) -> None:
        """One article's entities, in order, as the statements would have recorded them."""
        for entry in entries:
            ref = self._resolve(entry)
            self._link(article_id, ref, entry, published)
            for norm, surface in entry.names:
                self._name(ref, entry.type, norm, surface)
            for role in entry.roles:
                self._role(ref, role, published)

    def _resolve(self, entry: EntityEntry) -> Ref:
        for norm in entry.lookup:
            refs = self._by_name.get((entry.type, norm))
            if refs:
                return min(refs, key=lambda r: r.order(self._counts[r]))
        ref = Ref(new=len(self.new))
        self.new.append(NewEntity(name=entry.name, type=entry.type))
        self._counts[ref] = 0
        return ref

    def _link(self, article_id: int, ref: Ref, entry: EntityEntry, published: str | None) -> None:
        link = self.links.get((article_id, ref))
        first = link is None
        if link is None:  # a second entry of the article resolved to the same entity adds its mentions
            self.links[(article_id, ref)] = LinkRow(article_id, ref, entry.mentions, entry.role, published)
            self._counts[ref] += 1
        else:
            link.mentions += entry.mentions
        if ref.new is not None:
            row = self.new[ref.new]
            row.article_count += 1 if first else 0
            row.mention_count += entry.mentions
            row.first_seen = _earliest(row.first_seen, published)
            row.last_seen = _latest(row.last_seen, published)
            return
        assert ref.entity_id is not None
        change = self.changes.setdefault(ref.entity_id, CountChange())
        change.articles += 1 if first else 0
        change.mentions += entry.mentions
        change.first_seen = _earliest(change.first_seen, published)
        change.last_seen = _latest(change.last_seen, published)

    def _name(self, ref: Ref, type: str, norm: str, surface: str) -> None:
        row = self.names.get((ref, type, norm))
        if row is None:
            row = self.names[(ref, type, norm)] = NameRow(ref, type, norm, surface)
            refs = self._by_name.setdefault((type, norm), [])
            if ref not in refs:
                refs.append(ref)
        row.count += 1

    def _role(self, ref: Ref, role: str, published: str | None) -> None:
        row = self.roles.get((ref, role))
        if row is None:
            row = self.roles[(ref, role)] = RoleRow(ref, role, first_seen=published, last_seen=published)
        row.count += 1
        row.first_seen = _earliest(row.first_seen, published)
        row.last_seen = _latest(row.last_seen, published)


__all__ = [
    "CountChange",
    "EntityTally",
    "KnownName",
    "LinkRow",
    "NameKey",
    "NameRow",
    "NewEntity",
    "Ref",
    "RoleRow",
]
