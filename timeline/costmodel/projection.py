"""Cost per video-minute over time as a band, and a backtest of the band against API prices.

Three drivers, each an explicit assumption per edge of the band:
- the rental price of the reference GPU: the fitted trend through the last observation, then
  an assumed yearly change (prices fell fast while launch premiums collapsed, then levelled);
- hardware: sustained FLOPs per rented GPU-hour beyond what the price trend already shows
  (newer GPUs rent at about the same price per peak FLOP, so the gain is mostly FP8 inference);
- algorithms: fewer denoising steps (distillation) and guidance folded into one pass.
The reference workload itself is held fixed, so the band prices the same minute of video.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from timeline.costmodel.compute import Clip, Hardware, Sampling, estimate
from timeline.costmodel.hardware import Gpu, efficiency_for
from timeline.costmodel.prices import PriceBook, Trend, decimal_year
from timeline.costmodel.scenarios import Workload


@dataclass(frozen=True)
class Case:
    """One edge of the band: how fast prices, hardware and algorithms move after today."""

    name: str
    price_spread: float
    price_change: float
    hardware_gain: float
    steps_halving_years: float | None
    steps_floor: int
    single_pass_from: float | None

    def steps(self, start: int, year: float, since: float) -> int:
        if self.steps_halving_years is None or year <= since:
            return start
        halved = start * 0.5 ** ((year - since) / self.steps_halving_years)
        return max(self.steps_floor, min(start, math.ceil(halved)))

    def passes(self, start: int, year: float) -> int:
        return 1 if self.single_pass_from is not None and year >= self.single_pass_from else start


# low: the cheap edge, base, high: the dear edge (prices flat, nothing gets more efficient).
CASES = (
    Case("low", price_spread=-1.0, price_change=-0.40, hardware_gain=0.30,
         steps_halving_years=1.0, steps_floor=4, single_pass_from=2025.0),
    Case("base", price_spread=0.0, price_change=-0.20, hardware_gain=0.13,
         steps_halving_years=1.5, steps_floor=8, single_pass_from=2026.0),
    Case("high", price_spread=1.0, price_change=0.0, hardware_gain=0.0,
         steps_halving_years=None, steps_floor=50, single_pass_from=None),
)  # fmt: skip


@dataclass(frozen=True)
class Assumptions:
    """Everything a projection rests on besides the price records."""

    gpu: Gpu
    workload: Workload
    start: dt.date
    overhead: float = 1.0
    end: dt.date = dt.date(2030, 12, 1)
    algorithms_from: float = 2025.0
    cases: tuple[Case, ...] = CASES


@dataclass(frozen=True)
class Point:
    day: dt.date
    usd: dict[str, float]
    steps: dict[str, int] = field(default_factory=dict)
    passes: dict[str, int] = field(default_factory=dict)
    usd_per_gpu_hour: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Projection:
    assumptions: Assumptions
    trend: Trend
    points: list[Point]


def _months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    first = dt.date(start.year, start.month, 1)
    return [_add_months(first, n) for n in range(_months_between(first, end) + 1)]


def _add_months(day: dt.date, count: int) -> dt.date:
    index = day.month - 1 + count
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def gpu_price(trend: Trend, case: Case, year: float) -> float:
    """The fitted price, moved by the case's share of the fit's scatter (what renting from a
    cheap or a dear provider makes of it), then after the last observation the case's yearly
    change."""
    spread = math.exp(case.price_spread * trend.sigma)
    if year <= trend.last:
        return trend.at(max(year, trend.first)) * spread
    return trend.at(trend.last) * spread * (1 + case.price_change) ** (year - trend.last)


def usd_per_video_minute(
    assumptions: Assumptions, trend: Trend, case: Case, year: float, clip: Clip | None = None
) -> tuple[float, int, int, float]:
    """The case's cost of a minute at `year`, with the steps, passes and GPU price it used."""
    work = assumptions.workload
    steps = case.steps(work.sampling.steps, year, assumptions.algorithms_from)
    passes = case.passes(work.sampling.guidance_passes, year)
    gpu = assumptions.gpu
    used = efficiency_for(gpu, overhead=assumptions.overhead)
    run = estimate(work.arch, clip or work.clip, Sampling(steps, passes), Hardware(gpu), used)
    since = max(0.0, year - trend.last)
    hours = run.gpu_hours_per_video_minute / (1 + case.hardware_gain) ** since
    price = gpu_price(trend, case, year)
    return hours * price, steps, passes, price


def project(
    prices: PriceBook, assumptions: Assumptions, as_of: dt.date | None = None
) -> Projection:
    """The band month by month, from the records known on `as_of` (all of them by default)."""
    trend = prices.known(as_of).trend(assumptions.gpu.slug)
    points = []
    for day in months(assumptions.start, assumptions.end):
        year = decimal_year(day)
        usd, steps, passes, rent = {}, {}, {}, {}
        for case in assumptions.cases:
            usd[case.name], steps[case.name], passes[case.name], rent[case.name] = (
                usd_per_video_minute(assumptions, trend, case, year)
            )
        points.append(Point(day, usd, steps, passes, rent))
    return Projection(assumptions, trend, points)
