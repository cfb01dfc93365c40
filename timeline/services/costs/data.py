"""The database feeds the cost model: reference rows become the pure model's inputs, and the
questions the site asks (a cost, the scenarios, the band, the backtest) are answered here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from timeline.costmodel import backtest as bt
from timeline.costmodel.compute import (
    Architecture,
    Clip,
    Estimate,
    Hardware,
    Sampling,
    calibrated_overhead,
    estimate,
)
from timeline.costmodel.hardware import Generation, Gpu, efficiency_for
from timeline.costmodel.prices import GpuPrice, PriceBook, midpoint
from timeline.costmodel.projection import Assumptions, Projection, project
from timeline.costmodel.scenarios import (
    Bound,
    Claim,
    Consistency,
    Implication,
    Restatement,
    Workload,
    consistency,
    implication,
    restate,
)
from timeline.dates import PartialDate
from timeline.domain import costs as rows

REFERENCE_GPU = "h100-sxm"
REFERENCE_MODEL = "wan2.1-14b"
BACKTEST_AS_OF = dt.date(2025, 1, 1)


def gpu_of(row: rows.Gpu) -> Gpu:
    return Gpu(
        row.slug, row.name, Generation(row.generation), row.bf16_tflops, row.fp8_tflops,
        row.memory_gb, row.bandwidth_tbs, row.nvlink_gbs,
    )  # fmt: skip


def architecture_of(row: rows.VideoModel) -> Architecture:
    return Architecture(
        row.params, row.layers, row.hidden, row.vae_t, row.vae_s, row.patch_t, row.patch_s
    )


def api_price_of(row: rows.ApiPrice) -> bt.ApiPrice:
    return bt.ApiPrice(
        row.provider, row.product, row.resolution, row.width, row.height, row.usd_per_second,
        PartialDate.parse(row.observed), row.source,
    )  # fmt: skip


@dataclass(frozen=True)
class RunCheck:
    """A measured run and what the model predicts for it."""

    run: rows.MeasuredRun
    estimate: Estimate

    @property
    def ratio(self) -> float:
        """Predicted over measured: 1.2 means the model is 20% slow."""
        return self.estimate.wall_seconds / self.run.wall_seconds


@dataclass(frozen=True)
class ScenarioView:
    row: rows.Scenario
    claim: Claim
    restated: Restatement
    implied: Implication
    workload: Workload


class CostData:
    """The reference tables, read once per request, in the pure model's terms."""

    def __init__(self, session: Session):
        self.gpu_rows = list(
            session.scalars(
                select(rows.Gpu)
                .options(selectinload(rows.Gpu.prices))
                .order_by(rows.Gpu.bf16_tflops)
            )
        )
        self.model_rows = list(
            session.scalars(select(rows.VideoModel).order_by(rows.VideoModel.name))
        )
        self.runs = list(session.scalars(select(rows.MeasuredRun).order_by(rows.MeasuredRun.id)))
        self.price_rows = [price for gpu in self.gpu_rows for price in gpu.prices]
        self.api_rows = list(
            session.scalars(select(rows.ApiPrice).order_by(rows.ApiPrice.observed))
        )
        self.llm_rows = list(
            session.scalars(select(rows.LlmPrice).order_by(rows.LlmPrice.observed))
        )
        self.scenario_rows = list(
            session.scalars(select(rows.Scenario).order_by(rows.Scenario.position))
        )

    @property
    def can_project(self) -> bool:
        """Whether the tables hold what a projection needs: the reference GPU, its prices and
        the reference model."""
        return (
            REFERENCE_MODEL in self.models
            and REFERENCE_GPU in self.gpus
            and any(r.gpu.slug == REFERENCE_GPU for r in self.price_rows)
        )

    @cached_property
    def gpus(self) -> dict[str, Gpu]:
        return {row.slug: gpu_of(row) for row in self.gpu_rows}

    @cached_property
    def models(self) -> dict[str, rows.VideoModel]:
        return {row.slug: row for row in self.model_rows}

    @cached_property
    def prices(self) -> PriceBook:
        records = [
            GpuPrice(
                r.gpu.slug,
                PartialDate.parse(r.observed),
                r.usd_low,
                r.usd_typical,
                r.usd_high,
                r.source,
            )
            for r in self.price_rows
        ]
        proxies = {g.slug: g.priced_like.slug for g in self.gpu_rows if g.priced_like}
        return PriceBook(records, proxies)

    @cached_property
    def api_prices(self) -> list[bt.ApiPrice]:
        return [api_price_of(row) for row in self.api_rows]

    @cached_property
    def overhead(self) -> float:
        """The factor that makes the model meet the calibration runs (1 without any)."""
        pairs = [
            (self.predict(run, overhead=1.0), run.wall_seconds)
            for run in self.runs
            if run.purpose == "calibration"
        ]
        return calibrated_overhead(pairs)

    def predict(self, run: rows.MeasuredRun, overhead: float | None = None) -> Estimate:
        model = run.video_model
        gpu = self.gpus[run.gpu.slug]
        used = efficiency_for(gpu, run.gpus, self.overhead if overhead is None else overhead)
        clip = Clip(run.width, run.height, run.frames, model.fps)
        sampling = Sampling(run.steps, run.guidance_passes)
        return estimate(architecture_of(model), clip, sampling, Hardware(gpu, run.gpus), used)

    def validation(self) -> list[RunCheck]:
        return [RunCheck(run, self.predict(run)) for run in self.runs]

    def workload(self, model: rows.VideoModel, clip: Clip) -> Workload:
        sampling = Sampling(model.steps, model.guidance_passes)
        return Workload(model.slug, architecture_of(model), clip, sampling)

    @cached_property
    def reference_workload(self) -> Workload:
        model = self.models[REFERENCE_MODEL]
        return self.workload(model, Clip.of_seconds(1280, 720, 5, model.fps))

    @cached_property
    def assumptions(self) -> Assumptions:
        first = min(midpoint(PartialDate.parse(r.observed)) for r in self.price_rows)
        return Assumptions(
            self.gpus[REFERENCE_GPU], self.reference_workload, first, overhead=self.overhead
        )

    def projection(self, as_of: dt.date | None = None) -> Projection:
        return project(self.prices, self.assumptions, as_of)

    def backtest(self, as_of: dt.date = BACKTEST_AS_OF) -> bt.Backtest:
        return bt.backtest(self.prices, self.api_prices, self.assumptions, as_of)

    def scenarios(self) -> list[ScenarioView]:
        return [self.scenario(row) for row in self.scenario_rows]

    def scenario(self, row: rows.Scenario) -> ScenarioView:
        claim = claim_of(row)
        model = row.video_model
        workload = self.workload(
            model, Clip.of_seconds(row.width, row.height, row.clip_seconds, row.fps)
        )
        restated = restate(claim, self.prices, REFERENCE_GPU)
        hardware = Hardware(self.gpus[restated.gpu], claim.gpus or 1)
        implied = implication(restated, workload, hardware, self.overhead)
        return ScenarioView(row, claim, restated, implied, workload)

    def consistencies(self) -> list[Consistency]:
        """Every pair of wall-time claims on different GPUs, slower hardware first."""
        timed = [claim_of(r) for r in self.scenario_rows if r.wall_hours and r.gpu]
        timed.sort(key=lambda c: self.gpus[c.gpu].bf16_tflops)  # type: ignore[index]
        return [
            consistency(a, b, self.gpus, self.reference_workload)
            for i, a in enumerate(timed)
            for b in timed[i + 1 :]
            if a.gpu != b.gpu
        ]


def claim_of(row: rows.Scenario) -> Claim:
    return Claim(
        slug=row.slug, title=row.claim, when=PartialDate.parse(row.observed), source=row.source,
        bound=Bound(row.bound), usd_per_video_minute=row.usd_per_video_minute,
        llm_usd_per_1k=row.llm_usd_per_1k, price_ratio=row.price_ratio,
        gpu=row.gpu.slug if row.gpu else None, gpus=row.gpus, wall_hours=row.wall_hours,
        gpu_hours_per_video_minute=row.gpu_hours_per_video_minute,
    )  # fmt: skip
