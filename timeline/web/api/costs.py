"""The cost model's JSON endpoints."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, jsonify, request
from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.costmodel.compute import CostInputError
from timeline.costmodel.prices import NoPrice
from timeline.db import db
from timeline.services.costs.calculator import evaluate
from timeline.services.costs.data import BACKTEST_AS_OF, CostData
from timeline.web.api import cost_shapes, reference_shapes
from timeline.web.api.openapi import Param, documented
from timeline.web.cost_params import COST_PARAMS, cost_request
from timeline.web.event_params import PARTIAL_DATE, BadParameters, date_parameter

bp = Blueprint("api_costs", __name__, url_prefix="/api")

AS_OF = Param(
    "as_of",
    "Draw the band, and backtest it, from only the price records known on this day: a year, "
    "month or day (its last day); all records and a 2025-01-01 backtest if left out",
    PARTIAL_DATE,
)


class ScenarioList(TypedDict):
    """Every claim in the order they are listed, and every pair of wall-time claims on
    different GPUs, slower GPU first."""

    scenarios: list[reference_shapes.ScenarioShape]
    consistency: list[reference_shapes.ConsistencyShape]


class OneScenario(TypedDict):
    scenario: reference_shapes.ScenarioShape


class ProjectionReport(cost_shapes.ProjectionShape):
    """The band of cost per video-minute and its backtest, drawn as of `as_of` (null: from
    every record)."""

    backtest: cost_shapes.BacktestShape
    as_of: str | None


class GpuList(TypedDict):
    gpus: list[reference_shapes.GpuShape]


class PriceLists(TypedDict):
    api_prices: list[reference_shapes.ApiPriceShape]
    llm_prices: list[reference_shapes.LlmPriceShape]


class RunList(TypedDict):
    """The measured runs, and the overhead factor the calibration runs set (1 without any)."""

    overhead: float
    runs: list[reference_shapes.RunShape]


@bp.get("/cost")
@documented(params=COST_PARAMS, response=cost_shapes.CostShape, errors=(400,), tag="costs")
def cost():
    """What one clip costs and takes on given hardware, with every assumption."""
    data = CostData(db.session)
    try:
        result = evaluate(data, cost_request(request.args, data))
    except CostInputError as exc:
        raise BadParameters(exc.fields) from None
    return jsonify(cost_shapes.cost_json(result))


@bp.get("/scenarios")
@documented(response=ScenarioList, tag="costs")
def scenarios():
    """Every published claim, restated in common units, with what the model implies."""
    data = CostData(db.session)
    body: ScenarioList = {
        "scenarios": [reference_shapes.scenario_json(view) for view in data.scenarios()],
        "consistency": [reference_shapes.consistency_json(check) for check in data.consistencies()],
    }
    return jsonify(body)


@bp.get("/scenarios/<slug>")
@documented(response=OneScenario, tag="costs")
def scenario(slug: str):
    """One published claim by its id, restated, with what the model implies."""
    data = CostData(db.session)
    row = next((r for r in data.scenario_rows if r.slug == slug), None)
    if row is None:
        abort(404, description=f"no scenario {slug!r}")
    body: OneScenario = {"scenario": reference_shapes.scenario_json(data.scenario(row))}
    return jsonify(body)


def _as_of() -> dt.date | None:
    errors: dict[str, str] = {}
    day = date_parameter(request.args, AS_OF.name, errors)
    if errors:
        raise BadParameters(errors)
    return day.latest if day else None


@bp.get("/projections")
@documented(params=(AS_OF,), response=ProjectionReport, errors=(400,), tag="costs")
def projections():
    """The band of cost per video-minute to 2030, and its backtest against API prices.

    `as_of` draws the band from only the price records known on that day."""
    data = CostData(db.session)
    as_of = _as_of()
    try:
        body: ProjectionReport = {
            **cost_shapes.projection_json(data.projection(as_of)),
            "backtest": cost_shapes.backtest_json(data.backtest(as_of or BACKTEST_AS_OF)),
            "as_of": as_of.isoformat() if as_of else None,
        }
    except NoPrice as exc:
        raise BadParameters({AS_OF.name: f"{exc} by {as_of}: choose a later date"}) from None
    return jsonify(body)


@bp.get("/gpus")
@documented(response=GpuList, tag="costs")
def gpus():
    """GPUs with their specs, rental prices and fitted price trend."""
    data = CostData(db.session)
    body: GpuList = {"gpus": []}
    for row in data.gpu_rows:
        trend = data.prices.trend(row.slug) if row.prices else None
        body["gpus"].append(reference_shapes.gpu_json(row, trend))
    return jsonify(body)


@bp.get("/prices")
@documented(response=PriceLists, tag="costs")
def prices():
    """Observed list prices for generated video, and the LLM prices the seed's ratio uses."""
    data = CostData(db.session)
    body: PriceLists = {
        "api_prices": [reference_shapes.api_price_json(row) for row in data.api_rows],
        "llm_prices": [reference_shapes.llm_price_json(row) for row in data.llm_rows],
    }
    return jsonify(body)


@bp.get("/runs")
@documented(response=RunList, tag="costs")
def runs():
    """Published measured runs, each with the model's prediction for it."""
    data = CostData(db.session)
    body: RunList = {
        "overhead": data.overhead,
        "runs": [reference_shapes.run_json(c) for c in data.validation()],
    }
    return jsonify(body)
