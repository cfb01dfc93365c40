"""One cost question: a clip, a model, hardware and a price, answered by the compute model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from timeline.costmodel.compute import Architecture, Clip, Estimate, Hardware, Sampling, estimate
from timeline.costmodel.hardware import Precision, efficiency_for
from timeline.costmodel.prices import NoPrice, Quote
from timeline.services.costs.data import CostData


@dataclass(frozen=True)
class CostRequest:
    """Inputs already read and typed; the model checks they describe a possible run."""

    model: str | None
    arch: Architecture
    gpu: str
    gpus: int
    clip: Clip
    sampling: Sampling
    precision: Precision = Precision.BF16
    mfu: float | None = None
    price_per_gpu_hour: float | None = None
    day: dt.date | None = None


@dataclass(frozen=True)
class CostResult:
    request: CostRequest
    estimate: Estimate
    quote: Quote | None
    price_problem: str | None

    @property
    def cost_usd(self) -> float | None:
        return self.estimate.gpu_hours * self.quote.usd_per_gpu_hour if self.quote else None

    @property
    def usd_per_video_minute(self) -> float | None:
        if self.quote is None:
            return None
        return self.estimate.gpu_hours_per_video_minute * self.quote.usd_per_gpu_hour


def price_for(data: CostData, request: CostRequest) -> tuple[Quote | None, str | None]:
    """The given price, else the GPU's fitted rental price on the day asked (or today)."""
    if request.price_per_gpu_hour is not None:
        return Quote(request.price_per_gpu_hour, "given"), None
    day = request.day or dt.date.today()
    try:
        return data.prices.quote(request.gpu, day), None
    except NoPrice as exc:
        return None, f"{exc}; give price_per_gpu_hour to price this run"


def evaluate(data: CostData, request: CostRequest) -> CostResult:
    """Raises CostInputError when the inputs describe no possible run."""
    gpu = data.gpus[request.gpu]
    hardware = Hardware(gpu, request.gpus, request.precision)
    used = efficiency_for(gpu, request.gpus, data.overhead, request.mfu, request.precision)
    result = estimate(request.arch, request.clip, request.sampling, hardware, used)
    quote, problem = price_for(data, request)
    return CostResult(request, result, quote, problem)
