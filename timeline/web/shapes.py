"""The JSON shapes of the API, defined once."""

from __future__ import annotations

from typing import Any

from flask import url_for

from timeline.costmodel.backtest import Backtest
from timeline.costmodel.compute import Part
from timeline.costmodel.prices import Trend
from timeline.costmodel.projection import Projection
from timeline.costmodel.scenarios import Consistency
from timeline.domain import Actor, Event, EventActor, Role, Source
from timeline.domain.costs import ApiPrice as ApiPriceRow
from timeline.domain.costs import Gpu
from timeline.domain.costs import LlmPrice as LlmPriceRow
from timeline.services.calculator import CostResult
from timeline.services.costs import RunCheck, ScenarioView
from timeline.web.cost_query import ARCH_FIELDS


def link_json(link: EventActor) -> dict[str, Any]:
    actor = link.actor
    return {"slug": actor.slug, "name": actor.name, "kind": actor.kind, "role": link.role.value}


def source_json(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published,
    }


def event_json(event: Event) -> dict[str, Any]:
    """An event as the API gives it: dates in the seed files' text form, with their precision."""
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "category": event.category,
        "start": event.start,
        "end": event.end,
        "precision": event.precision.value,
        "ongoing": event.ongoing,
        "earliest": event.starts_on.isoformat(),
        "latest": None if event.ongoing else event.ends_on.isoformat(),
        "status": event.status.value,
        "actors": [link_json(link) for link in event.links],
        "sources": [source_json(source) for source in event.sources],
        "notes": event.notes,
        "url": url_for("pages.event", slug=event.slug, _external=True),
        "created_at": event.created_at.isoformat(),
        "updated_at": event.updated_at.isoformat(),
    }


CSV_COLUMNS = (
    "slug", "title", "category", "start", "end", "precision", "ongoing", "when", "earliest",
    "latest", "actors", "actor_slugs", "sources", "summary", "url",
)  # fmt: skip


def event_row(event: Event) -> tuple[str, ...]:
    """An event as one CSV row: actors as 'Name (role)' and sources as URLs, each list joined
    with '; ' so a spreadsheet keeps one event per row."""
    return (
        event.slug, event.title, event.category, event.start, event.end or "",
        event.precision.value, "yes" if event.ongoing else "no", event.span.in_words(),
        event.starts_on.isoformat(), "" if event.ongoing else event.ends_on.isoformat(),
        "; ".join(f"{link.actor.name} ({link.role.value})" for link in event.links),
        "; ".join(link.actor.slug for link in event.links),
        "; ".join(source.url for source in event.sources),
        event.summary, url_for("pages.event", slug=event.slug, _external=True),
    )  # fmt: skip


def actor_json(actor: Actor, events: int | None = None) -> dict[str, Any]:
    """An actor as the API gives it, with its aliases and, in lists, its published events."""
    shape = {
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind,
        "aliases": [alias.name for alias in actor.aliases],
        "description": actor.description,
        "homepage": actor.homepage,
        "url": url_for("pages.actor", slug=actor.slug, _external=True),
        "events_url": url_for("api.events", actor=actor.slug, _external=True),
    }
    if events is not None:
        shape["events"] = events
    return shape


def error_json(status: int, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """The one error shape under /api."""
    return {"error": {"status": status, "message": message, "fields": fields or {}}}


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else float(f"{value:.{digits}g}")


def cost_json(result: CostResult) -> dict[str, Any]:
    """A calculator answer: the run's size, time and cost, and every assumption behind them."""
    run, req = result.estimate, result.request
    eff = run.efficiency
    return {
        "inputs": {
            "model": req.model,
            **{name: getattr(req.arch, name) for name in ARCH_FIELDS},
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


def gpu_json(gpu: Gpu, trend: Trend | None) -> dict[str, Any]:
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
        "price_trend": None if trend is None else {
            "annual_change": _rounded(trend.annual_change),
            "fitted_on": trend.count,
            "scatter_log": _rounded(trend.sigma),
        },
    }  # fmt: skip


def api_price_json(row: ApiPriceRow) -> dict[str, Any]:
    return {
        "provider": row.provider, "product": row.product, "resolution": row.resolution,
        "width": row.width, "height": row.height, "usd_per_second": row.usd_per_second,
        "usd_per_video_minute": _rounded(row.usd_per_second * 60),
        "observed": row.observed, "note": row.note, "source": row.source,
    }  # fmt: skip


def llm_price_json(row: LlmPriceRow) -> dict[str, Any]:
    return {
        "model": row.model, "observed": row.observed, "usd_per_1k_input": row.usd_per_1k_input,
        "usd_per_1k_output": row.usd_per_1k_output, "source": row.source,
    }  # fmt: skip


def scenario_json(view: ScenarioView) -> dict[str, Any]:
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


def consistency_json(check: Consistency) -> dict[str, Any]:
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


def projection_json(projection: Projection) -> dict[str, Any]:
    a = projection.assumptions
    return {
        "unit": "usd_per_video_minute",
        "reference": {"model": a.workload.model, "gpu": a.gpu.slug,
                      "width": a.workload.clip.width, "height": a.workload.clip.height,
                      "clip_seconds": a.workload.clip.seconds},
        "price_trend": {"gpu": a.gpu.slug,
                        "annual_change": _rounded(projection.trend.annual_change),
                        "fitted_on": projection.trend.count,
                        "scatter_log": _rounded(projection.trend.sigma)},
        "cases": [
            {"name": c.name, "price_spread_sigmas": c.price_spread,
             "price_change_per_year_after_data": c.price_change,
             "hardware_gain_per_year_after_data": c.hardware_gain,
             "steps_halving_years": c.steps_halving_years, "steps_floor": c.steps_floor,
             "single_guidance_pass_from": c.single_pass_from}
            for c in a.cases
        ],
        "algorithms_from": a.algorithms_from,
        "series": [
            {"date": p.day.isoformat(), **{k: _rounded(v) for k, v in p.usd.items()},
             "steps": p.steps, "guidance_passes": p.passes,
             "usd_per_gpu_hour": {k: _rounded(v) for k, v in p.usd_per_gpu_hour.items()}}
            for p in projection.points
        ],
    }  # fmt: skip


def backtest_json(result: Backtest) -> dict[str, Any]:
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
             "projected": {k: _rounded(v) for k, v in c.projected.items()},
             "observed_over_projected": _rounded(c.ratio), "inside_band": c.inside}
            for c in result.checks
        ],
    }  # fmt: skip


def run_json(check: RunCheck) -> dict[str, Any]:
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


# The roles that make an actor the one who holds the event: it carries it out, or is a side.
LD_ORGANIZERS = (Role.SUBJECT, Role.PARTY)


def _ld_actor(actor: Actor) -> dict[str, Any]:
    kind = "Person" if actor.kind == "person" else "Organization"
    url = url_for("pages.actor", slug=actor.slug, _external=True)
    return {"@type": kind, "name": actor.name, "url": url}


def _ld_source(source: Source) -> dict[str, Any]:
    publisher = {"@type": "Organization", "name": source.publisher} if source.publisher else None
    found = {"name": source.title, "publisher": publisher, "datePublished": source.published}
    return {"@type": "CreativeWork", "url": source.url} | {k: v for k, v in found.items() if v}


def event_linked_data(event: Event) -> dict[str, Any]:
    """An event as schema.org JSON-LD. Dates keep their precision ("2024-03" stays a month), as
    ISO 8601 and schema.org allow; the sources are the works it is the subject of."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": event.start,
        "eventStatus": "https://schema.org/EventScheduled",  # it happened as it was dated
        "url": url_for("pages.event", slug=event.slug, _external=True),
        "subjectOf": [_ld_source(source) for source in event.sources],
    }
    if event.end:
        data["endDate"] = event.end
    organizers = [_ld_actor(link.actor) for link in event.links if link.role in LD_ORGANIZERS]
    if organizers:
        data["organizer"] = organizers
    return data
