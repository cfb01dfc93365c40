"""What the drawn timeline needs from the database: the extent of a filter's events, the events
themselves when few enough to draw one by one, or their counts per period and lane when not."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, literal, literal_column, select
from sqlalchemy.orm import Session

from timeline.dates import Precision, Span, span_of
from timeline.domain import Event
from timeline.services.events.filtering import EventFilter, clauses
from timeline.services.events.queries import CHRONOLOGY

NO_ACTOR = "none"
BEFORE = "before"
KEY_LENGTH = {Precision.YEAR: 4, Precision.MONTH: 7, Precision.DAY: 10}


class LaneBy(StrEnum):
    """What splits the drawing into lanes."""

    CATEGORY = "category"
    KIND = "kind"


@dataclass(frozen=True, slots=True)
class DrawnEvent:
    slug: str
    title: str
    span: Span
    lane: str


@dataclass(frozen=True, slots=True)
class Bucket:
    """How many events of a lane start in a period: `key` is that period as a partial date
    ("2024", "2024-03", "2024-03-05"), or BEFORE for events that began before the window."""

    lane: str
    key: str
    count: int


def _lane_column(lane_by: LaneBy) -> ColumnElement[str]:
    """What an event's lane is read from: its category, or its actors' kinds."""
    return Event.category if lane_by is LaneBy.CATEGORY else Event.actor_kinds


def lane_of(lane_by: LaneBy, value: str) -> str:
    """An event's lane from that column: the category, or the first-listed actor's kind."""
    if lane_by is LaneBy.CATEGORY:
        return value
    kinds = value.split()
    return kinds[0] if kinds else NO_ACTOR


def extent(session: Session, where: EventFilter, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day the filter's events cover; ongoing events reach today."""
    # Ongoing events end on date.max: telling them by that day, not by the `ongoing` column,
    # keeps the query inside the window index.
    closed_end = case((Event.ends_on == dt.date.max, None), else_=Event.ends_on)
    statement = select(
        func.min(Event.starts_on), func.max(closed_end), func.max(Event.ends_on)
    ).where(*clauses(session, where))
    first, last, latest = session.execute(statement).one()
    if first is None:
        return None
    ongoing = latest == dt.date.max
    return first, max(d for d in (last, today if ongoing else None, first) if d is not None)


def drawn_events(
    session: Session, where: EventFilter, lane_by: LaneBy, limit: int
) -> list[DrawnEvent]:
    """At most `limit` of the filter's events, oldest first, with what the drawing needs."""
    lane = _lane_column(lane_by).label("lane")
    statement = (
        select(Event.slug, Event.title, Event.start, Event.end, Event.ongoing, lane)
        .where(*clauses(session, where))
        .order_by(*CHRONOLOGY)
        .limit(limit)
    )
    return [
        DrawnEvent(
            row.slug,
            row.title,
            span_of(row.start, row.end, row.ongoing),
            lane_of(lane_by, row.lane),
        )
        for row in session.execute(statement)
    ]


def bucket_counts(
    session: Session, where: EventFilter, lane_by: LaneBy, precision: Precision
) -> list[Bucket]:
    """Per lane, how many events start in each period of the window, by lane and period.

    The period is the start's own text cut to the precision, so an event known only to the
    year stays a year ("2024") even when the drawing counts months: it is never counted as
    January.
    """
    key = case(
        (Event.starts_on < where.first, literal(BEFORE)),
        else_=func.substr(Event.start, 1, KEY_LENGTH[precision]),
    ).label("bucket_key")
    lane = _lane_column(lane_by).label("bucket_lane")
    # Grouped by output name: PostgreSQL would not see two renderings of an expression with
    # bound parameters as the same expression.
    statement = (
        select(lane, key, func.count())
        .where(*clauses(session, where))
        .group_by(literal_column("bucket_lane"), literal_column("bucket_key"))
    )
    counts: Counter[tuple[str, str]] = Counter()
    for value, key, count in session.execute(statement):
        counts[lane_of(lane_by, value), key] += count
    # In one order whatever the database grouped by: the drawing and its ETag stay the same.
    return [Bucket(lane, key, count) for (lane, key), count in sorted(counts.items())]
