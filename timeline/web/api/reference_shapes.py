"""The JSON shapes of the cost model's reference data, defined once: GPUs with their rental
prices, API and LLM list prices, published claims restated, and measured runs, each beside what
the model makes of it. Like cost_shapes.py, each TypedDict is both its builder's return type and
the schema the OpenAPI document promises."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.costmodel.prices import Trend
from timeline.costmodel.scenarios import Consistency
from timeline.domain.costs import ApiPrice as ApiPriceRow
from timeline.domain.costs import Gpu
from timeline.domain.costs import LlmPrice as LlmPriceRow
from timeline.services.costs.data import RunCheck, ScenarioView
from timeline.web.api.cost_shapes import PriceTrendShape, rounded, trend_json


class GpuPriceShape(TypedDict):
    """A rental price per GPU-hour seen at a date (a year, month or day): a range across
    providers and/or a typical price, at least one of them set."""

    observed: str
    usd_low: float | None
    usd_typical: float | None
    usd_high: float | None
    note: str | None
    source: str | None


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
        "price_trend": None if trend is None else trend_json(trend),
    }  # fmt: skip


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
        "usd_per_video_minute": rounded(row.usd_per_second * 60),
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
        "usd_per_video_minute": rounded(restated.usd_per_video_minute),
        "usd_basis": restated.usd_basis,
        "gpu_hours_per_video_minute": rounded(restated.gpu_hours_per_video_minute),
        "gpu_hours_basis": restated.gpu_hours_basis,
        "gpu": restated.gpu,
        "implied": {
            "reference": {
                "model": work.model, "width": work.clip.width, "height": work.clip.height,
                "fps": work.clip.fps, "clip_seconds": work.clip.seconds,
                "steps": work.sampling.steps, "guidance_passes": work.sampling.guidance_passes,
            },
            "reference_gpu_hours_per_video_minute": rounded(
                implied.reference_gpu_hours_per_video_minute
            ),
            "compute_ratio": rounded(implied.compute_ratio),
            "required_mfu": rounded(implied.required_mfu),
            "default_mfu": rounded(implied.default_mfu),
            "equivalent_params": rounded(implied.equivalent_params, 3),
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
        "claimed_speedup": rounded(check.claimed_speedup), "bound": check.bound.value,
        "speedups": [
            {"precisions": s.precisions, "peak": rounded(s.peak),
             "sustained": rounded(s.sustained)}
            for s in check.speedups
        ],
        "explained_by": check.explained_by,
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
        "predicted_seconds": rounded(check.estimate.wall_seconds),
        "predicted_over_measured": rounded(check.ratio),
        "note": run.note, "source": run.source,
    }  # fmt: skip
