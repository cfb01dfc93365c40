"""Published claims about video-generation cost, restated in common units and held against the
compute model: what budget each claim allows, and what it would take to meet it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from timeline.costmodel.compute import Architecture, Clip, Estimate, Hardware, Sampling, estimate
from timeline.costmodel.hardware import Gpu, Precision, efficiency_for
from timeline.costmodel.prices import PriceBook, midpoint
from timeline.dates import PartialDate


class Bound(StrEnum):
    """How a claimed figure bounds the truth: "about 30 minutes", "more than 3 hours"."""

    ABOUT = "about"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@dataclass(frozen=True)
class Workload:
    """The model and clip a claim is compared against: one window of a fixed-length generator."""

    model: str
    arch: Architecture
    clip: Clip
    sampling: Sampling


@dataclass(frozen=True)
class Claim:
    """A claim as published: any one of a price, a price ratio, a wall time or GPU-hours."""

    slug: str
    title: str
    when: PartialDate
    source: str | None = None
    bound: Bound = Bound.ABOUT
    usd_per_video_minute: float | None = None
    llm_usd_per_1k: float | None = None
    price_ratio: float | None = None
    gpu: str | None = None
    gpus: int | None = None
    wall_hours: float | None = None
    gpu_hours_per_video_minute: float | None = None

    @property
    def day(self) -> dt.date:
        return midpoint(self.when)


@dataclass(frozen=True)
class Restatement:
    """A claim in common units, each with how it was derived."""

    usd_per_video_minute: float
    usd_basis: str
    gpu_hours_per_video_minute: float
    gpu_hours_basis: str
    gpu: str


@dataclass(frozen=True)
class Implication:
    """The claim against the reference workload run on the claim's GPU at default efficiency."""

    reference_gpu_hours_per_video_minute: float
    compute_ratio: float
    required_mfu: float
    default_mfu: float
    equivalent_params: float


def restate(claim: Claim, prices: PriceBook, fallback_gpu: str) -> Restatement:
    """Dollars and GPU-hours per video-minute, converted at the GPU's price on the claim date."""
    gpu = claim.gpu or fallback_gpu
    price = prices.quote(gpu, claim.day)
    hours, hours_basis = _claimed_gpu_hours(claim)
    usd, usd_basis = _claimed_usd(claim)
    if hours is None and usd is not None:
        hours = usd / price.usd_per_gpu_hour
        hours_basis = f"${usd:,.2f} / ${price.usd_per_gpu_hour:.2f} per GPU-hour ({price.basis})"
    if usd is None and hours is not None:
        usd = hours * price.usd_per_gpu_hour
        usd_basis = f"{hours:g} GPU-hours x ${price.usd_per_gpu_hour:.2f} ({price.basis})"
    if usd is None or hours is None:
        raise ValueError(f"claim {claim.slug} states neither a price nor a time")
    return Restatement(usd, usd_basis, hours, hours_basis, gpu)


def _claimed_gpu_hours(claim: Claim) -> tuple[float | None, str]:
    if claim.gpu_hours_per_video_minute is not None:
        return claim.gpu_hours_per_video_minute, "as claimed"
    if claim.wall_hours is not None and claim.gpus:
        hours = claim.wall_hours * claim.gpus
        return hours, f"{claim.wall_hours:g} h x {claim.gpus} GPUs"
    return None, ""


def _claimed_usd(claim: Claim) -> tuple[float | None, str]:
    if claim.usd_per_video_minute is not None:
        return claim.usd_per_video_minute, "as claimed"
    if claim.llm_usd_per_1k is not None and claim.price_ratio is not None:
        usd = claim.llm_usd_per_1k * claim.price_ratio
        return usd, f"{claim.price_ratio:g} x ${claim.llm_usd_per_1k:g} per 1k LLM tokens"
    return None, ""


def reference_estimate(workload: Workload, hardware: Hardware, overhead: float = 1.0) -> Estimate:
    """The reference workload on this hardware at the default efficiency."""
    gpu, count, precision = hardware.gpu, hardware.count, hardware.precision
    used = efficiency_for(gpu, count, overhead, precision=precision)
    return estimate(workload.arch, workload.clip, workload.sampling, hardware, used)


def implication(
    restated: Restatement, workload: Workload, hardware: Hardware, overhead: float = 1.0
) -> Implication:
    """How the claimed GPU-hours compare with what the reference workload needs on that GPU."""
    ref = reference_estimate(workload, hardware, overhead)
    needed = ref.gpu_hours_per_video_minute
    ratio = restated.gpu_hours_per_video_minute / needed
    return Implication(
        reference_gpu_hours_per_video_minute=needed,
        compute_ratio=ratio,
        required_mfu=ref.mfu / ratio,
        default_mfu=ref.mfu,
        equivalent_params=equivalent_params(ref, workload.arch.params, ratio),
    )


def equivalent_params(ref: Estimate, params: float, ratio: float) -> float:
    """The size of a model of the reference's proportions that uses `ratio` times its compute.

    Growing depth and width together by k multiplies parameters (and linear FLOPs) by k^3 and
    attention FLOPs by k^2, so k solves linear*k^3 + attention*k^2 = ratio*(linear + attention).
    """
    linear, attention = ref.flops_per_pass.values()
    target = ratio * (linear + attention)
    low, high = 1e-3, 1e3
    for _ in range(80):
        k = (low * high) ** 0.5
        low, high = (k, high) if linear * k**3 + attention * k**2 < target else (low, k)
    return params * ((low * high) ** 0.5) ** 3


@dataclass(frozen=True)
class Speedup:
    """One way the faster claim's GPUs could outpace the slower's: by peak and as sustained."""

    precisions: str
    peak: float
    sustained: float


@dataclass(frozen=True)
class Consistency:
    """Two wall-time claims for the same work on different GPUs, against the GPUs' specs."""

    first: str
    second: str
    claimed_speedup: float
    bound: Bound
    speedups: list[Speedup]

    @property
    def explained_by(self) -> list[str]:
        """Precisions whose sustained speed-up is within 25% of the claim, or meets its bound."""
        return [s.precisions for s in self.speedups if self._fits(s.sustained)]

    def _fits(self, predicted: float) -> bool:
        if self.bound is Bound.AT_LEAST:
            return predicted >= self.claimed_speedup / 1.25
        return abs(predicted / self.claimed_speedup - 1) <= 0.25


def consistency(slow: Claim, fast: Claim, gpus: dict[str, Gpu], workload: Workload) -> Consistency:
    """How much faster the second claim's hardware is claimed to be, and how much it can be:
    by the ratio of peaks, and as sustained on the reference workload."""
    a, b = gpus[slow.gpu], gpus[fast.gpu]  # type: ignore[index]
    claimed = (slow.wall_hours * slow.gpus) / (fast.wall_hours * fast.gpus)  # type: ignore[operator]
    bound = Bound.AT_LEAST if Bound.AT_LEAST in (slow.bound, fast.bound) else Bound.ABOUT
    speedups = []
    for pa in Precision:
        for pb in Precision:
            peak_a, peak_b = a.peak_tflops(pa), b.peak_tflops(pb)
            if peak_a and peak_b:
                slow_run = reference_estimate(workload, Hardware(a, 1, pa))
                fast_run = reference_estimate(workload, Hardware(b, 1, pb))
                sustained = slow_run.wall_seconds / fast_run.wall_seconds
                name = f"{a.slug} {pa.upper()}, {b.slug} {pb.upper()}"
                speedups.append(Speedup(name, peak_b / peak_a, sustained))
    return Consistency(slow.slug, fast.slug, claimed, bound, speedups)
