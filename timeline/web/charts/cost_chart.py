"""The cost chart's geometry: a time axis for any window, a logarithmic cost axis, the
projection band, and observed prices and claims as marks. Templates draw it as SVG; the
timeline page reuses it over its own window so the two line up."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from functools import cached_property

from timeline.costmodel.prices import days_in, decimal_year, from_decimal_year
from timeline.costmodel.projection import Projection

WIDTH, HEIGHT = 960, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    major: bool = True


@dataclass(frozen=True)
class Mark:
    """One observed price or claim on the chart, with the text a hover or a reader sees."""

    x: float
    y: float
    label: str
    title: str
    kind: str
    href: str | None = None
    label_y: float = 0.0


@dataclass(frozen=True)
class TimeAxis:
    first: dt.date
    last: dt.date
    left: float = LEFT
    right: float = WIDTH - RIGHT

    def x(self, day: dt.date) -> float:
        """Where the day begins."""
        return self._at(decimal_year(day))

    def x_after(self, day: dt.date) -> float:
        """Where the day ends (computed, not as the next day's start: 9999-12-31 has none)."""
        return self._at(decimal_year(day) + 1 / days_in(day.year))

    def _at(self, year: float) -> float:
        first, span = self._years
        share = (year - first) / span if span else 0
        return round(self.left + share * (self.right - self.left), 1)

    @cached_property
    def _years(self) -> tuple[float, float]:
        """The first day as a decimal year, and the years to the last day."""
        first = decimal_year(self.first)
        return first, decimal_year(self.last) - first

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def ticks(self) -> list[Tick]:
        """Days within two months, months within a year, quarters within four, else years
        (every 1, 2, 5, 10... so that about a dozen are labelled)."""
        days = (self.last - self.first).days
        if days <= 62:
            return self._day_ticks(1 if days <= 16 else 2 if days <= 31 else 7)
        if days <= 4 * 366:
            return self._month_ticks(1 if days <= 400 else 3)
        return self._year_ticks(_year_step(self.last.year - self.first.year))

    def _day_ticks(self, step: int) -> list[Tick]:
        ticks = []
        for offset in range((self.last - self.first).days + 1):
            day = self.first + dt.timedelta(days=offset)
            if day.day == 1 or offset % step == 0:
                label = day.strftime("%b") if day.day == 1 else str(day.day)
                ticks.append(Tick(self.x(day), label, day.day == 1))
        return ticks

    def _month_ticks(self, step: int) -> list[Tick]:
        ticks = []
        months = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        for offset in range(months + 1):
            month = self.first.month - 1 + offset
            day = dt.date(self.first.year + month // 12, month % 12 + 1, 1)
            if day >= self.first and (day.month - 1) % step == 0:
                ticks.append(Tick(self.x(day), _tick_label(day, step), day.month == 1))
        return ticks

    def _year_ticks(self, step: int) -> list[Tick]:
        first = self.first.year + (self.first > dt.date(self.first.year, 1, 1))
        years = range(-(-first // step) * step, self.last.year + 1, step)
        return [Tick(self.x(dt.date(year, 1, 1)), str(year)) for year in years]


def _year_step(years: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if years / step <= 12:
            return step
    return 2000


def _tick_label(day: dt.date, step: int) -> str:
    if day.month == 1:
        return str(day.year)
    return day.strftime("%b") if step == 1 else f"Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class LogAxis:
    low: float
    high: float
    top: float = TOP
    bottom: float = HEIGHT - BOTTOM

    @classmethod
    def covering(cls, values: list[float]) -> LogAxis:
        positive = [v for v in values if v > 0] or [1.0]
        low, high = math.log10(min(positive)), math.log10(max(positive))
        return cls(10 ** math.floor(low), 10 ** max(math.ceil(high), math.floor(low) + 1))

    def y(self, value: float) -> float:
        span = math.log10(self.high) - math.log10(self.low)
        share = (math.log10(self.high) - math.log10(max(value, self.low))) / span
        return round(self.top + share * (self.bottom - self.top), 1)

    def ticks(self) -> list[Tick]:
        ticks, value = [], self.low
        while value <= self.high * 1.0001:
            ticks.append(Tick(self.y(value), _dollars(value)))
            value *= 10
        return ticks


def _dollars(value: float) -> str:
    return f"${value:,.0f}" if value >= 1 else f"${value:g}"


@dataclass
class CostChart:
    title: str
    description: str
    time: TimeAxis
    cost: LogAxis
    band: str = ""
    base: str = ""
    data_until: float | None = None
    marks: list[Mark] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def x_ticks(self) -> list[Tick]:
        return self.time.ticks()

    @property
    def y_ticks(self) -> list[Tick]:
        return self.cost.ticks()


@dataclass(frozen=True)
class Observation:
    """A dated cost per video-minute to plot: an API list price or a restated claim."""

    day: dt.date
    usd_per_video_minute: float
    label: str
    title: str
    kind: str
    href: str | None = None


def cost_chart(
    projection: Projection,
    observations: list[Observation],
    first: dt.date,
    last: dt.date,
    height: int = HEIGHT,
) -> CostChart:
    """The band over [first, last], with the observations that fall inside the window."""
    time = TimeAxis(first, last)
    points = [p for p in projection.points if time.contains(p.day)]
    shown = [o for o in observations if time.contains(o.day)]
    values = [v for p in points for v in p.usd.values()] + [o.usd_per_video_minute for o in shown]
    cost = replace(LogAxis.covering(values), bottom=height - BOTTOM)
    chart = CostChart(_title(first, last), _description(points, shown), time, cost, height=height)
    if points:
        upper = [f"{time.x(p.day)},{cost.y(p.usd['high'])}" for p in points]
        lower = [f"{time.x(p.day)},{cost.y(p.usd['low'])}" for p in reversed(points)]
        chart.band = " ".join(upper + lower)
        chart.base = " ".join(f"{time.x(p.day)},{cost.y(p.usd['base'])}" for p in points)
    last_data = from_decimal_year(projection.trend.last)
    if time.contains(last_data):
        chart.data_until = time.x(last_data)
    marks = [
        Mark(time.x(o.day), cost.y(o.usd_per_video_minute), o.label, o.title, o.kind, o.href)
        for o in shown
    ]
    chart.marks = _spread_labels(marks)
    return chart


LABEL_HEIGHT, LABEL_WIDTH = 14, 130


def _spread_labels(marks: list[Mark]) -> list[Mark]:
    """Move a claim's label down until it clears the labels already placed near it."""
    placed: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.kind != "claim", m.y)):
        y = mark.y + 4
        if mark.kind == "claim":
            while any(
                abs(p.x - mark.x) < LABEL_WIDTH and abs(p.label_y - y) < LABEL_HEIGHT
                for p in placed
            ):
                y += LABEL_HEIGHT
        placed.append(replace(mark, label_y=y))
    return placed


def _title(first: dt.date, last: dt.date) -> str:
    return f"Cost of one minute of generated video, {first.year}–{last.year}"


def _description(points, shown: list[Observation]) -> str:
    if not points:
        return "No projection falls inside this window."
    start, end = points[0], points[-1]
    return (
        f"Logarithmic cost axis. The projected base cost of a video-minute goes from "
        f"${start.usd['base']:,.2f} in {start.day:%B %Y} to ${end.usd['base']:,.2f} in "
        f"{end.day:%B %Y}, within a band from ${end.usd['low']:,.2f} to "
        f"${end.usd['high']:,.2f} at the end. {len(shown)} observed prices and claims are "
        f"plotted as points; the tables below list them."
    )
