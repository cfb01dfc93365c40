"""Backtest: the band as it would have been drawn on a past day, against API prices seen later.

An API price is compute cost times the provider's margin and model choices, which no compute
model knows; so the band's level is calibrated once on the API prices known by the cutoff (the
geometric mean of observed over projected) and the test is whether it then follows the prices
that came after. With no price known by the cutoff the level is left uncalibrated.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass

from timeline.costmodel.compute import Clip
from timeline.costmodel.prices import PriceBook, Trend, decimal_year, midpoint
from timeline.costmodel.projection import Assumptions, usd_per_video_minute
from timeline.dates import PartialDate


@dataclass(frozen=True)
class ApiPrice:
    """A public list price for generated video, per second of output."""

    provider: str
    product: str
    resolution: str
    width: int
    height: int
    usd_per_second: float
    when: PartialDate
    source: str | None = None

    @property
    def usd_per_video_minute(self) -> float:
        return self.usd_per_second * 60

    @property
    def day(self) -> dt.date:
        return midpoint(self.when)


@dataclass(frozen=True)
class Check:
    price: ApiPrice
    projected: dict[str, float]

    @property
    def ratio(self) -> float:
        """Observed over projected base: 2.0 means the market charged twice the projection."""
        return self.price.usd_per_video_minute / self.projected["base"]

    @property
    def inside(self) -> bool:
        return self.projected["low"] <= self.price.usd_per_video_minute <= self.projected["high"]


@dataclass(frozen=True)
class Backtest:
    as_of: dt.date
    markup: float
    calibrated_on: int
    price_records: int
    checks: list[Check]

    @property
    def median_error_factor(self) -> float | None:
        """The typical miss as a factor: 1.5 means half the prices were within x1.5 of the base."""
        if not self.checks:
            return None
        return math.exp(statistics.median(abs(math.log(c.ratio)) for c in self.checks))

    @property
    def share_inside(self) -> float | None:
        return sum(c.inside for c in self.checks) / len(self.checks) if self.checks else None


def _padded(pixels: int, side: int) -> int:
    """Generators pad a frame up to whole latent patches (1080 lines become 1088)."""
    return math.ceil(pixels / side) * side


def _clip_for(assumptions: Assumptions, price: ApiPrice) -> Clip:
    ref = assumptions.workload.clip
    side = assumptions.workload.arch.pixels_per_token_side
    return Clip(_padded(price.width, side), _padded(price.height, side), ref.frames, ref.fps)


def _projected(assumptions: Assumptions, trend: Trend, price: ApiPrice) -> dict[str, float]:
    year = decimal_year(price.day)
    clip = _clip_for(assumptions, price)
    return {
        case.name: usd_per_video_minute(assumptions, trend, case, year, clip)[0]
        for case in assumptions.cases
    }


def backtest(
    prices: PriceBook, api_prices: list[ApiPrice], assumptions: Assumptions, as_of: dt.date
) -> Backtest:
    """Project from what was known on `as_of`, calibrate the level, and check every later price."""
    book = prices.known(as_of)
    trend = book.trend(assumptions.gpu.slug)
    known = [p for p in api_prices if p.when.latest <= as_of]
    later = [p for p in api_prices if p.when.earliest > as_of]
    ratios = [p.usd_per_video_minute / _projected(assumptions, trend, p)["base"] for p in known]
    markup = math.exp(statistics.fmean(math.log(r) for r in ratios)) if ratios else 1.0
    checks = []
    for price in sorted(later, key=lambda p: (p.day, p.provider, p.product)):
        raw = _projected(assumptions, trend, price)
        checks.append(Check(price, {name: usd * markup for name, usd in raw.items()}))
    count = sum(len(rs) for rs in book.records.values())
    return Backtest(as_of, markup, len(ratios), count, checks)
