"""Realistic synthetic events for benchmarks, written fast with SQLAlchemy Core.

    from synthetic import fill, window_holding
    fill(engine, 100_000)                           # into a migrated, possibly seeded database
    first, last = window_holding(engine, 1_000)     # ('2024-01-01', '2024-01-..')

Events are published, dated from 2015 to 2026 (more of them in later years), with day, month
and year precision, ranges and ongoing events; each has 1-4 actors (about N/50 of them, some
with aliases) and 1-2 sources. Rows go in through bulk inserts with ids chosen here, so the
links need no read-back; the whole fill is one transaction. Names and words are invented
(bench/synthetic_words.py).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Boolean, Date, Integer, String, Text, column, func, select, table
from sqlalchemy.engine import Connection, Engine
from synthetic_words import (
    CITIES,
    COINED,
    COMPANIES,
    CRAFT,
    DEFAULT_ROLES,
    FALLBACK_TITLE,
    FIRST,
    KIND_WEIGHTS,
    LAST,
    LEAD_KINDS,
    NAMES,
    PLACES,
    PUBLISHERS,
    ROLE_KINDS,
    ROLE_PATTERNS,
    SENTENCES,
    STATES,
    TECH,
    TITLES,
    TRADES,
    WORDS,
    WORKS,
)

from timeline.dates import PartialDate, Span
from timeline.domain.events import LONG_SPAN_DAYS

CHUNK = 5_000
YEARS = range(2015, 2027)
# The story gathers pace: a year weighs (year - 2012), so 2026 holds ~4.7 times what 2015 does
# and 2024 about 12% of all events: ~11,700 start in 2024 at N=100,000, ~25 a day to the day.
# (Year-precision, ongoing and range events overlap any 2024 window, however short: at that N
# even 1 January 2024 alone holds ~1,450 events, six weeks ~2,800 and the year ~12,500.)
YEAR_WEIGHTS = [year - 2012 for year in YEARS]
ONGOING_FROM = 2023  # ~2% of the events from then on are ongoing: ~1% of all
# In about one title in six (see TECH in synthetic_words.py): a search with many hits.
COMMON_WORD = "voice"

# Core tables naming only the columns written or counted here, so the fill follows the
# migrated schema rather than whatever the models say while someone is editing them.
ACTORS = table(
    "actors", column("id", Integer), column("slug", String), column("name", String),
    column("kind", String), column("description", Text),
)  # fmt: skip
ALIASES = table(
    "actor_aliases", column("id", Integer), column("actor_id", Integer),
    column("name", String), column("slug", String),
)  # fmt: skip
EVENTS = table(
    "events", column("id", Integer), column("slug", String), column("title", String),
    column("summary", Text), column("category", String), column("start", String),
    column("end", String), column("precision", String), column("ongoing", Boolean),
    column("starts_on", Date), column("ends_on", Date), column("status", String),
    column("actor_names", Text), column("actor_kinds", String), column("long_span", Boolean),
)  # fmt: skip
LINKS = table(
    "event_actors", column("event_id", Integer), column("actor_id", Integer),
    column("role", String), column("position", Integer),
)  # fmt: skip
SOURCES = table(
    "sources", column("id", Integer), column("event_id", Integer), column("url", String),
    column("title", String), column("publisher", String), column("published", String),
    column("position", Integer),
)  # fmt: skip
CATEGORIES = table("categories", column("slug", String))
KINDS = table("actor_kinds", column("slug", String))

_PICK = re.compile(r"\{pick:([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 60) -> str:
    """Lower-case words joined by hyphens; python-slugify is too slow for 10^5 rows."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")[:limit].rstrip("-")


# --- actors -------------------------------------------------------------------------------


@dataclass(slots=True)
class Actors:
    """The synthetic actors: ids by kind, and the names (with aliases) each one is known by."""

    ids: list[int]
    by_kind: dict[str, list[int]]
    name: dict[int, str]
    kind: dict[int, str]
    known_as: dict[int, list[str]]
    pools: dict[str, list[int]]  # by role, and by category for the first actor

    def of_kinds(self, kinds: tuple[str, ...]) -> list[int]:
        """The actors of these kinds, or all of them when there are none (or no kinds)."""
        return [i for kind in kinds for i in self.by_kind.get(kind, ())] or self.ids


def _actor_name(rng: random.Random, kind: str) -> str:
    """A name from the kind's pattern: {pick:a|b} chooses, the other fields draw words."""
    pattern = NAMES.get(kind, "{word} {label}")
    pattern = _PICK.sub(lambda m: rng.choice(m.group(1).split("|")), pattern)
    return pattern.format(
        first=rng.choice(FIRST), last=rng.choice(LAST), last2=rng.choice(LAST),
        word=rng.choice(WORDS), word2=rng.choice(WORDS), coined=rng.choice(COINED),
        place=rng.choice(PLACES), city=rng.choice(CITIES), state=rng.choice(STATES),
        trade=rng.choice(TRADES), n=rng.randint(10, 999), label=kind.replace("-", " ").title(),
    )  # fmt: skip


def _aliases(rng: random.Random, name: str, kind: str) -> list[str]:
    """One or two other names: initials, a short form, a legal name, a person's initial and
    surname or double-barrelled name. Sorted by name, the order `names_of` lists them in."""
    words = [w for w in name.replace(",", "").replace("&", "").split() if w != "The"]
    if kind == "person":
        other = rng.choice([last for last in LAST if last != words[-1]])
        options = [f"{words[0][0]}. {words[-1]}", f"{words[0]} {other}-{words[-1]}"]
    else:
        initials = "".join(w[0] for w in words if w[0].isupper())
        options = [initials if len(initials) > 1 else ""]
        if kind in COMPANIES:
            options += [words[0], f"{name} Inc."]
    options = [o for o in dict.fromkeys(options) if o and o != name]
    return sorted(rng.sample(options, min(len(options), rng.randint(1, 2))))


def _make_actors(conn: Connection, rng: random.Random, count: int) -> Actors:
    kinds = sorted(conn.scalars(select(KINDS.c.slug)))
    weights = [KIND_WEIGHTS.get(kind, 1) for kind in kinds]
    actor_id = _max_id(conn, ACTORS)
    alias_id = _max_id(conn, ALIASES)
    actors = Actors([], {}, {}, {}, {}, {})
    actor_rows, alias_rows = [], []
    for kind in rng.choices(kinds, weights, k=count):
        actor_id += 1
        name = _actor_name(rng, kind)
        slug = f"actor-{actor_id:06d}-{slugify(name)}"
        actor_rows.append({"id": actor_id, "slug": slug, "name": name, "kind": kind,
                           "description": f"A synthetic {kind.replace('-', ' ')}."})  # fmt: skip
        actors.ids.append(actor_id)
        actors.by_kind.setdefault(kind, []).append(actor_id)
        actors.name[actor_id] = name
        actors.kind[actor_id] = kind
        actors.known_as[actor_id] = [name]
        if rng.random() < 0.2:
            for alias in _aliases(rng, name, kind):
                alias_id += 1
                alias_rows.append({"id": alias_id, "actor_id": actor_id, "name": alias,
                                   "slug": f"alias-{alias_id:06d}-{slugify(alias)}"})  # fmt: skip
                actors.known_as[actor_id].append(alias)
    _insert(conn, ACTORS, actor_rows)
    _insert(conn, ALIASES, alias_rows)
    roles = {*DEFAULT_ROLES, *(role for pattern in ROLE_PATTERNS.values() for role in pattern)}
    actors.pools = {role: actors.of_kinds(ROLE_KINDS.get(role, ())) for role in roles}
    actors.pools |= {f"lead:{c}": actors.of_kinds(kinds) for c, kinds in LEAD_KINDS.items()}
    return actors


def _popular(rng: random.Random, pool: list[int]) -> int:
    """A skewed pick: the first actors of a pool appear often, the last ones rarely."""
    return pool[int(len(pool) * rng.random() ** 2)]


def _cast(rng: random.Random, pools: dict[str, list[int]], category: str) -> list[tuple[int, str]]:
    """1-4 distinct actors with roles, each drawn from the pool of the kinds its role suits."""
    roles = ROLE_PATTERNS.get(category, DEFAULT_ROLES)[: rng.choice((1, 2, 2, 3, 3, 4))]
    cast: dict[int, str] = {}
    for position, role in enumerate(roles):
        pool = pools.get(f"lead:{category}", pools[role]) if position == 0 else pools[role]
        for _ in range(5):  # a few tries to avoid an actor already in the event
            actor = _popular(rng, pool)
            if actor not in cast:
                cast[actor] = role
                break
    return list(cast.items())


# --- dates --------------------------------------------------------------------------------


def _span(rng: random.Random) -> Span:
    """~80% day, ~15% month, ~5% year precision; ~15% ranges and ~1% ongoing events.

    Ongoing events start in 2023 or later (what is still running began recently), and a
    year-precision event is never a range (six months on is mostly the same year). Both keep
    down the events that overlap every window, however short, in 2024."""
    year = rng.choices(YEARS, YEAR_WEIGHTS)[0]
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    kind, shape = rng.random(), rng.random()
    if kind < 0.80:
        start = PartialDate(day.year, day.month, day.day)
    elif kind < 0.95:
        start = PartialDate(day.year, day.month)
    else:
        return Span(PartialDate(day.year))
    if shape < 0.02:
        return Span(start, None, ongoing=True) if year >= ONGOING_FROM else Span(start)
    if shape < 0.18:
        return Span(start, _later(rng, start))
    return Span(start)


def _later(rng: random.Random, start: PartialDate) -> PartialDate:
    """An end of the start's precision (day or month), 1 day to 6 months on."""
    if start.day is not None:
        end = start.earliest + dt.timedelta(days=rng.randint(1, 183))
        return PartialDate(end.year, end.month, end.day)
    months = start.year * 12 + start.month - 1 + rng.randint(1, 6)
    return PartialDate(months // 12, months % 12 + 1)


# --- events -------------------------------------------------------------------------------


def _words(rng: random.Random, names: list[str]) -> dict[str, object]:
    """Values for the title and summary templates; {b} falls back to an invented guild."""
    other = names[1] if len(names) > 1 else f"the {rng.choice(TRADES)} Guild"
    return {"a": names[0], "b": other, "tech": rng.choice(TECH), "craft": rng.choice(CRAFT),
            "work": rng.choice(WORKS), "n": rng.randint(2, 40)}  # fmt: skip


def _summary(rng: random.Random, words: dict[str, object]) -> str:
    """Two or three sentences (~200-400 characters)."""
    chosen = rng.sample(SENTENCES, rng.choice((2, 2, 3)))
    return " ".join(sentence.format(**words) for sentence in chosen)


def _event_rows(
    rng: random.Random, event_id: int, source_id: int, category: str, actors: Actors
) -> tuple[dict, list[dict], list[dict]]:
    """One event row with its link rows and source rows."""
    span = _span(rng)
    cast = _cast(rng, actors.pools, category)
    words = _words(rng, [actors.name[actor] for actor, _ in cast])
    title = TITLES.get(category, FALLBACK_TITLE).format(**words)
    slug = f"event-{event_id:07d}-{slugify(title)}"
    known = dict.fromkeys(name for actor, _ in cast for name in actors.known_as[actor])
    event = {
        "id": event_id, "slug": slug, "title": title, "summary": _summary(rng, words),
        "category": category, "start": str(span.start),
        "end": str(span.end) if span.end else None, "precision": span.start.precision.value,
        "ongoing": span.ongoing, "starts_on": span.earliest, "ends_on": span.latest,
        "status": "published", "actor_names": " ".join(known),
        "long_span": span.ongoing or (span.latest - span.earliest).days > LONG_SPAN_DAYS,
        "actor_kinds": " " + " ".join(dict.fromkeys(actors.kind[a] for a, _ in cast)) + " ",
    }  # fmt: skip
    links = [
        {"event_id": event_id, "actor_id": actor, "role": role, "position": position}
        for position, (actor, role) in enumerate(cast)
    ]
    first = span.earliest
    sources = [
        {"id": source_id + position, "event_id": event_id,
         "url": f"https://news.example.org/{first:%Y/%m}/{slug}-{position + 1}",
         "title": title if position == 0 else f"What it means for {words['craft']}",
         "publisher": rng.choice(PUBLISHERS), "published": str(span.start), "position": position}
        for position in range(rng.randint(1, 2))
    ]  # fmt: skip
    return event, links, sources


def fill(engine: Engine, n_events: int, seed: int = 7) -> None:
    """Write n_events published events, their actors (~N/50, at least 200), aliases, links and
    sources into a migrated database, in one transaction. Vocabularies must already be there."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        categories = sorted(conn.scalars(select(CATEGORIES.c.slug)))
        actors = _make_actors(conn, rng, max(200, n_events // 50))
        event_id, source_id = _max_id(conn, EVENTS), _max_id(conn, SOURCES)
        # Build and insert a chunk at a time: the rows of 10^5 events need not all be in memory.
        for chunk in _chunks(n_events):
            events, links, sources = [], [], []
            for _ in range(chunk):
                event_id += 1
                event, event_links, event_sources = _event_rows(
                    rng, event_id, source_id + 1, rng.choice(categories), actors
                )
                source_id += len(event_sources)
                events.append(event)
                links.extend(event_links)
                sources.extend(event_sources)
            _insert(conn, EVENTS, events)
            _insert(conn, LINKS, links)
            _insert(conn, SOURCES, sources)
        _advance_sequences(conn)


def _chunks(total: int) -> Iterator[int]:
    for start in range(0, total, CHUNK):
        yield min(CHUNK, total - start)


def _insert(conn: Connection, target, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(target.insert(), rows[start : start + CHUNK])


def _max_id(conn: Connection, target) -> int:
    return conn.scalar(select(func.coalesce(func.max(target.c.id), 0)))


def _advance_sequences(conn: Connection) -> None:
    """PostgreSQL's id sequences do not see explicit ids: move them past the new rows, or the
    site's next insert would collide. SQLite takes max(id) + 1 by itself."""
    if conn.dialect.name != "postgresql":
        return
    for name in ("actors", "actor_aliases", "events", "sources"):
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {name}))"
        )


# --- windows ------------------------------------------------------------------------------


def count_in_window(engine: Engine, first: dt.date, last: dt.date) -> int:
    """Published events that may overlap [first, last], by the site's rule."""
    statement = select(func.count()).where(
        EVENTS.c.status == "published", EVENTS.c.starts_on <= last, EVENTS.c.ends_on >= first
    )
    with engine.connect() as conn:
        return conn.scalar(statement)


def window_holding(engine: Engine, count: int, year: int = 2024) -> tuple[str, str]:
    """A (from, to) pair of days, from 1 January of `year`, whose window holds about `count`
    published events: a binary search on the last day, counting at each step.

    The count only grows with the window, but year-precision and ongoing events overlap even a
    one-day window, so a small `count` may get a one-day window holding more than asked."""
    first = dt.date(year, 1, 1)
    low, high = 0, (dt.date(year + 10, 12, 31) - first).days  # days added to `first`
    while low < high:  # the fewest days whose window holds at least `count`
        middle = (low + high) // 2
        if count_in_window(engine, first, first + dt.timedelta(days=middle)) >= count:
            high = middle
        else:
            low = middle + 1
    if low > 0:  # one day less may land nearer the count
        over = count_in_window(engine, first, first + dt.timedelta(days=low)) - count
        under = count - count_in_window(engine, first, first + dt.timedelta(days=low - 1))
        low -= under < over
    return first.isoformat(), (first + dt.timedelta(days=low)).isoformat()
