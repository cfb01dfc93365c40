"""Editing the cost model's reference rows by hand: GPU rental prices, observed API prices and
scenarios.

A row is checked by the very rules `flask import-costs` applies (services.costs.reference), then by
what the cost pages need to keep working: a price to convert at, complete pairs of inputs, a
GPU's last prices kept while the projection or a scenario relies on them. Messages read like
the importer's ("must be above zero, got -1.0"), keyed by the field they are about.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from timeline.dates import PartialDate
from timeline.domain.costs import ApiPrice, Gpu, GpuPrice, Scenario, VideoModel
from timeline.services.costs.data import BACKTEST_AS_OF, REFERENCE_GPU
from timeline.services.costs.reference import SECTIONS, Section, check_cost_document
from timeline.services.fields import url_problem
from timeline.services.imports.documents import ImportRejected

EDITABLE = {s.name: s for s in SECTIONS if s.name in ("gpu_prices", "api_prices", "scenarios")}
REFERENCES = {"gpus": Gpu, "video_models": VideoModel}
Problems = dict[str, list[str]]
Found = Iterator[tuple[str, str]]
# Text that opens like "javascript:" or "ftp://" is an address, so it must be a web one;
# anything else is a citation in words ("arXiv 2503.09642"), as the seed file has.
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_PRICES = ("usd_low", "usd_typical", "usd_high")
_FIGURES = {"usd_per_video_minute", "gpu_hours_per_video_minute", "wall_hours", "llm_usd_per_1k"}
MAX_INT = 2**31 - 1  # an INTEGER column


class CostEditRejected(Exception):
    """A change refused; `problems` names each field and what is wrong with it."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__("; ".join(m for ms in problems.values() for m in ms))


@dataclass(frozen=True)
class CostRows:
    gpu_prices: list[GpuPrice]
    api_prices: list[ApiPrice]
    scenarios: list[Scenario]


def listing(session: Session) -> CostRows:
    """The three editable tables, each in the order a reader scans it."""
    gpu_prices = select(GpuPrice).join(GpuPrice.gpu).order_by(Gpu.name, GpuPrice.observed)
    api_prices = select(ApiPrice).order_by(ApiPrice.provider, ApiPrice.product, ApiPrice.observed)
    scenarios = select(Scenario).order_by(Scenario.position, Scenario.id)
    return CostRows(
        list(session.scalars(gpu_prices.options(selectinload(GpuPrice.gpu)))),
        list(session.scalars(api_prices)),
        list(session.scalars(scenarios.options(selectinload(Scenario.video_model)))),
    )


def options(session: Session, kind: str) -> list[tuple[str, str]]:
    """(slug, name) of every GPU ("gpus") or video model ("video_models"), by name."""
    model = REFERENCES[kind]
    return [(row.slug, row.name) for row in session.scalars(select(model).order_by(model.name))]


def get_row(session: Session, section: str, row_id: int) -> Any:
    """One row of an editable section by id, or None."""
    return session.get(EDITABLE[section].model, row_id)


def record_of(section: str, row: Any) -> dict[str, Any]:
    """A row as an import record: the seed file's field names, slugs for references."""
    record = {}
    for spec in EDITABLE[section].fields:
        value = getattr(row, spec.column or spec.name)
        record[spec.name] = value.slug if spec.kind in REFERENCES and value else value
    return record


def problems(session: Session, section: str, values: dict[str, Any], row: Any = None) -> Problems:
    """Everything wrong with `values` as the new content of `row`, or of a new row."""
    return _review(session, EDITABLE[section], values, row)[1]


def save(session: Session, section: str, values: dict[str, Any], row: Any = None) -> Any:
    """Write `values` to `row`, or to a new row; raises CostEditRejected, writing nothing."""
    spec = EDITABLE[section]
    checked, found = _review(session, spec, values, row)
    if found:
        raise CostEditRejected(found)
    columns = _columns(session, spec, checked)
    if row is None:
        row = spec.model()
        if isinstance(row, Scenario):
            row.position = (session.scalar(select(func.max(Scenario.position))) or 0) + 1
    for name, value in columns.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return row


def delete(session: Session, row: Any) -> None:
    """Remove a row; raises CostEditRejected when the cost pages still need this price."""
    if isinstance(row, GpuPrice) and (reason := _still_needed(session, row, None)):
        raise CostEditRejected({"gpu": [reason]})
    session.delete(row)
    session.flush()


def _review(
    session: Session, spec: Section, values: dict[str, Any], row: Any
) -> tuple[dict[str, Any], Problems]:
    """The checked values and every problem: the importer's, then the pages' needs on the
    fields the importer let through (one message a field is enough)."""
    checked, found = _import_check(session, spec, values)
    refused = set(found)
    for check in (_fits_columns, _web_source, _duplicate, *_RULES.get(spec.name, ())):
        for name, message in check(session, spec, checked, row):
            if name not in refused:
                found.setdefault(name, []).append(message)
    return checked, found


def _import_check(
    session: Session, spec: Section, values: dict[str, Any]
) -> tuple[dict[str, Any], Problems]:
    """The values as `flask import-costs` reads them and the problems it would report; with
    problems, the values are those of the fields it did not complain about."""
    record = {}
    for name, value in values.items():
        value = value.strip() if isinstance(value, str) else value
        if value not in (None, ""):  # blank is left out, as a record that omits the field
            record[name] = value
    known = {kind: {slug for slug, _ in options(session, kind)} for kind in REFERENCES}
    try:
        checked = check_cost_document(spec.name, {spec.name: [record]}, known)
    except ImportRejected as exc:
        found: Problems = {}
        for problem in exc.problems:
            found.setdefault(problem.field or "", []).append(problem.message)
        return {k: v for k, v in record.items() if k not in found}, found
    return checked[spec.name][0].values, {}


def _columns(session: Session, spec: Section, checked: dict[str, Any]) -> dict[str, Any]:
    """Model attributes from checked values; a field left out takes the importer's default."""
    columns = {}
    for field in spec.fields:
        value = checked.get(field.name, field.default)
        if field.kind in REFERENCES and value is not None:
            model = REFERENCES[field.kind]
            value = session.scalars(select(model).filter_by(slug=value)).one()
        columns[field.column or field.name] = value
    return columns


def _fits_columns(_session, spec: Section, checked: dict[str, Any], _row) -> Found:
    """What the importer lets through but a column cannot hold (PostgreSQL would refuse it)."""
    for field in spec.fields:
        value = checked.get(field.name)
        column = spec.model.__table__.columns.get(field.column or field.name)
        length = getattr(column.type, "length", None) if column is not None else None
        if isinstance(value, float) and not math.isfinite(value):
            yield field.name, "must be a finite number"
        elif isinstance(value, int) and value > MAX_INT:
            yield field.name, f"must be at most {MAX_INT}"
        elif isinstance(value, str) and length and len(value) > length:
            yield field.name, f"has at most {length} characters"


def _web_source(_session, _spec, checked: dict[str, Any], _row) -> Found:
    source = checked.get("source")
    if source and _SCHEME.match(source) and (problem := url_problem(source)):
        yield "source", problem


def _duplicate(session: Session, spec: Section, checked: dict[str, Any], row: Any) -> Found:
    if any(name not in checked for name in spec.key):
        return
    columns = _columns(session, spec, checked)
    key = {name: columns[name] for name in spec.key}
    same = session.scalars(select(spec.model).filter_by(**key)).first()
    if same is None or same is row:
        return
    if isinstance(same, GpuPrice):
        yield "observed", f"{same.gpu.name} already has a price observed {same.observed}"
    elif isinstance(same, ApiPrice):
        product = f"{same.provider} {same.product} at {same.resolution}"
        yield "observed", f"{product} already has a price observed {same.observed}"
    else:
        yield "slug", f"there is already a scenario {same.slug!r}"


def _some_price(_session, _spec, checked: dict[str, Any], _row) -> Found:
    if all(checked.get(name) is None for name in _PRICES):
        yield "usd_typical", "give at least one price: low, typical or high"


def _price_order(_session, _spec, checked: dict[str, Any], _row) -> Found:
    given = [(name, checked[name]) for name in _PRICES if checked.get(name) is not None]
    for (lower, low), (name, value) in pairwise(given):
        if value < low:
            label = lower.removeprefix("usd_")
            yield name, f"must be at least the {label} price, {low:g}"


def _gpu_keeps_prices(session: Session, _spec, checked: dict[str, Any], row: Any) -> Found:
    if row is None or "gpu" not in checked or "observed" not in checked:
        return
    after = (checked["gpu"], checked["observed"])
    if reason := _still_needed(session, row, after):
        yield ("observed" if after[0] == row.gpu.slug else "gpu"), reason


def _still_needed(session: Session, price: GpuPrice, after: tuple[str, str] | None) -> str | None:
    """Why the cost pages need this price where it is, or None. `after` is the GPU and date it
    would have (None: deleted). The backtest fits a trend through the reference GPU's prices
    known on BACKTEST_AS_OF, which takes two; a scenario converts at its GPU's price."""
    gpu = price.gpu
    if gpu.slug == REFERENCE_GPU:
        dates = [p.observed for p in gpu.prices if p is not price]
        dates += [after[1]] if after and after[0] == gpu.slug else []
        if sum(PartialDate.parse(d).latest <= BACKTEST_AS_OF for d in dates) < 2:
            by = PartialDate.parse(BACKTEST_AS_OF.isoformat()).in_words()
            return f"the cost page's backtest needs two {gpu.name} prices observed by {by}"
    if (after and after[0] == gpu.slug) or len(gpu.prices) > 1:
        return None
    relying = session.scalars(
        select(Scenario)
        .join(Scenario.gpu)
        .where(or_(Gpu.id == gpu.id, Gpu.priced_like_id == gpu.id))
    )
    slugs = [s.slug for s in relying if s.gpu is gpu or not s.gpu.prices]
    if slugs:
        return f"this is {gpu.name}'s last price, and scenario {', '.join(slugs)} converts at it"
    return None


def _figure(_session, _spec, checked: dict[str, Any], _row) -> Found:
    if not any(checked.get(name) is not None for name in _FIGURES):
        yield (
            "usd_per_video_minute",
            (
                "give a figure: USD or GPU-hours per video-minute, wall hours with the number of"
                " GPUs, or an LLM price with a price ratio"
            ),
        )


def _pairs(_session, _spec, checked: dict[str, Any], _row) -> Found:
    """Inputs that mean something only together: hours need a GPU count, a ratio a price."""
    for first, second in (("wall_hours", "gpus"), ("llm_usd_per_1k", "price_ratio")):
        if (checked.get(first) is None) != (checked.get(second) is None):
            missing, given = (second, first) if checked.get(second) is None else (first, second)
            yield missing, f"is required with {given.replace('_', ' ')}"


def _gpu_priced(session: Session, _spec, checked: dict[str, Any], _row) -> Found:
    slug = checked.get("gpu")
    gpu = session.scalars(select(Gpu).filter_by(slug=slug)).one() if slug else None
    if gpu is not None and not (gpu.prices or (gpu.priced_like and gpu.priced_like.prices)):
        yield "gpu", f"{gpu.name} has no rental price to convert at: add one first"


Check = Callable[[Session, Section, dict[str, Any], Any], Found]
_RULES: dict[str, tuple[Check, ...]] = {
    "gpu_prices": (_some_price, _price_order, _gpu_keeps_prices),
    "scenarios": (_figure, _pairs, _gpu_priced),
}
