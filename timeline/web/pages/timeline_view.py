"""The timeline page put together: facets, the window, the drawing (events or counts), the cost
chart on the same axis, and a page of the same events as a list."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import groupby
from urllib.parse import quote, urlencode

from flask import current_app, url_for
from sqlalchemy.orm import Session

from timeline.costmodel.projection import Projection
from timeline.dates import Precision
from timeline.domain import Event
from timeline.recently_used import RecentlyUsed
from timeline.services.costs.data import CostData
from timeline.services.events import facet_index
from timeline.services.events import layout as timeline_service
from timeline.services.events import queries as event_service
from timeline.services.events.facet_index import FacetIndex, Selection
from timeline.services.events.facets import Facets, facets
from timeline.services.events.filtering import EventFilter, resolved
from timeline.services.events.layout import NO_ACTOR, Bucket, LaneBy
from timeline.services.events.queries import EventPage, EventQuery
from timeline.services.vocabulary import Vocabulary
from timeline.web.charts.cost_chart import CostChart, Observation, TimeAxis, cost_chart
from timeline.web.charts.timeline_chart import (
    DRAW_LIMIT,
    TimelineChart,
    counting_precision,
    counts,
    drawing,
)
from timeline.web.event_params import filter_args, next_page_url, view_url
from timeline.web.http_cache import current_version
from timeline.web.pages.costs import observations

COST_CHART_HEIGHT = 220
ONE_DAY = dt.timedelta(days=1)
COUNTED_PAGE = 50  # list page size when the drawing shows counts rather than the events
# Up to this many events, the list and the drawing fetch the facet index's ids of the filter's
# events: a few hundred ids beat a window walk tested against a common word's every match
# (beyond, the list fetches its page's ids).
EXACT_MOST = 1_000
_PROJECTION = "timeline.projection"  # the app's (costs version, projection and marks)


@dataclass
class TimelineView:
    facets: Facets
    page: EventPage
    window: tuple[dt.date, dt.date] | None
    timeline: TimelineChart | None
    cost: CostChart | None
    lane_by: LaneBy

    @property
    def years(self) -> list[tuple[int, list[Event]]]:
        by_year = groupby(self.page.events, lambda e: e.starts_on.year)
        return [(year, list(group)) for year, group in by_year]

    @property
    def next_url(self) -> str | None:
        return next_page_url("pages.index", self.page.next) if self.page.next else None

    @property
    def moves(self) -> dict[str, str]:
        """Links that move the window: a window's length earlier or later, zoom in or out.
        A move that would leave the calendar (before year 1, after 9999) is left out."""
        if self.window is None:
            return {}
        first, last = self.window
        length = last - first + ONE_DAY
        quarter, half = dt.timedelta(days=length.days // 4), dt.timedelta(days=length.days // 2)
        wanted = {
            "earlier": ((first, -length), (first, -ONE_DAY)),
            "zoom-in": ((first, quarter), (last, -quarter)),
            "zoom-out": ((first, -half), (last, half)),
            "later": ((last, ONE_DAY), (last, length)),
        }
        moves = {}
        for name, (start, end) in wanted.items():
            span = _shifted(*start), _shifted(*end)
            if None not in span and span[0] <= span[1]:
                to_from = {"from": span[0].isoformat(), "to": span[1].isoformat()}
                moves[name] = view_url("pages.index", **to_from)
        return moves


def _shifted(day: dt.date, by: dt.timedelta) -> dt.date | None:
    try:
        return day + by
    except OverflowError:
        return None


def shown_window(
    session: Session, query: EventQuery, today: dt.date, counted: Selection | None = None
) -> tuple[dt.date, dt.date] | None:
    """The window asked for; where `from` or `to` is left out, the matching events' extent,
    widened to whole months (or whole years over long spans) so the axis starts on a tick.
    None when an open window holds no event."""
    where = query.where
    first, last = where.first, where.last
    if first == dt.date.min or last == dt.date.max:
        if counted is not None:
            found = counted.extent(today)
        else:
            found = timeline_service.extent(session, where, today)
        if found is None:
            return None
        first = found[0] if first == dt.date.min else first
        last = found[1] if last == dt.date.max else last
        whole_years = (last - first).days > 3 * 366
        if where.first == dt.date.min:
            first = dt.date(first.year, 1 if whole_years else first.month, 1)
        if where.last == dt.date.max:
            last = dt.date(last.year, 12, 31) if whole_years else _month_end(last)
    return first, max(last, _shifted(first, ONE_DAY) or first)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def lane_labels(vocabulary: Vocabulary, lane_by: LaneBy) -> dict[str, str]:
    if lane_by is LaneBy.CATEGORY:
        return vocabulary.categories
    return vocabulary.kinds | {NO_ACTOR: "No actor named"}


def _drawing(
    session: Session, query: EventQuery, lane_by: LaneBy, vocabulary: Vocabulary,
    span: tuple[dt.date, dt.date], total: int, today: dt.date, buckets: list[Bucket] | None,
    counting: _Counting,
) -> TimelineChart:  # fmt: skip
    time, labels = TimeAxis(*span), lane_labels(vocabulary, lane_by)
    if total <= DRAW_LIMIT:
        drawn = timeline_service.drawn_events(session, query.where, lane_by, DRAW_LIMIT)
        return drawing(time, labels, drawn, today)
    per = counting_precision(*span)
    if buckets is None:
        buckets = _buckets(session, query, lane_by, per, counting.selection())
    return counts(time, labels, buckets, per, zoom_urls(), today)


def _buckets(
    session: Session, query: EventQuery, lane_by: LaneBy, per: Precision,
    counted: Selection | None,
) -> list[Bucket]:  # fmt: skip
    if counted is None:
        return timeline_service.bucket_counts(session, query.where, lane_by, per)
    return [Bucket(*cell) for cell in counted.buckets(lane_by is LaneBy.KIND, per)]


def _category_buckets(
    session: Session, query: EventQuery, lane_by: LaneBy, span: tuple[dt.date, dt.date] | None,
    counted: Selection | None,
) -> list[Bucket] | None:  # fmt: skip
    """The drawing's counts, read before the facets when they can stand in for the category
    counts (lanes by category, no category chosen): one pass over the window, not two."""
    if span is None or lane_by is not LaneBy.CATEGORY or query.where.categories:
        return None
    return _buckets(session, query, lane_by, counting_precision(*span), counted)


def _lane_totals(buckets: list[Bucket] | None) -> dict[str, int] | None:
    if buckets is None:
        return None
    totals: Counter[str] = Counter()
    for bucket in buckets:
        totals[bucket.lane] += bucket.count
    return dict(totals)


def zoom_urls() -> Callable[[str], str]:
    """A maker of links that narrow this view to one period, keeping every other filter.
    Built once: a counted drawing has hundreds of cells, and url_for per cell shows."""
    base = url_for("pages.index")
    kept = urlencode(
        [(k, v) for k, v in filter_args().items(multi=True) if k not in ("from", "to")]
    )
    tail = f"&{kept}" if kept else ""
    return lambda key: f"{base}?from={quote(key)}&to={quote(key)}{tail}"


def _cost_chart(session: Session, span: tuple[dt.date, dt.date]) -> CostChart | None:
    """The cost chart under the drawing: the same for every filter shown over the same days,
    so each process keeps the latest charts by window and the cost data's version (placing
    a few hundred points and labels costs more than the rest of a counted page's drawing)."""
    key = (current_version("costs"), span)
    kept = current_app.extensions.setdefault(_COST_CHARTS, RecentlyUsed(COST_CHARTS_KEPT))
    found = kept.get(key)
    if found is None:
        drawn = _projection(session)
        found = (cost_chart(*drawn, *span, height=COST_CHART_HEIGHT),) if drawn else (None,)
        kept.put(key, found)
    return found[0]


def _projection(session: Session) -> tuple[Projection, list[Observation]] | None:
    """The projection and the prices and claims drawn on it: the same on every page until the
    cost data changes, and reading and projecting it takes longer than the rest of a page's
    chart, so each process keeps the last one by the cost data's version."""
    version = current_version("costs")
    kept = current_app.extensions.get(_PROJECTION)
    if kept is not None and kept[0] == version:
        return kept[1]
    data = CostData(session)
    drawn = None
    if data.can_project:
        drawn = data.projection(), observations(data, data.scenarios(), url_for("costs.calculator"))
    current_app.extensions[_PROJECTION] = (version, drawn)
    return drawn


_COUNTS = "timeline.page_counts"  # the app's RecentlyUsed of what _counted found
COUNTS_KEPT = 256
_COST_CHARTS = "timeline.cost_charts"  # the app's RecentlyUsed of cost charts by window
COST_CHARTS_KEPT = 64
# What this module keeps in app.extensions by data version: a database whose versions go
# back (a test's rolled-back writes) must drop them.
KEPT_BY_VERSION = (_PROJECTION, _COUNTS, _COST_CHARTS, facet_index.KEY)


def _counted(
    session: Session, query: EventQuery, lane_by: LaneBy, vocabulary: Vocabulary, today: dt.date,
    counting: _Counting,
) -> tuple[tuple[dt.date, dt.date] | None, list[Bucket] | None, Facets]:  # fmt: skip
    """The window shown, the drawing's counts and the facets: what a page's filter costs most
    to count (every event of a broad window or a common word), and the same for any sort or
    page of it. Each process keeps the latest by the filter and the events' data version, so
    a write anywhere makes new keys and no kept count is ever stale."""
    where = query.where
    key = (
        where.first, where.last, where.categories, tuple(a.id for a in where.actors),
        where.kinds, where.search, where.status, lane_by, today, current_version("events"),
    )  # fmt: skip
    kept = current_app.extensions.setdefault(_COUNTS, RecentlyUsed(COUNTS_KEPT))
    found = kept.get(key)
    if found is None:
        counted = counting.selection()
        span = shown_window(session, query, today, counted)
        buckets = _category_buckets(session, query, lane_by, span, counted)
        by_category = _lane_totals(buckets)
        found = span, buckets, facets(session, where, vocabulary, by_category, counted)
        kept.put(key, found)
    return found


class _Counting:
    """The facet index's selection for one filter, made when first asked for (a kept count
    needs none), or None while the index is stale or off: count by SQL then."""

    def __init__(self, session: Session, where: EventFilter, index: FacetIndex | None):
        self.session, self.where, self.index = session, where, index
        self._selection: Selection | None = None

    def selection(self) -> Selection | None:
        if self._selection is None and self.index is not None:
            self._selection = self.index.selection(self.session, self.where)
        return self._selection


def _exactly(query: EventQuery, counting: _Counting, total: int) -> tuple[EventQuery, EventQuery]:
    """The query for the drawing and the query for the list, narrowed to the facet index's
    ids when it is current: every event of a small filter, or the page's own events of a
    broad one."""
    selection = counting.selection()
    if selection is None:
        return query, query
    if total <= EXACT_MOST:
        query = replace(query, where=replace(query.where, exact=selection.ids()))
        return query, query
    return query, selection.page(counting.session, query) or query


def timeline_view(
    session: Session, query: EventQuery, lane_by: LaneBy, vocabulary: Vocabulary, today: dt.date
) -> TimelineView:
    """Everything the timeline page shows for one query."""
    index = facet_index.current(session, query.where, current_version("events"))
    if index is None:  # counted by SQL: the search and the actors looked up once for all
        query = replace(query, where=resolved(session, query.where))
    counting = _Counting(session, query.where, index)
    span, buckets, counted = _counted(session, query, lane_by, vocabulary, today, counting)
    if counted.total > DRAW_LIMIT and query.limit == DRAW_LIMIT:
        query = replace(query, limit=COUNTED_PAGE)  # the list is a sample: keep it light
    query, listed = _exactly(query, counting, counted.total)
    page = event_service.list_events(session, listed, sources=False)  # the list shows none
    if span is None or not counted.total:
        return TimelineView(counted, page, None, None, None, lane_by)
    chart = _drawing(
        session, query, lane_by, vocabulary, span, counted.total, today, buckets, counting
    )
    return TimelineView(counted, page, span, chart, _cost_chart(session, span), lane_by)
