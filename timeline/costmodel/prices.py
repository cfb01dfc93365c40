"""What a GPU-hour costs at a date: a log-linear trend fitted to observed rental prices."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from timeline.dates import PartialDate


class NoPrice(LookupError):
    """No price record covers this GPU, directly or through the GPU it is priced like."""


def days_in(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


@functools.cache
def _new_year(year: int) -> int:
    return dt.date(year, 1, 1).toordinal()


def decimal_year(day: dt.date) -> float:
    # By day numbers: a drawing places thousands of days, and timetuple() is the slow part.
    return day.year + (day.toordinal() - _new_year(day.year)) / days_in(day.year)


def from_decimal_year(year: float) -> dt.date:
    start = dt.date(int(year), 1, 1)
    return start + dt.timedelta(days=int((year % 1) * days_in(int(year))))


def midpoint(when: PartialDate) -> dt.date:
    """The middle day a partial date may be: where a month-precision observation sits in time."""
    first, last = when.earliest, when.latest
    return first + (last - first) / 2


@dataclass(frozen=True)
class GpuPrice:
    """An observed on-demand rental price per GPU-hour: a range across providers, or typical."""

    gpu: str
    when: PartialDate
    low: float | None = None
    typical: float | None = None
    high: float | None = None
    source: str | None = None

    @property
    def value(self) -> float:
        """The typical price, or the geometric middle of the range when no typical is given."""
        if self.typical is not None:
            return self.typical
        if self.low is not None and self.high is not None:
            return math.sqrt(self.low * self.high)
        return self.low if self.low is not None else self.high  # type: ignore[return-value]

    @property
    def year(self) -> float:
        return decimal_year(midpoint(self.when))


@dataclass(frozen=True)
class Trend:
    """ln(price) = intercept + slope x (year - centre), with the scatter of the fit."""

    centre: float
    intercept: float
    slope: float
    sigma: float
    count: int
    first: float
    last: float

    def at(self, year: float) -> float:
        return math.exp(self.intercept + self.slope * (year - self.centre))

    @property
    def annual_change(self) -> float:
        """The fitted change per year: -0.3 is 30% cheaper each year."""
        return math.exp(self.slope) - 1

    def anchored(self, year: float, price: float) -> Trend:
        """The same slope and span, passing through one observation."""
        first, last = min(self.first, year), max(self.last, year)
        return Trend(year, math.log(price), self.slope, self.sigma, 1, first, last)


def fit_trend(points: Iterable[tuple[float, float]]) -> Trend:
    """Least squares on the logarithm of price against time in years."""
    pairs = [(year, math.log(price)) for year, price in points]
    if len({year for year, _ in pairs}) < 2:
        raise ValueError("a trend needs prices at two or more dates")
    n = len(pairs)
    centre = sum(year for year, _ in pairs) / n
    mean = sum(value for _, value in pairs) / n
    sxx = sum((year - centre) ** 2 for year, _ in pairs)
    slope = sum((year - centre) * (value - mean) for year, value in pairs) / sxx
    residuals = [value - mean - slope * (year - centre) for year, value in pairs]
    sigma = math.sqrt(sum(r * r for r in residuals) / max(n - 2, 1))
    years = [year for year, _ in pairs]
    return Trend(centre, mean, slope, sigma, n, min(years), max(years))


@dataclass(frozen=True)
class Quote:
    """A price per GPU-hour and how it was arrived at."""

    usd_per_gpu_hour: float
    basis: str


class PriceBook:
    """Price records by GPU, with the GPUs that rent like another (A800 like A100)."""

    def __init__(self, records: Iterable[GpuPrice], proxies: dict[str, str] | None = None):
        self.records: dict[str, list[GpuPrice]] = {}
        for record in records:
            self.records.setdefault(record.gpu, []).append(record)
        self.proxies = proxies or {}

    def known(self, as_of: dt.date | None = None) -> PriceBook:
        """The book as it stood on a day: only records observed by then."""
        kept = [
            r for rs in self.records.values() for r in rs if as_of is None or r.when.latest <= as_of
        ]
        return PriceBook(kept, self.proxies)

    @property
    def reference_gpu(self) -> str:
        """The GPU with the most observations, whose trend lends its slope to thinly priced GPUs."""
        return max(self.records, key=lambda gpu: (len(self.records[gpu]), gpu))

    def trend(self, gpu: str) -> Trend:
        """The fitted trend of a GPU's price; one observation borrows the reference slope."""
        gpu = gpu if gpu in self.records else self.proxies.get(gpu, gpu)
        records = self.records.get(gpu)
        if not records:
            raise NoPrice(f"no rental price is recorded for {gpu}")
        points = [(r.year, r.value) for r in records]
        if len({year for year, _ in points}) >= 2:
            return fit_trend(points)
        if not self._has_trend(self.reference_gpu):
            # No GPU has prices at two dates yet (an early as_of): no slope is known, so the
            # price is held flat rather than guessed.
            year, price = points[0]
            return Trend(year, math.log(price), 0.0, 0.0, 1, year, year)
        return self.trend(self.reference_gpu).anchored(*points[0])

    def _has_trend(self, gpu: str) -> bool:
        return len({r.year for r in self.records.get(gpu, ())}) >= 2

    def quote(self, gpu: str, day: dt.date) -> Quote:
        """The fitted price on a day, held at the nearest observation outside the records' span."""
        trend = self.trend(gpu)
        year = min(max(decimal_year(day), trend.first), trend.last)
        via = self.proxies.get(gpu) if gpu not in self.records else None
        basis = f"{gpu} rental trend ({trend.annual_change:+.0%}/yr) on {day.isoformat()}"
        if via:
            basis = f"{gpu} priced as {via}: {basis}"
        if year != decimal_year(day):
            basis += ", held at the nearest observation"
        return Quote(round(trend.at(year), 4), basis)
