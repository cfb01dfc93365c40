"""The cost model's reference data: GPUs and their rental prices, video-model architectures,
measured runs, observed API and LLM prices, and the published claims (scenarios).

Dates are partial-date text ("2024-03"), as on events: most prices are known to the month.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from timeline.db import Base, intpk, name, slug

PARTIAL_DATE_CHECK = "length({col}) IN (4, 7, 10)"


def _positive(*columns: str) -> list[CheckConstraint]:
    return [CheckConstraint(f"{c} > 0", name=f"{c}_positive") for c in columns]


class Gpu(Base):
    __tablename__ = "gpus"
    __table_args__ = (
        *_positive("bf16_tflops"),
        CheckConstraint("fp8_tflops IS NULL OR fp8_tflops > 0", name="fp8_tflops_positive"),
        CheckConstraint(
            "generation IN ('ampere', 'ada', 'hopper', 'blackwell')", name="generation_known"
        ),
    )

    id: Mapped[intpk]
    slug: Mapped[slug]
    name: Mapped[name]
    generation: Mapped[str] = mapped_column(String(20))
    released: Mapped[str | None] = mapped_column(String(10))
    bf16_tflops: Mapped[float] = mapped_column(Float)
    fp8_tflops: Mapped[float | None] = mapped_column(Float)
    memory_gb: Mapped[float | None] = mapped_column(Float)
    bandwidth_tbs: Mapped[float | None] = mapped_column(Float)
    nvlink_gbs: Mapped[float | None] = mapped_column(Float)
    priced_like_id: Mapped[int | None] = mapped_column(ForeignKey("gpus.id"))
    source: Mapped[str | None] = mapped_column(Text)

    priced_like: Mapped[Gpu | None] = relationship(remote_side="Gpu.id")
    prices: Mapped[list[GpuPrice]] = relationship(
        back_populates="gpu", cascade="all, delete-orphan", order_by="GpuPrice.observed"
    )


class GpuPrice(Base):
    """A rental price per GPU-hour seen at a date: a range across providers and/or a typical."""

    __tablename__ = "gpu_prices"
    __table_args__ = (
        CheckConstraint(PARTIAL_DATE_CHECK.format(col="observed"), name="observed_partial_date"),
        CheckConstraint(
            "usd_low IS NOT NULL OR usd_typical IS NOT NULL OR usd_high IS NOT NULL",
            name="some_price",
        ),
        CheckConstraint("usd_low IS NULL OR usd_high IS NULL OR usd_low <= usd_high", name="range"),
        UniqueConstraint("gpu_id", "observed"),
    )

    id: Mapped[intpk]
    gpu_id: Mapped[int] = mapped_column(ForeignKey("gpus.id", ondelete="CASCADE"))
    observed: Mapped[str] = mapped_column(String(10))
    usd_low: Mapped[float | None] = mapped_column(Float)
    usd_typical: Mapped[float | None] = mapped_column(Float)
    usd_high: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)

    gpu: Mapped[Gpu] = relationship(back_populates="prices")


class VideoModel(Base):
    """A diffusion-transformer video generator with a published architecture."""

    __tablename__ = "video_models"
    __table_args__ = tuple(
        _positive("params", "layers", "hidden", "vae_t", "vae_s", "patch_t", "patch_s")
        + _positive("steps", "guidance_passes", "fps")
    )

    id: Mapped[intpk]
    slug: Mapped[slug]
    name: Mapped[name]
    released: Mapped[str | None] = mapped_column(String(10))
    params: Mapped[int] = mapped_column(BigInteger)
    layers: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[int] = mapped_column(Integer)
    vae_t: Mapped[int] = mapped_column(Integer)
    vae_s: Mapped[int] = mapped_column(Integer)
    patch_t: Mapped[int] = mapped_column(Integer)
    patch_s: Mapped[int] = mapped_column(Integer)
    steps: Mapped[int] = mapped_column(Integer)
    guidance_passes: Mapped[int] = mapped_column(Integer)
    fps: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)


class MeasuredRun(Base):
    """A published wall-clock time of one clip: the calibration run and the runs checked against."""

    __tablename__ = "measured_runs"
    __table_args__ = (
        *_positive("width", "height", "frames", "steps", "guidance_passes", "gpus"),
        *_positive("wall_seconds"),
        CheckConstraint("purpose IN ('calibration', 'validation')", name="purpose_known"),
    )

    id: Mapped[intpk]
    slug: Mapped[slug]
    video_model_id: Mapped[int] = mapped_column(ForeignKey("video_models.id"), index=True)
    gpu_id: Mapped[int] = mapped_column(ForeignKey("gpus.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    frames: Mapped[int] = mapped_column(Integer)
    steps: Mapped[int] = mapped_column(Integer)
    guidance_passes: Mapped[int] = mapped_column(Integer)
    gpus: Mapped[int] = mapped_column(Integer)
    wall_seconds: Mapped[float] = mapped_column(Float)
    peak_memory_gb: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)

    video_model: Mapped[VideoModel] = relationship()
    gpu: Mapped[Gpu] = relationship()


class ApiPrice(Base):
    """A public list price for generated video, per second of output."""

    __tablename__ = "api_prices"
    __table_args__ = (
        *_positive("usd_per_second", "width", "height"),
        CheckConstraint(PARTIAL_DATE_CHECK.format(col="observed"), name="observed_partial_date"),
        UniqueConstraint("provider", "product", "resolution", "observed"),
    )

    id: Mapped[intpk]
    provider: Mapped[name]
    product: Mapped[name]
    resolution: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    usd_per_second: Mapped[float] = mapped_column(Float)
    observed: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)


class LlmPrice(Base):
    """A flagship LLM's list price per 1,000 tokens, to restate "N times GPT-4" over time."""

    __tablename__ = "llm_prices"
    __table_args__ = (
        *_positive("usd_per_1k_input", "usd_per_1k_output"),
        CheckConstraint(PARTIAL_DATE_CHECK.format(col="observed"), name="observed_partial_date"),
    )

    id: Mapped[intpk]
    model: Mapped[str] = mapped_column(String(100), unique=True)
    observed: Mapped[str] = mapped_column(String(10))
    usd_per_1k_input: Mapped[float] = mapped_column(Float)
    usd_per_1k_output: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)


class Scenario(Base):
    """A published claim with its inputs, and the reference workload it is held against."""

    __tablename__ = "scenarios"
    __table_args__ = (
        CheckConstraint(PARTIAL_DATE_CHECK.format(col="observed"), name="observed_partial_date"),
        CheckConstraint("bound IN ('about', 'at_least', 'at_most')", name="bound_known"),
        CheckConstraint(
            "usd_per_video_minute IS NOT NULL OR gpu_hours_per_video_minute IS NOT NULL"
            " OR (wall_hours IS NOT NULL AND gpus IS NOT NULL)"
            " OR (llm_usd_per_1k IS NOT NULL AND price_ratio IS NOT NULL)",
            name="states_a_figure",
        ),
        *_positive("width", "height", "fps", "clip_seconds"),
    )

    id: Mapped[intpk]
    slug: Mapped[slug]
    claim: Mapped[str] = mapped_column(Text)
    observed: Mapped[str] = mapped_column(String(10))
    source: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    bound: Mapped[str] = mapped_column(String(20), default="about")
    usd_per_video_minute: Mapped[float | None] = mapped_column(Float)
    llm_usd_per_1k: Mapped[float | None] = mapped_column(Float)
    price_ratio: Mapped[float | None] = mapped_column(Float)
    gpu_id: Mapped[int | None] = mapped_column(ForeignKey("gpus.id"), index=True)
    gpus: Mapped[int | None] = mapped_column(Integer)
    wall_hours: Mapped[float | None] = mapped_column(Float)
    gpu_hours_per_video_minute: Mapped[float | None] = mapped_column(Float)
    video_model_id: Mapped[int] = mapped_column(ForeignKey("video_models.id"), index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    fps: Mapped[float] = mapped_column(Float)
    clip_seconds: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)

    gpu: Mapped[Gpu | None] = relationship()
    video_model: Mapped[VideoModel] = relationship()
