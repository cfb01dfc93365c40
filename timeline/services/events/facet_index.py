"""The timeline page's counts from arrays each process keeps, instead of four grouped queries.

A page of the timeline counts its filter's events four ways (the extent, the drawing's cells,
each category and kind, the busiest actors) and each way is a pass over every matching event:
at 100,000 events a two-year window costs about 120 ms of SQL, a common word 700 ms. The same
counts over arrays of the published events (a day number per start and end, a code per
category, per set of actor kinds, per start cut to a year, month and day, and the actor links)
take a few milliseconds, whatever the filter.

The arrays are read once per events data version. A change makes them stale: the next page
counts by SQL as before while a thread reads them again, so no page ever counts stale data
and none waits for the reading. A session bound to one connection (the tests' transaction)
cannot lend it to a thread: there the arrays are read inline.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain

import numpy as np
from flask import Flask, current_app
from sqlalchemy import Engine, String, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from timeline.dates import Precision
from timeline.domain import DataVersion, Event, EventActor, Status
from timeline.recently_used import RecentlyUsed
from timeline.services.events.filtering import EventFilter
from timeline.services.events.layout import BEFORE, KEY_LENGTH, LaneBy, lane_of
from timeline.services.events.ordering import CHRONOLOGICAL, SORTABLE, Cursor, Ordering, comparable
from timeline.services.events.queries import EventQuery
from timeline.services.events.search import SearchQuery, matching_ids

EPOCH = dt.date(1970, 1, 1).toordinal()
LAST_DAY = dt.date.max.toordinal()
CHUNK = 10_000  # rows converted at a time: the rows of a million events at once take ~400 MB
EVERY_MATCH = 1 << 62  # a search's LIMIT when every match is wanted
# Searches' matches are kept per index as bits, in this many bytes: about 1,300 searches at
# 100,000 events, 130 at a million. The words readers search for repeat; reading a common
# one's matches costs more than the rest of a page (85,000 of them at 100,000 events, 40 ms).
SEARCH_BYTES = 16 << 20
KEY = "timeline.facet_index"
Placed = tuple[list[int], int]  # a cursor's sort values as numbers (FacetIndex.place), its id
EVENTS_VERSION = select(DataVersion.version).where(DataVersion.name == "events")


class Codes(dict):
    """Strings numbered in the order first seen."""

    def of(self, values: Iterable[str]) -> list[int]:
        return [self.setdefault(v, len(self)) for v in values]

    def names(self) -> list[str]:
        return list(self)


def _narrow(numbers: np.ndarray) -> np.ndarray:
    """The numbers (codes, ids: none negative) in the smallest signed type that holds them
    and one more, so that a code for "none of these" still fits."""
    largest = int(numbers.max()) + 1 if numbers.size else 0
    for kind in (np.int8, np.int16, np.int32):
        if largest <= np.iinfo(kind).max:
            return numbers.astype(kind)
    return numbers


def _days(texts: Sequence[str]) -> np.ndarray:
    """ISO dates as day numbers (date.toordinal)."""
    return np.array(texts, dtype="datetime64[D]").astype(np.int64).astype(np.int32) + EPOCH


@dataclass(slots=True)
class FacetIndex:
    """The published events of one data version, as arrays in id order."""

    version: int | None
    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    category: np.ndarray
    categories: list[str]
    kind_set: np.ndarray
    kind_sets: list[str]
    keys: dict[Precision, tuple[np.ndarray, list[str]]]
    link_event: np.ndarray  # a position in ids
    link_actor: np.ndarray
    # Per sort field but the start and end (day numbers already): each event's place in the
    # database's own order of that field, equal values sharing one (its collation included).
    ranks: dict[str, np.ndarray]
    _category_code: dict[str, int] = field(init=False)
    _searches: RecentlyUsed = field(init=False)  # a search's matches, as bits

    def __post_init__(self):
        self._category_code = {name: code for code, name in enumerate(self.categories)}
        self._searches = RecentlyUsed(max(16, SEARCH_BYTES // max(1, self.size // 8)))

    @classmethod
    def read(cls, conn: Connection, version: int | None) -> FacetIndex:
        """The arrays from the rows `conn` sees; read in one transaction, so that they are
        the data of `version` when it was read in the same one."""
        statement = (
            select(
                Event.id, cast(Event.starts_on, String), cast(Event.ends_on, String),
                Event.category, Event.actor_kinds, Event.start,
            )
            .where(Event.status == Status.PUBLISHED)
            .order_by(Event.id)
        )  # fmt: skip
        published = select(func.count()).select_from(Event).where(Event.status == Status.PUBLISHED)
        total = conn.scalar(published) or 0
        # Filled in place, a chunk of rows at a time: arrays joined at the end would be held
        # twice, and a million events' rows at once take some 400 MB of Python objects.
        ids, starts, ends = (
            np.empty(total, np.int64),
            np.empty(total, np.int32),
            np.empty(total, np.int32),
        )
        category, kind_set = np.empty(total, np.int32), np.empty(total, np.int32)
        cut = {precision: np.empty(total, np.int32) for precision in KEY_LENGTH}
        categories, kind_sets = Codes(), Codes()
        keys = {precision: Codes() for precision in KEY_LENGTH}
        at = 0
        for rows in conn.execute(statement).partitions(CHUNK):
            chunk = slice(at, at + len(rows))
            if chunk.stop > total:
                raise RuntimeError("the events changed while they were read")
            id_, start_day, end_day, category_, kinds, start = zip(*rows, strict=True)
            ids[chunk], starts[chunk], ends[chunk] = id_, _days(start_day), _days(end_day)
            category[chunk], kind_set[chunk] = categories.of(category_), kind_sets.of(kinds)
            for precision, length in KEY_LENGTH.items():
                cut[precision][chunk] = keys[precision].of(s[:length] for s in start)
            at = chunk.stop
        link_event, link_actor = _links(conn, ids[:at])
        ranks = {name: _ranks(conn, ids[:at], name) for name in RANKED}
        # Each array in the smallest type that holds it: at a million events, 28 MB less.
        return cls(
            version, _narrow(ids[:at]), starts[:at], ends[:at],
            _narrow(category[:at]), categories.names(), _narrow(kind_set[:at]), kind_sets.names(),
            {p: (_narrow(cut[p][:at]), keys[p].names()) for p in KEY_LENGTH},
            link_event, link_actor, ranks,
        )  # fmt: skip

    @property
    def size(self) -> int:
        return len(self.ids)

    def sort_values(self, name: str) -> np.ndarray:
        """Numbers that order the events as the database orders them by this sort field."""
        return {"start": self.starts, "end": self.ends}.get(name, self.ranks.get(name))

    def place(self, session: Session, order: Ordering, cursor: Cursor) -> list[int] | None:
        """The cursor's sort values as numbers of sort_values, or None when they cannot be
        told here: a rank is known only for a value an event holds, so a cursor past an event
        since edited or removed is left to SQL."""
        ranked = [k for k in order.keys if k.name in self.ranks]
        if not ranked:  # dates only: day numbers
            return [value.toordinal() for value in cursor.values]
        at, known = _located(self.ids, np.array([cursor.id], dtype=np.int64))
        statement = select(*(k.column for k in ranked)).where(
            Event.id == cursor.id, Event.status == Status.PUBLISHED
        )
        now = session.connection().execute(statement).first()
        held = dict(zip((k.name for k in order.keys), cursor.values, strict=True))
        if not known[0] or now is None or tuple(now) != tuple(held[k.name] for k in ranked):
            return None
        return [
            self.ranks[k.name][at[0]] if k.name in self.ranks else value.toordinal()
            for k, value in zip(order.keys, cursor.values, strict=True)
        ]

    def positions(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """A mask of the events among `ids` (which may name unpublished or unknown events)."""
        at, known = _located(self.ids, np.asarray(ids, dtype=np.int64))
        mask = np.zeros(self.size, dtype=bool)
        mask[at[known]] = True
        return mask

    def selection(self, session: Session, where: EventFilter) -> Selection:
        """The filter's parts as masks over these events."""
        parts: dict[str, np.ndarray] = {}
        if where.windowed:
            first, last = where.first.toordinal(), where.last.toordinal()
            parts["window"] = (self.starts <= last) & (self.ends >= first)
        if where.categories:
            codes = [self._category_code[c] for c in where.categories if c in self._category_code]
            parts["categories"] = np.isin(self.category, codes)
        if where.linked is not None:
            parts["actors"] = self.positions(where.linked)
        elif where.actors:
            parts["actors"] = np.logical_and.reduce([self._of_actor(a.id) for a in where.actors])
        if where.kinds:
            held = np.array([any(f" {k} " in s for k in where.kinds) for s in self.kind_sets])
            parts["kinds"] = held[self.kind_set] if held.size else np.zeros(self.size, bool)
        if where.found is not None:
            parts["search"] = self.positions(where.found)
        elif where.search is not None:
            parts["search"] = self._matching(session, where.search)
        return Selection(self, where, parts)

    def _matching(self, session: Session, search: SearchQuery) -> np.ndarray:
        """The events a search finds, when more than a short list: read from the full-text
        index once per search and kept, as bits (a common word's 68,000 matches at 100,000
        events take 40 ms to read, and readers ask the same common words again)."""
        bits = self._searches.get(search)
        if bits is None:
            conn = session.connection()
            found = _id_array(conn, matching_ids(conn.dialect.name, search, EVERY_MATCH))
            bits = np.packbits(self.positions(found))
            self._searches.put(search, bits)
        return np.unpackbits(bits, count=self.size).astype(bool)

    def _of_actor(self, actor_id: int) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        first, last = np.searchsorted(self.link_actor, [actor_id, actor_id + 1])
        mask[self.link_event[first:last]] = True
        return mask


def _id_array(conn: Connection, statement: Executable) -> np.ndarray:
    """The integers a statement selects, as one array."""
    chunks = [
        np.fromiter(chain.from_iterable(rows), np.int64, len(rows))
        for rows in _driver_rows(conn, statement)
    ]
    return np.concatenate(chunks) if chunks else np.zeros(0, np.int64)


def _located(ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each wanted id is or would be in the sorted `ids`, and whether it is there.
    The wanted ids are brought to the array's type (an id beyond it is not there), which
    spares a copy of the whole array in a wider type at each call."""
    if not len(ids):
        return np.zeros(len(wanted), np.int64), np.zeros(len(wanted), bool)
    limits = np.iinfo(ids.dtype)
    fitting = wanted.clip(limits.min, limits.max)
    at = np.searchsorted(ids, fitting.astype(ids.dtype)).clip(max=len(ids) - 1)
    return at, (ids[at] == fitting) & (fitting == wanted)


def _directed(values: np.ndarray, descending: bool) -> np.ndarray:
    """Numbers that grow in the sort's direction."""
    values = values.astype(np.int64)
    return -values if descending else values


RANKED = tuple(name for name in SORTABLE if name not in ("start", "end"))


def _ranks(conn: Connection, ids: np.ndarray, name: str) -> np.ndarray:
    """Each event's place among distinct values of the field, in the database's order of
    it: read sorted from the database, whose collation (and on SQLite its text form of a
    time) decides what comes first and what is equal."""
    column = comparable(SORTABLE[name], conn.dialect.name)
    statement = (
        select(Event.id, column).where(Event.status == Status.PUBLISHED).order_by(column, Event.id)
    )
    ranks = np.zeros(len(ids), np.int32)
    last_rank, last_value = -1, None
    for rows in _driver_rows(conn, statement):
        event_ids, values = zip(*rows, strict=True)
        held = np.array([last_value, *values], dtype=object)
        # A new rank wherever the value differs from the one before (compared in C).
        numbered = last_rank + np.cumsum(held[1:] != held[:-1])
        at, known = _located(ids, np.array(event_ids, dtype=np.int64))
        ranks[at[known]] = numbered[known]
        last_rank, last_value = int(numbered[-1]), values[-1]
    return ranks


def _driver_rows(conn: Connection, statement: Executable) -> Iterator[list[tuple]]:
    """A statement's rows as the driver gives them, CHUNK at a time, by the driver's own cursor
    on the same connection and transaction: SQLAlchemy's handling of each row costs more than
    the database's finding it (85,000 one-integer rows of a search: 90 ms against 36)."""
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        while rows := cursor.fetchmany(CHUNK):
            yield rows
    finally:
        cursor.close()


def _links(conn: Connection, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every link of a published event: its event's position in `ids`, and the actor; by
    actor."""
    total = conn.scalar(select(func.count()).select_from(EventActor)) or 0
    events, actors = np.empty(total, np.int32), np.empty(total, np.int32)
    kept = 0
    statement = select(EventActor.event_id, EventActor.actor_id)
    for rows in _driver_rows(conn, statement):
        if kept + len(rows) > total:
            raise RuntimeError("the links changed while they were read")
        event_ids, actor_ids = zip(*rows, strict=True)
        at, published = _located(ids, np.array(event_ids, dtype=np.int64))
        found = int(published.sum())
        events[kept : kept + found] = at[published]
        actors[kept : kept + found] = np.array(actor_ids, dtype=np.int32)[published]
        kept += found
    by_actor = np.argsort(actors[:kept], kind="stable")  # an actor's links found by bisection
    return events[:kept][by_actor], actors[:kept][by_actor]


@dataclass(slots=True)
class Selection:
    """One filter over a FacetIndex: the counts the page shows, each as its SQL gives it."""

    index: FacetIndex
    where: EventFilter
    parts: dict[str, np.ndarray]

    def mask(self, without: str | None = None) -> np.ndarray:
        kept = [mask for name, mask in self.parts.items() if name != without]
        if not kept:
            return np.ones(self.index.size, dtype=bool)
        return np.logical_and.reduce(kept) if len(kept) > 1 else kept[0]

    def ids(self) -> tuple[int, ...]:
        """The ids of the events the filter finds, in id order."""
        return tuple(self.index.ids[self.mask()].tolist())

    def total(self) -> int:
        return int(np.count_nonzero(self.mask()))

    def page_ids(self, session: Session, query: EventQuery) -> tuple[int, ...] | None:
        """The ids of the query's page and of the one event after it (which tells that another
        page follows), in its order; None when its cursor cannot be placed."""
        after = None
        if query.after is not None:
            values = self.index.place(session, query.order, query.after)
            if values is None:
                return None
            after = (values, query.after.id)
        return self.first(query.limit + 1, query.order, after)

    def page(self, session: Session, query: EventQuery) -> EventQuery | None:
        """The query narrowed to its page_ids."""
        ids = self.page_ids(session, query)
        return None if ids is None else replace(query, where=replace(query.where, exact=ids))

    def first(
        self, count: int, order: Ordering = CHRONOLOGICAL, after: Placed | None = None
    ) -> tuple[int, ...]:
        """The ids of the first `count` events in the order (its fields, then the id in the
        last field's direction), after a cursor's place (FacetIndex.place, and its id): a
        page of the filter, found here rather than by SQL walking the sort's index and testing
        each event against a window, a category or a common word."""
        index = self.index
        found = np.flatnonzero(self.mask())
        # Each field as a number that grows in the page's direction; ties go to the id, whose
        # order is the positions' (the arrays are in id order).
        keys = [_directed(index.sort_values(k.name)[found], k.descending) for k in order.keys]
        keys.append(_directed(found, order.keys[-1].descending))
        if after is not None:
            values, ident = after
            down = [k.descending for k in order.keys]
            marks = [_directed(np.array(v), d) for v, d in zip(values, down, strict=True)]
            # The id compared as itself: the cursor's event may be gone from the arrays.
            keys_then = [*keys[:-1], _directed(index.ids[found], down[-1])]
            marks.append(_directed(np.array(ident), down[-1]))
            later, tied = np.zeros(found.size, bool), np.ones(found.size, bool)
            for key, mark in zip(keys_then, marks, strict=True):
                later |= tied & (key > mark)
                tied &= key == mark
            found, keys = found[later], [key[later] for key in keys]
        if found.size > count:  # only the events up to the count-th by the first field
            kept = keys[0] <= np.partition(keys[0], count - 1)[count - 1]
            found, keys = found[kept], [key[kept] for key in keys]
        ranked = np.lexsort(keys[::-1])[:count]
        return tuple(index.ids[found[ranked]].tolist())

    def extent(self, today: dt.date) -> tuple[dt.date, dt.date] | None:
        """timeline.services.events.layout.extent: the first and last day covered."""
        mask = self.mask()
        if not mask.any():
            return None
        starts, ends = self.index.starts[mask], self.index.ends[mask]
        first = dt.date.fromordinal(int(starts.min()))
        closed = ends[ends != LAST_DAY]
        last = dt.date.fromordinal(int(closed.max())) if closed.size else None
        ongoing = closed.size < ends.size
        return first, max(d for d in (last, today if ongoing else None, first) if d is not None)

    def category_counts(self) -> dict[str, int]:
        """Events per category, the chosen categories set aside."""
        return self._named(self.index.category, self.index.categories, self.mask("categories"))

    def kind_counts(self) -> Counter[str]:
        """Events per actor kind (an event counts once per kind among its actors), the chosen
        kinds set aside."""
        counts: Counter[str] = Counter()
        per_set = self._named(self.index.kind_set, self.index.kind_sets, self.mask("kinds"))
        for kinds, count in per_set.items():
            for kind in kinds.split():
                counts[kind] += count
        return counts

    def top_actors(self, limit: int) -> list[tuple[int, int]]:
        """The `limit` actors with the most links among the matches: (actor id, links),
        most first, then by id."""
        index = self.index
        actors = index.link_actor[self.mask()[index.link_event]]
        if not actors.size:
            return []
        counts = np.bincount(actors)
        named = np.flatnonzero(counts)
        order = np.lexsort((named, -counts[named]))[:limit]
        return [(int(named[i]), int(counts[named[i]])) for i in order]

    def buckets(self, lanes_by_kind: bool, precision: Precision) -> list[tuple[str, str, int]]:
        """timeline.services.events.layout.bucket_counts: per lane, the events starting in
        each period (the start cut to the precision), or BEFORE the window; by lane and
        period."""
        index, mask = self.index, self.mask()
        key, key_names = index.keys[precision]
        before = len(key_names)
        keys = key[mask]
        if self.where.first != dt.date.min:
            keys = np.where(index.starts[mask] < self.where.first.toordinal(), before, keys)
        if lanes_by_kind:
            lane_names = Codes()
            of_set = np.array(
                lane_names.of(lane_of(LaneBy.KIND, s) for s in index.kind_sets), np.int32
            )
            lanes = of_set[index.kind_set[mask]] if of_set.size else keys[:0]
            names = lane_names.names()
        else:
            lanes, names = index.category[mask], index.categories
        width = before + 1
        counts = np.bincount(lanes.astype(np.int64) * width + keys, minlength=0)
        labels = [*key_names, BEFORE]
        return sorted((names[cell // width], labels[cell % width], int(counts[cell]))
                      for cell in np.flatnonzero(counts))  # fmt: skip

    @staticmethod
    def _named(codes: np.ndarray, names: list[str], mask: np.ndarray) -> dict[str, int]:
        counts = np.bincount(codes[mask], minlength=len(names))
        return {names[code]: int(counts[code]) for code in np.flatnonzero(counts)}


# --- kept per process ------------------------------------------------------------------------


@dataclass
class _Kept:
    index: FacetIndex | None = None
    reading: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def current(session: Session, where: EventFilter, version: int | None) -> FacetIndex | None:
    """The process's arrays when they hold `version` of the events and the filter is one
    they can count (published events); otherwise None, and a fresh reading is under way."""
    app = current_app._get_current_object()
    if where.status is not Status.PUBLISHED or not app.config["FACET_INDEX"]:
        return None
    kept: _Kept = app.extensions.setdefault(KEY, _Kept())
    index = kept.index
    if index is not None and index.version == version:
        return index
    bind = session.get_bind()
    if not isinstance(bind, Engine):  # one connection, in use by this request: read here
        kept.index = FacetIndex.read(session.connection(), version)
        return kept.index
    with kept.lock:
        if kept.reading:
            return None
        kept.reading = True
    threading.Thread(target=_read_aside, args=(app, bind, kept), daemon=True).start()
    return None


def selection(session: Session, where: EventFilter, version: int | None) -> Selection | None:
    """The filter over the process's arrays when they hold `version` (see current)."""
    index = current(session, where, version)
    return index.selection(session, where) if index is not None else None


def _read_aside(app: Flask, engine: Engine, kept: _Kept) -> None:
    """Read the arrays on a connection of the thread's own, in one transaction that also reads
    the version they are of (REPEATABLE READ: PostgreSQL would otherwise let each statement
    see later commits)."""
    try:
        with app.app_context(), engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                version = conn.scalar(EVENTS_VERSION)
                kept.index = FacetIndex.read(conn, version)
    except Exception:
        app.logger.exception("reading the facet index failed; pages count by SQL meanwhile")
    finally:
        kept.reading = False
