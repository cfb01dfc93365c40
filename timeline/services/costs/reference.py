"""Loading the cost model's reference data (seeds/costmodel.yaml) into its tables.

Every record is checked against its section's fields first, every problem named by file,
record and field; only a file with none is applied, matched on each section's natural key, so
loading the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import Session

from timeline.dates import DateError, PartialDate
from timeline.domain.costs import (
    ApiPrice,
    Gpu,
    GpuPrice,
    LlmPrice,
    MeasuredRun,
    Scenario,
    VideoModel,
)
from timeline.services.imports.documents import ImportRejected, Problem, read_document


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, slug, int, number, date, or a section name it refers to
    required: bool = False
    positive: bool = False
    choices: tuple[str, ...] = ()
    column: str | None = None  # the model attribute, when it differs from the name
    default: Any = None  # what a record that leaves the field out means


def _numbers(*names: str, required: bool = True, kind: str = "number") -> list[Field]:
    return [Field(n, kind, required, positive=True) for n in names]


_GENERATIONS = ("ampere", "ada", "hopper", "blackwell")
_SOURCE = [Field("note"), Field("source")]


@dataclass(frozen=True)
class Section:
    name: str
    model: type
    key: tuple[str, ...]
    fields: list[Field]


SECTIONS = [
    Section("gpus", Gpu, ("slug",), [
        Field("slug", "slug", True), Field("name", required=True),
        Field("generation", required=True, choices=_GENERATIONS), Field("released", "date"),
        *_numbers("bf16_tflops"),
        *_numbers("fp8_tflops", "memory_gb", "bandwidth_tbs", "nvlink_gbs", required=False),
        Field("priced_like", "gpus", column="priced_like"), Field("source"),
    ]),
    Section("gpu_prices", GpuPrice, ("gpu", "observed"), [
        Field("gpu", "gpus", True), Field("observed", "date", True),
        *_numbers("usd_low", "usd_typical", "usd_high", required=False), *_SOURCE,
    ]),
    Section("video_models", VideoModel, ("slug",), [
        Field("slug", "slug", True), Field("name", required=True), Field("released", "date"),
        *_numbers("params"),
        *_numbers("layers", "hidden", "vae_t", "vae_s", "patch_t", "patch_s", kind="int"),
        *_numbers("steps", "guidance_passes", kind="int"), *_numbers("fps"), *_SOURCE,
    ]),
    Section("measured_runs", MeasuredRun, ("slug",), [
        Field("slug", "slug", True), Field("model", "video_models", True, column="video_model"),
        Field("gpu", "gpus", True),
        Field("purpose", required=True, choices=("calibration", "validation")),
        *_numbers("width", "height", "frames", "steps", "guidance_passes", "gpus", kind="int"),
        *_numbers("wall_seconds"), *_numbers("peak_memory_gb", required=False), *_SOURCE,
    ]),
    Section("api_prices", ApiPrice, ("provider", "product", "resolution", "observed"), [
        Field("provider", required=True), Field("product", required=True),
        Field("resolution", required=True), *_numbers("width", "height", kind="int"),
        *_numbers("usd_per_second"), Field("observed", "date", True), *_SOURCE,
    ]),
    Section("llm_prices", LlmPrice, ("model",), [
        Field("model", required=True), Field("observed", "date", True),
        *_numbers("usd_per_1k_input", "usd_per_1k_output"), Field("source"),
    ]),
    Section("scenarios", Scenario, ("slug",), [
        Field("slug", "slug", True), Field("claim", required=True),
        Field("observed", "date", True), *_SOURCE,
        Field("bound", choices=("about", "at_least", "at_most"), default="about"),
        *_numbers("usd_per_video_minute", "llm_usd_per_1k", "price_ratio", "wall_hours",
                  "gpu_hours_per_video_minute", required=False),
        Field("gpu", "gpus"), *_numbers("gpus", required=False, kind="int"),
        Field("model", "video_models", True, column="video_model"),
        *_numbers("width", "height", kind="int"), *_numbers("fps", "clip_seconds"),
    ]),
]  # fmt: skip

_TOP_LEVEL = {s.name for s in SECTIONS}


@dataclass
class CostReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{n} {name} created" for name, n in self.created.items() if n]
        parts += [f"{n} {name} updated" for name, n in self.updated.items() if n]
        return ", ".join(parts) or "nothing to change"


class _Record:
    """One record's checked values, with the problems found while reading it."""

    def __init__(self, file: str, index: int, raw: Any):
        self.file, self.index = file, index
        self.raw = raw if isinstance(raw, dict) else {}
        label = self.raw.get("slug") or self.raw.get("model") or self.raw.get("product")
        self.label = str(label) if label is not None else None
        self.values: dict[str, Any] = {}
        self.problems: list[Problem] = []
        if not isinstance(raw, dict):
            self.fail(None, f"expected a mapping of fields, got {type(raw).__name__}")

    def fail(self, name: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.index, self.label, name, message))


def _check_value(record: _Record, spec: Field, value: Any, known: dict[str, set[str]]) -> Any:
    """The value of one field, or None after recording why it cannot be used."""
    kind = spec.kind
    if kind in ("int", "number"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or (kind == "int" and value != int(value)):
            record.fail(spec.name, f"must be a {'whole ' if kind == 'int' else ''}number")
            return None
        if spec.positive and not value > 0:
            record.fail(spec.name, f"must be above zero, got {value}")
            return None
        return int(value) if kind == "int" else float(value)
    if kind == "date":
        try:
            return str(PartialDate.parse(f"{value:04d}" if isinstance(value, int) else value))
        except DateError as exc:
            record.fail(spec.name, str(exc))
            return None
    if not isinstance(value, str) or not value.strip():
        record.fail(spec.name, f"must be text, got {type(value).__name__}")
        return None
    value = value.strip()
    if kind == "slug" and slugify(value, regex_pattern=r"[^a-z0-9.]+") != value:
        record.fail(spec.name, f"{value!r} is not a slug: lowercase letters, digits, . and -")
    elif spec.choices and value not in spec.choices:
        record.fail(
            spec.name, f"unknown value {value!r}; expected one of {', '.join(spec.choices)}"
        )
    elif kind in known and value not in known[kind]:
        record.fail(spec.name, f"no {kind[:-1].replace('_', ' ')} {value!r} is known")
    return value


def _check_record(record: _Record, section: Section, known: dict[str, set[str]]) -> None:
    for spec in section.fields:
        value = record.raw.get(spec.name)
        if value is None:
            if spec.required:
                record.fail(spec.name, "is required")
            continue
        record.values[spec.name] = _check_value(record, spec, value, known)
    for extra in sorted(set(record.raw) - {f.name for f in section.fields}):
        record.fail(
            extra,
            f"unknown field; {section.name} records take: "
            + ", ".join(f.name for f in section.fields),
        )


def check_cost_document(name: str, document: Any, known: dict[str, set[str]]) -> dict[str, list]:
    """Every section's checked records; raises ImportRejected listing every problem."""
    if not isinstance(document, dict) or not set(document) <= _TOP_LEVEL:
        expected = ", ".join(s.name for s in SECTIONS)
        raise ImportRejected([Problem(name, None, None, None, f"expected a mapping of {expected}")])
    known = {k: set(v) for k, v in known.items()}
    for section in SECTIONS:  # records may refer to slugs defined earlier in the same file
        for raw in document.get(section.name) or []:
            if isinstance(raw, dict) and isinstance(raw.get("slug"), str):
                known.setdefault(section.name, set()).add(raw["slug"])
    checked: dict[str, list] = {}
    problems: list[Problem] = []
    for section in SECTIONS:
        records = document.get(section.name) or []
        if not isinstance(records, list):
            problems.append(Problem(name, None, None, section.name, "must be a list of records"))
            continue
        checked[section.name] = []
        for index, raw in enumerate(records, 1):
            record = _Record(f"{name} [{section.name}]", index, raw)
            _check_record(record, section, known)
            problems += record.problems
            checked[section.name].append(record)
    if problems:
        raise ImportRejected(problems)
    return checked


def _known_slugs(session: Session) -> dict[str, set[str]]:
    return {
        "gpus": set(session.scalars(select(Gpu.slug))),
        "video_models": set(session.scalars(select(VideoModel.slug))),
    }


class _Resolver:
    """Slug to row, for the references between sections, including rows made in this load."""

    def __init__(self, session: Session):
        self.session = session

    def __call__(self, kind: str, slug: str) -> Any:
        model = Gpu if kind == "gpus" else VideoModel
        return self.session.scalars(select(model).filter_by(slug=slug)).one()


def _apply(session: Session, section: Section, record: _Record, resolve: Callable) -> bool | None:
    """Create or update one row; True if created, False if changed, None if already equal."""
    values = {}
    for spec in section.fields:
        value = record.values.get(spec.name, spec.default)
        if spec.kind in ("gpus", "video_models") and value is not None:
            value = resolve(spec.kind, value)
        values[spec.column or spec.name] = value
    if hasattr(section.model, "position"):
        values["position"] = record.index
    key = {k: values[k] for k in section.key}
    row = session.scalars(select(section.model).filter_by(**key)).one_or_none()
    if row is None:
        session.add(section.model(**values))
        session.flush()
        return True
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for k in changed:
        setattr(row, k, values[k])
    session.flush()
    return False if changed else None


def load_costs(session: Session, path: Path) -> CostReport:
    """Check the whole file, then apply it in the caller's transaction."""
    checked = check_cost_document(str(path), read_document(path), _known_slugs(session))
    report = CostReport()
    resolve = _Resolver(session)
    for section in SECTIONS:
        for record in checked[section.name]:
            outcome = _apply(session, section, record, resolve)
            if outcome is not None:
                tally = report.created if outcome else report.updated
                tally[section.name] = tally.get(section.name, 0) + 1
    return report
