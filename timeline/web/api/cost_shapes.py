"""The JSON shapes of the cost model's API, defined once: each TypedDict is both the type its
builder returns and, through the OpenAPI document, the schema readers are promised."""

from __future__ import annotations

from typing import Literal, overload

from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.costmodel.backtest import Backtest
from timeline.costmodel.compute import Part
from timeline.costmodel.prices import Trend
from timeline.costmodel.projection import Point, Projection
from timeline.costmodel.scenarios import Consistency
from timeline.domain.costs import ApiPrice as ApiPriceRow
from timeline.domain.costs import Gpu
from timeline.domain.costs import LlmPrice as LlmPriceRow
from timeline.services.costs.calculator import CostResult
from timeline.services.costs.data import RunCheck, ScenarioView


# Null only for a null: a shape's `float` field filled from a float stays non-nullable.
@overload
def _rounded(value: float, digits: int = 4) -> float: ...
@overload
def _rounded(value: float | None, digits: int = 4) -> float | None: ...
def _rounded(value: float | None, digits: int = 4) -> float | None:
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
        "attention_share": _rounded(run.attention_share),
        "wall_seconds": _rounded(run.wall_seconds, 6),
        "gpu_hours": _rounded(run.gpu_hours, 6),
        "gpu_hours_per_video_minute": _rounded(run.gpu_hours_per_video_minute, 6),
        "mfu": _rounded(run.mfu),
        "price_per_gpu_hour": result.quote.usd_per_gpu_hour if result.quote else None,
        "cost_usd": _rounded(result.cost_usd, 6),
        "usd_per_video_minute": _rounded(result.usd_per_video_minute, 6),
        "assumptions": {
            "linear_share_of_peak": eff.linear,
            "attention_share_of_peak": _rounded(eff.attention),
            "overhead_factor": _rounded(eff.overhead),
            "exchange_ns_per_element": eff.exchange_ns,
            "efficiency_basis": eff.basis,
            "peak_tflops_per_gpu": run.peak_flops / 1e12,
            "clips_per_video_minute": _rounded(run.clips_per_video_minute),
            "price_basis": result.quote.basis if result.quote else result.price_problem,
        },
    }  # fmt: skip


class GpuPriceShape(TypedDict):
    """A rental price per GPU-hour seen at a date (a year, month or day): a range across
    providers and/or a typical price, at least one of them set."""

    observed: str
    usd_low: float | None
    usd_typical: float | None
    usd_high: float | None
    note: str | None
    source: str | None


class PriceTrendShape(TypedDict):
    """A least-squares fit of ln(price) over time: `annual_change` -0.3 is 30% cheaper each
    year; `scatter_log` is the residuals' standard deviation in ln(price). A GPU priced at one
    date borrows the slope of the GPU with the most records."""

    annual_change: float
    fitted_on: int  # price records behind the fit
    scatter_log: float


class GpuShape(TypedDict):
    """A GPU: dense peak TFLOPS, rental prices, and their trend (null without prices of its
    own; `priced_like` names the GPU it is priced as)."""

    slug: str
    name: str
    generation: Literal["ampere", "ada", "hopper", "blackwell"]
    released: str | None
    bf16_tflops: float
    fp8_tflops: float | None
    memory_gb: float | None
    bandwidth_tbs: float | None
    nvlink_gbs: float | None
    priced_like: str | None
    source: str | None
    prices: list[GpuPriceShape]
    price_trend: PriceTrendShape | None


def gpu_json(gpu: Gpu, trend: Trend | None) -> GpuShape:
    return {
        "slug": gpu.slug, "name": gpu.name, "generation": gpu.generation,
        "released": gpu.released, "bf16_tflops": gpu.bf16_tflops, "fp8_tflops": gpu.fp8_tflops,
        "memory_gb": gpu.memory_gb, "bandwidth_tbs": gpu.bandwidth_tbs,
        "nvlink_gbs": gpu.nvlink_gbs,
        "priced_like": gpu.priced_like.slug if gpu.priced_like else None,
        "source": gpu.source,
        "prices": [
            {"observed": p.observed, "usd_low": p.usd_low, "usd_typical": p.usd_typical,
             "usd_high": p.usd_high, "note": p.note, "source": p.source}
            for p in gpu.prices
        ],
        "price_trend": None if trend is None else _trend_json(trend),
    }  # fmt: skip


def _trend_json(trend: Trend) -> PriceTrendShape:
    return {
        "annual_change": _rounded(trend.annual_change),
        "fitted_on": trend.count,
        "scatter_log": _rounded(trend.sigma),
    }


class ApiPriceShape(TypedDict):
    """A public list price for generated video at a resolution, seen at a date."""

    provider: str
    product: str
    resolution: str
    width: int
    height: int
    usd_per_second: float
    usd_per_video_minute: float
    observed: str
    note: str | None
    source: str | None


def api_price_json(row: ApiPriceRow) -> ApiPriceShape:
    return {
        "provider": row.provider, "product": row.product, "resolution": row.resolution,
        "width": row.width, "height": row.height, "usd_per_second": row.usd_per_second,
        "usd_per_video_minute": _rounded(row.usd_per_second * 60),
        "observed": row.observed, "note": row.note, "source": row.source,
    }  # fmt: skip


class LlmPriceShape(TypedDict):
    """A flagship LLM's list price per 1,000 tokens, which price-ratio claims are stated in."""

    model: str
    observed: str
    usd_per_1k_input: float
    usd_per_1k_output: float
    source: str | None


def llm_price_json(row: LlmPriceRow) -> LlmPriceShape:
    return {
        "model": row.model, "observed": row.observed, "usd_per_1k_input": row.usd_per_1k_input,
        "usd_per_1k_output": row.usd_per_1k_output, "source": row.source,
    }  # fmt: skip


class ClaimInputs(TypedDict):
    """The figures the claim states, as published; those it does not state are null."""

    usd_per_video_minute: float | None
    llm_usd_per_1k: float | None
    price_ratio: float | None
    gpu: str | None
    gpus: int | None
    wall_hours: float | None
    gpu_hours_per_video_minute: float | None


class ReferenceWorkload(TypedDict):
    """The model and clip a claim is held against."""

    model: str
    width: int
    height: int
    fps: float
    clip_seconds: float
    steps: int
    guidance_passes: int


class ImplicationShape(TypedDict):
    """The claim against the reference workload at default efficiency on the claim's GPU:
    `compute_ratio` is claimed over needed GPU-hours, `required_mfu` the share of peak that
    would meet the claim, `equivalent_params` the size of a model that would need the claim."""

    reference: ReferenceWorkload
    reference_gpu_hours_per_video_minute: float
    compute_ratio: float
    required_mfu: float
    default_mfu: float
    equivalent_params: float


class ScenarioShape(TypedDict):
    """A published claim (`date` a year, month or day), restated in dollars and GPU-hours per
    video-minute, each with how it was derived."""

    id: str
    claim: str
    date: str
    source: str | None
    note: str | None
    bound: Literal["about", "at_least", "at_most"]
    inputs: ClaimInputs
    usd_per_video_minute: float
    usd_basis: str
    gpu_hours_per_video_minute: float
    gpu_hours_basis: str
    gpu: str
    implied: ImplicationShape


def scenario_json(view: ScenarioView) -> ScenarioShape:
    """A claim as published, restated in common units, and what the compute model makes of it."""
    row, restated, implied, work = view.row, view.restated, view.implied, view.workload
    return {
        "id": row.slug, "claim": row.claim, "date": row.observed, "source": row.source,
        "note": row.note, "bound": row.bound,
        "inputs": {
            "usd_per_video_minute": row.usd_per_video_minute, "llm_usd_per_1k": row.llm_usd_per_1k,
            "price_ratio": row.price_ratio, "gpu": row.gpu.slug if row.gpu else None,
            "gpus": row.gpus, "wall_hours": row.wall_hours,
            "gpu_hours_per_video_minute": row.gpu_hours_per_video_minute,
        },
        "usd_per_video_minute": _rounded(restated.usd_per_video_minute),
        "usd_basis": restated.usd_basis,
        "gpu_hours_per_video_minute": _rounded(restated.gpu_hours_per_video_minute),
        "gpu_hours_basis": restated.gpu_hours_basis,
        "gpu": restated.gpu,
        "implied": {
            "reference": {
                "model": work.model, "width": work.clip.width, "height": work.clip.height,
                "fps": work.clip.fps, "clip_seconds": work.clip.seconds,
                "steps": work.sampling.steps, "guidance_passes": work.sampling.guidance_passes,
            },
            "reference_gpu_hours_per_video_minute": _rounded(
                implied.reference_gpu_hours_per_video_minute
            ),
            "compute_ratio": _rounded(implied.compute_ratio),
            "required_mfu": _rounded(implied.required_mfu),
            "default_mfu": _rounded(implied.default_mfu),
            "equivalent_params": _rounded(implied.equivalent_params, 3),
        },
    }  # fmt: skip


class SpeedupShape(TypedDict):
    """The faster GPU over the slower at one pair of precisions: by peak, and as sustained on
    the reference workload."""

    precisions: str
    peak: float
    sustained: float


class ConsistencyShape(TypedDict):
    """Two wall-time claims on different GPUs (by scenario id), against the GPUs' specs:
    `explained_by` lists the precisions whose sustained speed-up fits the claimed one."""

    slower: str
    faster: str
    claimed_speedup: float
    bound: Literal["about", "at_least"]  # at_least when either claim is a lower bound
    speedups: list[SpeedupShape]
    explained_by: list[str]


def consistency_json(check: Consistency) -> ConsistencyShape:
    return {
        "slower": check.first, "faster": check.second,
        "claimed_speedup": _rounded(check.claimed_speedup), "bound": check.bound.value,
        "speedups": [
            {"precisions": s.precisions, "peak": _rounded(s.peak),
             "sustained": _rounded(s.sustained)}
            for s in check.speedups
        ],
        "explained_by": check.explained_by,
    }  # fmt: skip


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
    return {"low": _rounded(usd["low"]), "base": _rounded(usd["base"]),
            "high": _rounded(usd["high"])}  # fmt: skip


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
        "price_trend": {"gpu": a.gpu.slug, **_trend_json(projection.trend)},
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
        "markup": _rounded(result.markup),
        "median_error_factor": _rounded(result.median_error_factor),
        "share_inside_band": _rounded(result.share_inside),
        "checks": [
            {"provider": c.price.provider, "product": c.price.product,
             "resolution": c.price.resolution, "observed": str(c.price.when),
             "usd_per_video_minute": _rounded(c.price.usd_per_video_minute),
             "projected": _usd_by_case(c.projected),
             "observed_over_projected": _rounded(c.ratio), "inside_band": c.inside}
            for c in result.checks
        ],
    }  # fmt: skip


class RunShape(TypedDict):
    """A published wall-clock time of one clip, and the model's prediction for it:
    `predicted_over_measured` 1.2 means the model is 20% slow."""

    slug: str
    purpose: Literal["calibration", "validation"]
    model: str
    gpu: str
    gpus: int
    width: int
    height: int
    frames: int
    steps: int
    guidance_passes: int
    measured_seconds: float
    predicted_seconds: float
    predicted_over_measured: float
    note: str | None
    source: str | None


def run_json(check: RunCheck) -> RunShape:
    run = check.run
    return {
        "slug": run.slug, "purpose": run.purpose, "model": run.video_model.slug,
        "gpu": run.gpu.slug, "gpus": run.gpus, "width": run.width, "height": run.height,
        "frames": run.frames, "steps": run.steps, "guidance_passes": run.guidance_passes,
        "measured_seconds": run.wall_seconds,
        "predicted_seconds": _rounded(check.estimate.wall_seconds),
        "predicted_over_measured": _rounded(check.ratio),
        "note": run.note, "source": run.source,
    }  # fmt: skip
