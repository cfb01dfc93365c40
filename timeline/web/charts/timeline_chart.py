"""The drawn timeline's geometry: lanes of events on the cost chart's time axis, packed so no
two marks overlap, with labels that give way before they collide; or, when the window holds
too many events to draw one by one, counts per period in each lane that zoom in when followed.

Dates are drawn as honestly as they are known: a day is a point, a month or a year is a soft
band across all of it, a range is a bar whose fuzzy ends are soft, and an ongoing event fades
as it reaches the present. Templates turn this into SVG (templates/_timeline_chart.html).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from timeline.dates import PartialDate, Precision
from timeline.services.events.layout import BEFORE, KEY_LENGTH, Bucket, DrawnEvent
from timeline.web.charts.cost_chart import WIDTH, Tick, TimeAxis

DRAW_LIMIT = 150  # above this many events a window is drawn as counts
ROW, LANE_HEAD, AXIS_SPACE, GAP = 22, 22, 28, 8
CHAR_WIDTH, LABEL_CHARS, POINT_RADIUS, MIN_WIDTH = 6.2, 34, 5, 4
LANE_COLOURS = 8  # .lane-0 to .lane-7 in site.css


@dataclass(frozen=True)
class Lane:
    slug: str
    label: str
    y: float
    height: float
    count: int
    colour: int  # the lane's place in the whole vocabulary, so a category keeps its colour


@dataclass(frozen=True)
class Item:
    """One event: its shape between x and x + width, its row, and its label if it has room."""

    slug: str
    title: str
    when: str
    lane: str
    shape: str  # point, band, bar or ongoing
    x: float
    width: float
    solid_x: float
    solid_width: float
    y: float
    label: str | None
    label_x: float
    label_anchor: str


@dataclass(frozen=True)
class Cell:
    """How many of a lane's events start in a period, drawn across that period."""

    lane: str
    x: float
    width: float
    y: float
    count: int
    opacity: float
    text: str
    href: str | None
    coarse: bool

    @property
    def name(self) -> str:
        """What the cell says in its tooltip and to a screen reader: "3 events in March 2024"."""
        noun = "event" if self.count == 1 else "events"
        joint = ", " if self.coarse and self.href is None else " in "
        return f"{self.count} {noun}{joint}{self.text}"

    # A day-by-day window draws hundreds of cells: their numbers are written here in one piece
    # each, not as a dozen template expressions, each escaped, per cell.
    @property
    def box(self) -> Markup:
        """The rectangle's attributes (numbers only)."""
        width = self.width - 1 if self.width > 2 else self.width
        return Markup(
            f'x="{self.x}" y="{self.y + 2}" width="{width}" height="18" rx="2" '
            f'fill-opacity="{self.opacity}"'
        )

    @property
    def count_at(self) -> Markup | None:
        """Where the count is written, centred in the cell; None when it does not fit."""
        if self.width < 8 * len(str(self.count)) + 4:
            return None
        return Markup(f'x="{self.x + self.width / 2}" y="{self.y + 15}"')


@dataclass
class TimelineChart:
    title: str
    description: str
    time: TimeAxis
    lanes: list[Lane]
    items: list[Item] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    per: str | None = None  # the period counted in when aggregated: day, month or year
    today_x: float | None = None
    width: int = WIDTH

    @property
    def height(self) -> float:
        bottom = max((lane.y + lane.height for lane in self.lanes), default=0)
        return bottom + AXIS_SPACE

    @property
    def plot_bottom(self) -> float:
        return self.height - AXIS_SPACE

    @property
    def x_ticks(self) -> list[Tick]:
        return self.time.ticks()


def counting_precision(first: dt.date, last: dt.date) -> Precision:
    """Count per day within two months, per month within six years, else per year."""
    days = (last - first).days
    return Precision.DAY if days <= 62 else Precision.MONTH if days <= 6 * 366 else Precision.YEAR


def _clamped(time: TimeAxis, day: dt.date) -> float:
    """Where a day begins, held to the plot: what lies outside is drawn up to its edge."""
    return min(max(time.x(day), time.left), time.right)


def _clamped_after(time: TimeAxis, day: dt.date) -> float:
    """Where a day ends, held to the plot."""
    return min(max(time.x_after(day), time.left), time.right)


def _shape(time: TimeAxis, drawn: DrawnEvent, today: dt.date) -> tuple[str, float, float, float]:
    """Kind, left, right and the solid part's left and right, in chart coordinates."""
    span = drawn.span
    left = _clamped(time, span.earliest)
    if span.ongoing:
        right = max(_clamped_after(time, max(today, span.earliest)), left + MIN_WIDTH)
        return "ongoing", left, right, (left, right)
    right = _clamped_after(time, span.latest)
    if span.end is None and span.start.precision is Precision.DAY:
        middle = (left + right) / 2
        return "point", middle - POINT_RADIUS, middle + POINT_RADIUS, (middle, middle)
    right = max(right, left + MIN_WIDTH)
    if span.end is None:
        return "band", left, right, (left, left)
    if span.start.precision is Precision.DAY:
        return "bar", left, right, (left, right)
    solid = (_clamped_after(time, span.start.latest), _clamped(time, span.end.earliest))
    return "bar", left, right, (min(solid), max(solid))


def _label(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


@dataclass
class _Rows:
    """The right edge taken in each row of a lane, for first-fit packing."""

    ends: list[float] = field(default_factory=list)

    def first_free(self, left: float) -> int | None:
        return next((i for i, end in enumerate(self.ends) if end + GAP <= left), None)

    def take(self, row: int | None, right: float) -> int:
        if row is None:
            self.ends.append(right)
            return len(self.ends) - 1
        self.ends[row] = right
        return row


def _place(rows: _Rows, time: TimeAxis, left: float, right: float, label: str):
    """The row and label placement for a mark: with its label where that fits without a new
    row, otherwise bare (its name stays in the hover title and the list below the drawing)."""
    width = len(label) * CHAR_WIDTH
    after = right + 6
    if after + width <= time.right:
        with_label, anchor, label_x = (left, after + width), "start", after
    else:
        with_label, anchor, label_x = (left - 6 - width, right), "end", left - 6
    row = rows.first_free(with_label[0])
    if row is not None or rows.first_free(left) is None:
        return rows.take(row, with_label[1]), label, label_x, anchor
    return rows.take(rows.first_free(left), right), None, label_x, anchor


def _lane_items(time: TimeAxis, events: list[DrawnEvent], top: float, today: dt.date):
    rows, items = _Rows(), []
    for drawn in events:
        kind, left, right, solid = _shape(time, drawn, today)
        row, label, label_x, anchor = _place(rows, time, left, right, _label(drawn.title))
        y = top + LANE_HEAD + row * ROW + ROW / 2
        items.append(
            Item(
                drawn.slug, drawn.title, drawn.span.in_words(), drawn.lane, kind, left,
                right - left,
                solid[0], solid[1] - solid[0], y, label, label_x, anchor,
            )
        )  # fmt: skip
    return items, len(rows.ends)


def drawing(
    time: TimeAxis,
    lane_labels: dict[str, str],
    events: list[DrawnEvent],
    today: dt.date,
) -> TimelineChart:
    """Every event as its own mark, lane by lane in the order of `lane_labels`."""
    chart = TimelineChart("", "", time, [], today_x=_today(time, today))
    top = 0.0
    for colour, (slug, label) in enumerate(lane_labels.items()):
        mine = [e for e in events if e.lane == slug]
        if not mine:
            continue
        items, rows = _lane_items(time, mine, top, today)
        chart.items += items
        height = LANE_HEAD + rows * ROW
        chart.lanes.append(Lane(slug, label, top, height, len(mine), colour % LANE_COLOURS))
        top += height
    return _described(chart, len(events))


Period = tuple[float, float, str, str | None]  # a cell's x, width, words and zoom link


def _period(time: TimeAxis, key: str, zoom: Callable[[str], str]) -> Period:
    if key == BEFORE:
        # In the left margin, outside the window, where these events come from.
        return 6.0, time.left - 10, "begun before this window", None
    period = PartialDate.parse(key)
    x = _clamped(time, period.earliest)
    width = max(_clamped_after(time, period.latest) - x, MIN_WIDTH)
    return x, width, period.in_words(), zoom(key)


def _cell(bucket: Bucket, placed: Period, y: float, most: int, coarse: bool) -> Cell:
    opacity = round(0.2 + 0.8 * math.log1p(bucket.count) / math.log1p(max(most, 1)), 2)
    x, width, text, href = placed
    return Cell(bucket.lane, x, width, y, bucket.count, opacity, text, href, coarse)


def counts(
    time: TimeAxis,
    lane_labels: dict[str, str],
    buckets: list[Bucket],
    per: Precision,
    zoom: Callable[[str], str],
    today: dt.date,
) -> TimelineChart:
    """Counts per period in each lane. Counts of coarser dates (an event known only to 2024
    when months are counted) get a second row, so no event is counted in a period it may not
    belong to; events begun before the window are counted in the left margin."""
    chart = TimelineChart("", "", time, [], per=per.value, today_x=_today(time, today))
    most = max((b.count for b in buckets), default=1)
    # Every lane counts the same periods: each is placed once.
    places: dict[str, Period] = {}

    def placed(key: str) -> Period:
        if key not in places:
            places[key] = _period(time, key, zoom)
        return places[key]

    top = 0.0
    for colour, (slug, label) in enumerate(lane_labels.items()):
        mine = [b for b in buckets if b.lane == slug]
        if not mine:
            continue
        fine: list[Bucket] = []
        coarse: list[Bucket] = []
        for bucket in mine:
            is_fine = bucket.key == BEFORE or len(bucket.key) == KEY_LENGTH[per]
            (fine if is_fine else coarse).append(bucket)
        rows = [row for row in (fine, coarse) if row]
        for index, row in enumerate(rows):
            y = top + LANE_HEAD + index * ROW
            chart.cells += [
                _cell(bucket, placed(bucket.key), y, most, row is not fine or bucket.key == BEFORE)
                for bucket in row
            ]
        total = sum(b.count for b in mine)
        height = LANE_HEAD + len(rows) * ROW
        chart.lanes.append(Lane(slug, label, top, height, total, colour % LANE_COLOURS))
        top += height
    return _described(chart, sum(b.count for b in buckets))


def _described(chart: TimelineChart, total: int) -> TimelineChart:
    """The drawing's title and the description a screen reader gives in its place."""
    first, last = (PartialDate.parse(d).in_words() for d in (chart.time.first, chart.time.last))
    noun = "event" if total == 1 else "events"
    chart.title = f"Timeline of {total} {noun}, {first} to {last}"
    lanes = "; ".join(f"{lane.label}: {lane.count}" for lane in chart.lanes)
    if chart.per:
        chart.description = (
            f"Too many events to draw one by one, so each lane shows how many start in each "
            f"{chart.per}; each count links to that {chart.per}. Events per lane: {lanes}."
        )
    else:
        chart.description = (
            f"Each event is a mark in its lane: a dot for a day, a soft band for a month or a "
            f"year, a bar for a range, a fading bar for an ongoing event. Events per lane: "
            f"{lanes}. The list below the drawing holds the same events."
        )
    return chart


def _today(time: TimeAxis, today: dt.date) -> float | None:
    return time.x(today) if time.contains(today) else None
