"""The JSON shapes of the cost model's answers, defined once: one clip's cost, a fitted price
trend, the projected band and its backtest. Each TypedDict is both the type its builder returns
and, through the OpenAPI document, the schema readers are promised; the reference data the
model rests on has its shapes in reference_shapes.py."""

from __future__ import annotations

from typing import Literal, overload

from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.costmodel.backtest import Backtest
from timeline.costmodel.compute import Part
from timeline.costmodel.prices import Trend
from timeline.costmodel.projection import Point, Projection
from timeline.services.costs.calculator import CostResult


# Null only for a null: a shape's `float` field filled from a float stays non-nullable.
@overload
def rounded(value: float, digits: int = 4) -> float: ...
@overload
def rounded(value: float | None, digits: int = 4) -> float | None: ...
def rounded(value: float | None, digits: int = 4) -> float | None:
    """`value` to `digits` significant figures, the precision every cost shape answers in."""
    return None if value is None else float(f"{value:.{digits}g}")


class CostInputs(TypedDict):
    """The run answered for, as read: a named model fills in its architecture, steps, guidance
    passes and frame rate; `seconds` becomes whole `frames` (plus the first frame)."""

    model: str | None
    params: float
    layers: int
    hidden: int
    vae_t: int
    vae_s: int
    patch_t: int
    patch_s: int
    gpu: str
    gpus: int
    precision: Literal["bf16", "fp8"]
    width: int
    height: int
    frames: int
    fps: float
    seconds: float
    steps: int
    guidance_passes: int


class CostAssumptions(TypedDict):
    """The shares of peak, overheads and price the answer rests on, each with its basis."""

    linear_share_of_peak: float
    attention_share_of_peak: float
    overhead_factor: float
    exchange_ns_per_element: float
    efficiency_basis: str
    peak_tflops_per_gpu: float
    clips_per_video_minute: float
    price_basis: str  # how the GPU-hour was priced, or why it could not be


class CostShape(TypedDict):
    """One clip's size, time and cost. The price and the dollar figures are null when the GPU
    has no rental price (`assumptions.price_basis` says why)."""

    inputs: CostInputs
    latent_frames: int
    tokens: int
    flops: float
    flops_linear: float
    flops_attention: float
    attention_share: float
    wall_seconds: float
    gpu_hours: float
    gpu_hours_per_video_minute: float
    mfu: float
    price_per_gpu_hour: float | None
    cost_usd: float | None
    usd_per_video_minute: float | None
    assumptions: CostAssumptions


def cost_json(result: CostResult) -> CostShape:
    """A calculator answer: the run's size, time and cost, and every assumption behind them."""
    run, req, arch = result.estimate, result.request, result.request.arch
    eff = run.efficiency
    return {
        "inputs": {
            "model": req.model,
            # A named model's count is an integer, a given one a float: one JSON type for both.
            "params": float(arch.params), "layers": arch.layers, "hidden": arch.hidden,
            "vae_t": arch.vae_t, "vae_s": arch.vae_s, "patch_t": arch.patch_t,
            "patch_s": arch.patch_s,
            "gpu": req.gpu, "gpus": req.gpus, "precision": req.precision.value,
            "width": req.clip.width, "height": req.clip.height, "frames": req.clip.frames,
            "fps": req.clip.fps, "seconds": round(req.clip.seconds, 4),
            "steps": req.sampling.steps, "guidance_passes": req.sampling.guidance_passes,
        },
        "latent_frames": run.latent_frames,
        "tokens": run.tokens,
        "flops": run.flops,
        "flops_linear": run.flops_per_pass[Part.LINEAR] * run.forward_passes,
        "flops_attention": run.flops_per_pass[Part.ATTENTION] * run.forward_passes,
        "attention_share": rounded(run.attention_share),
        "wall_seconds": rounded(run.wall_seconds, 6),
        "gpu_hours": rounded(run.gpu_hours, 6),
        "gpu_hours_per_video_minute": rounded(run.gpu_hours_per_video_minute, 6),
        "mfu": rounded(run.mfu),
        "price_per_gpu_hour": result.quote.usd_per_gpu_hour if result.quote else None,
        "cost_usd": rounded(result.cost_usd, 6),
        "usd_per_video_minute": rounded(result.usd_per_video_minute, 6),
        "assumptions": {
            "linear_share_of_peak": eff.linear,
            "attention_share_of_peak": rounded(eff.attention),
            "overhead_factor": rounded(eff.overhead),
            "exchange_ns_per_element": eff.exchange_ns,
            "efficiency_basis": eff.basis,
            "peak_tflops_per_gpu": run.peak_flops / 1e12,
            "clips_per_video_minute": rounded(run.clips_per_video_minute),
            "price_basis": result.quote.basis if result.quote else result.price_problem,
        },
    }  # fmt: skip


class PriceTrendShape(TypedDict):
    """A least-squares fit of ln(price) over time: `annual_change` -0.3 is 30% cheaper each
    year; `scatter_log` is the residuals' standard deviation in ln(price). A GPU priced at one
    date borrows the slope of the GPU with the most records."""

    annual_change: float
    fitted_on: int  # price records behind the fit
    scatter_log: float


def trend_json(trend: Trend) -> PriceTrendShape:
    return {
        "annual_change": rounded(trend.annual_change),
        "fitted_on": trend.count,
        "scatter_log": rounded(trend.sigma),
    }


CaseName = Literal["low", "base", "high"]


class UsdByCase(TypedDict):
    """Dollars for each edge of the band: `low` the cheap edge, `base`, `high` the dear one."""

    low: float
    base: float
    high: float


class CountByCase(TypedDict):
    """Denoising steps or guidance passes for each edge of the band."""

    low: int
    base: int
    high: int


class ProjectionReference(TypedDict):
    """The workload every point prices: the same minute of video throughout."""

    model: str
    gpu: str
    width: int
    height: int
    clip_seconds: float


class ProjectionTrend(PriceTrendShape):
    """The reference GPU's fitted rental trend."""

    gpu: str


class CaseShape(TypedDict):
    """What one edge of the band assumes after the last price record: a yearly change in the
    GPU-hour's price, a yearly gain in work per GPU-hour, denoising steps halving every so many
    years down to a floor, and guidance folded into one pass from a year on (null: never)."""

    name: CaseName
    price_spread_sigmas: float
    price_change_per_year_after_data: float
    hardware_gain_per_year_after_data: float
    steps_halving_years: float | None
    steps_floor: int
    single_guidance_pass_from: float | None


class SeriesPoint(UsdByCase):
    """One month of the band: dollars per video-minute for each case, with the steps, guidance
    passes and GPU-hour price each case used."""

    date: str
    steps: CountByCase
    guidance_passes: CountByCase
    usd_per_gpu_hour: UsdByCase


class ProjectionShape(TypedDict):
    """The band of cost per video-minute, a point a month from the first price record to 2030."""

    unit: Literal["usd_per_video_minute"]
    reference: ProjectionReference
    price_trend: ProjectionTrend
    cases: list[CaseShape]
    algorithms_from: float  # the year steps start to fall
    series: list[SeriesPoint]


def _usd_by_case(usd: dict[str, float]) -> UsdByCase:
    return {"low": rounded(usd["low"]), "base": rounded(usd["base"]),
            "high": rounded(usd["high"])}  # fmt: skip


def _count_by_case(counts: dict[str, int]) -> CountByCase:
    return {"low": counts["low"], "base": counts["base"], "high": counts["high"]}


def _point_json(point: Point) -> SeriesPoint:
    return {
        "date": point.day.isoformat(), **_usd_by_case(point.usd),
        "steps": _count_by_case(point.steps), "guidance_passes": _count_by_case(point.passes),
        "usd_per_gpu_hour": _usd_by_case(point.usd_per_gpu_hour),
    }  # fmt: skip


def projection_json(projection: Projection) -> ProjectionShape:
    a = projection.assumptions
    return {
        "unit": "usd_per_video_minute",
        "reference": {"model": a.workload.model, "gpu": a.gpu.slug,
                      "width": a.workload.clip.width, "height": a.workload.clip.height,
                      "clip_seconds": a.workload.clip.seconds},
        "price_trend": {"gpu": a.gpu.slug, **trend_json(projection.trend)},
        "cases": [
            {"name": c.name, "price_spread_sigmas": c.price_spread,
             "price_change_per_year_after_data": c.price_change,
             "hardware_gain_per_year_after_data": c.hardware_gain,
             "steps_halving_years": c.steps_halving_years, "steps_floor": c.steps_floor,
             "single_guidance_pass_from": c.single_pass_from}
            for c in a.cases
        ],
        "algorithms_from": a.algorithms_from,
        "series": [_point_json(p) for p in projection.points],
    }  # fmt: skip


class BacktestCheck(TypedDict):
    """An API price seen after the cutoff against the calibrated band on its date."""

    provider: str
    product: str
    resolution: str
    observed: str
    usd_per_video_minute: float
    projected: UsdByCase
    observed_over_projected: float  # over the base case
    inside_band: bool


class BacktestShape(TypedDict):
    """The band drawn from the price records known on `as_of`, its level calibrated on the API
    prices known then (`markup`), checked against every API price seen later. The error factor
    and share inside are null when no price came later."""

    as_of: str
    price_records_known: int
    api_prices_calibrated_on: int
    markup: float
    median_error_factor: float | None
    share_inside_band: float | None
    checks: list[BacktestCheck]


def backtest_json(result: Backtest) -> BacktestShape:
    return {
        "as_of": result.as_of.isoformat(),
        "price_records_known": result.price_records,
        "api_prices_calibrated_on": result.calibrated_on,
        "markup": rounded(result.markup),
        "median_error_factor": rounded(result.median_error_factor),
        "share_inside_band": rounded(result.share_inside),
        "checks": [
            {"provider": c.price.provider, "product": c.price.product,
             "resolution": c.price.resolution, "observed": str(c.price.when),
             "usd_per_video_minute": rounded(c.price.usd_per_video_minute),
             "projected": _usd_by_case(c.projected),
             "observed_over_projected": rounded(c.ratio), "inside_band": c.inside}
            for c in result.checks
        ],
    }  # fmt: skip
