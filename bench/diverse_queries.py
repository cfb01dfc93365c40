"""The queries of bench/diverse_load.py: thousands of distinct `/api/events` and `/` URLs drawn
with a seeded RNG from what the database at hand holds.

Each query narrows by some of: a window of one day to two years anywhere in the synthetic
years, one category or two, an actor (ranks drawn log-uniformly: the busiest often, the rare
ones too), a search word (frequency buckets from one event in ten or more down to a handful,
the very common COMMON_WORD among them); API queries add a sort (each field the API sorts by,
both ways, and a few two-key sorts) and a page size of 10-100. The same seed on the same data
gives the same queries, in the same order; none repeats.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from synthetic import ACTORS, CATEGORIES, COMMON_WORD, EVENTS, LINKS, YEARS

Params = tuple[tuple[str, str], ...]

FIRST_DAY, LAST_DAY = dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31)
LONGEST_WINDOW = 730  # days
SORTS = (
    "start", "-start", "end", "-end", "title", "-title", "category", "-category", "slug",
    "-slug", "created", "-created", "updated", "-updated",
    "-start,title", "category,-start", "title,-end", "-updated,slug",
)  # fmt: skip
# How often a query carries each part.
WINDOW, CATEGORY, TWO_CATEGORIES, ACTOR, SEARCH, SORT, LIMIT = (
    0.55, 0.35, 0.25, 0.25, 0.35, 0.6, 0.8
)  # fmt: skip
# Words of at least four letters that PostgreSQL's English configuration drops as stop
# words: a search for one finds nothing there and everything-or-nothing elsewhere.
STOP_WORDS = frozenset((
    "about", "above", "after", "again", "against", "because", "been", "before", "being", "below",
    "between", "both", "does", "doing", "down", "during", "each", "from", "further", "have",
    "having", "here", "hers", "herself", "himself", "into", "itself", "just", "more", "most",
    "myself", "once", "only", "other", "ours", "ourselves", "over", "same", "should", "some",
    "such", "than", "that", "their", "theirs", "them", "themselves", "then", "there", "these",
    "they", "this", "those", "through", "under", "until", "very", "were", "what", "when", "where",
    "which", "while", "whom", "will", "with", "your", "yours", "yourself", "yourselves",
))  # fmt: skip
WORD = re.compile(r"[A-Za-z]{4,}")
SAMPLED_EVENTS = 20_000  # events read to rank words by how many events hold them
# Word buckets by the share of events holding the word: 10% or more, 3-10%, ... below 0.1%.
SHARES = (0.1, 0.03, 0.01, 0.003, 0.001, 0.0)
# Datasette's column for each of the API's sort fields (it sorts by one, then the key).
COLUMNS = {"start": "starts_on", "end": "ends_on", "title": "title", "category": "category",
           "slug": "slug", "created": "created_at", "updated": "updated_at"}  # fmt: skip


class Material:
    """What queries are made of, read from one database: categories, actors busiest first,
    and search words in buckets from the most to the least frequent."""

    def __init__(self, engine: Engine):
        with engine.connect() as conn:
            self.categories = sorted(conn.scalars(select(CATEGORIES.c.slug)))
        self.actors = actors_busiest_first(engine)
        self.words = [[COMMON_WORD], *word_buckets(engine)]


def actors_busiest_first(engine: Engine) -> list[str]:
    """The slugs of actors that take part in any event, most events first."""
    events = func.count(LINKS.c.event_id)
    statement = (
        select(ACTORS.c.slug)
        .join(LINKS, LINKS.c.actor_id == ACTORS.c.id)
        .group_by(ACTORS.c.id, ACTORS.c.slug)
        .order_by(events.desc(), ACTORS.c.id)
    )
    with engine.connect() as conn:
        return list(conn.scalars(statement))


def word_buckets(engine: Engine) -> list[list[str]]:
    """The words of titles, summaries and actor names, by the share of events holding them,
    counted on an even sample of the events; empty buckets left out."""
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(EVENTS))
        step = max(1, total // SAMPLED_EVENTS)
        text = select(EVENTS.c.title, EVENTS.c.summary, EVENTS.c.actor_names).where(
            EVENTS.c.status == "published", EVENTS.c.id % step == 0
        )
        held, sampled = Counter(), 0
        for row in conn.execute(text):
            held.update({w.lower() for part in row if part for w in WORD.findall(part)})
            sampled += 1
    buckets: list[list[str]] = [[] for _ in SHARES]
    for word, count in sorted(held.items()):
        if word not in STOP_WORDS and word != COMMON_WORD:
            buckets[next(i for i, s in enumerate(SHARES) if count / sampled >= s)].append(word)
    return [bucket for bucket in buckets if bucket]


# --- one query ----------------------------------------------------------------------------


def window(rng: random.Random) -> Params:
    """One day to two years, log-uniformly long, anywhere within the synthetic years."""
    days = round(math.exp(rng.uniform(0, math.log(LONGEST_WINDOW))))
    first = FIRST_DAY + dt.timedelta(rng.randrange((LAST_DAY - FIRST_DAY).days - days + 2))
    last = first + dt.timedelta(days - 1)
    return (("from", first.isoformat()), ("to", last.isoformat()))


def filters(rng: random.Random, material: Material) -> Params:
    """The filters a reader narrows by: what `/` and `/api/events` both take."""
    chosen: list[tuple[str, str]] = []
    if rng.random() < WINDOW:
        chosen += window(rng)
    if rng.random() < CATEGORY:
        several = 2 if rng.random() < TWO_CATEGORIES else 1
        chosen += [("category", c) for c in sorted(rng.sample(material.categories, several))]
    if rng.random() < ACTOR:
        rank = int(len(material.actors) ** rng.random()) - 1  # log-uniform: 0 is the busiest
        chosen.append(("actor", material.actors[rank]))
    if rng.random() < SEARCH:
        chosen.append(("q", rng.choice(rng.choice(material.words))))
    return tuple(chosen)


def api_params(rng: random.Random, material: Material) -> Params:
    """Filters, and maybe a sort and a page size."""
    chosen = filters(rng, material)
    if rng.random() < SORT:
        chosen += (("sort", rng.choice(SORTS)),)
    if rng.random() < LIMIT:
        chosen += (("limit", str(rng.randint(10, 100))),)
    return chosen


def distinct(make: Callable[[random.Random], Params], count: int, seed: int) -> list[Params]:
    """`count` different queries from `make`, in the order first made."""
    rng, made = random.Random(seed), {}
    while len(made) < count:
        made.setdefault(make(rng), None)
    return list(made)


def api_queries(material: Material, count: int, seed: int) -> list[Params]:
    return distinct(lambda rng: api_params(rng, material), count, seed)


def page_queries(material: Material, count: int, seed: int) -> list[Params]:
    return distinct(lambda rng: filters(rng, material), count, seed)


@dataclass(slots=True)
class Workload:
    """Page-1 queries, the order the workload asks them in (an index, and whether it is that
    query's page 2), ours' page-2 paths by index, and the queries of `/`."""

    firsts: list[Params]
    order: list[tuple[int, bool]]
    page_two: dict[int, str]
    pages: list[Params]

    def ours_path(self, index: int, second: bool) -> str:
        return self.page_two[index] if second else api_path(self.firsts[index])


# --- as URLs ------------------------------------------------------------------------------


def api_path(params: Params) -> str:
    return f"/api/events?{urlencode(params)}"


def page_path(params: Params) -> str:
    return f"/?{urlencode(params)}" if params else "/"


def datasette_path(database: str, params: Params) -> str:
    """Datasette's table filters for the same events: sorted by the first sort key (then the
    key), `_nocount` as our API counts nothing, `_size` as our page size."""
    given = dict(params)
    sort = given.get("sort", "start").split(",")[0]
    args: list[tuple[str, object]] = [
        ("status", "published"),
        ("_sort_desc" if sort.startswith("-") else "_sort", COLUMNS[sort.lstrip("-")]),
        ("_size", given.get("limit", 50)),
        ("_nocount", 1),
    ]
    if "from" in given:
        args += [("starts_on__lte", given["to"]), ("ends_on__gte", given["from"])]
    categories = [value for key, value in params if key == "category"]
    if categories:
        args.append(("category__in", ",".join(categories)) if len(categories) > 1
                    else ("category", categories[0]))  # fmt: skip
    if "actor" in given:
        args.append(("_where", "id in (select event_id from event_actors where actor_id = "
                     f"(select id from actors where slug = '{given['actor']}'))"))  # fmt: skip
    if "q" in given:
        args.append(("_search", given["q"]))
    return f"/{database}/events.json?{urlencode(args)}"
