"""The cost model's JSON endpoints."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from timeline.costmodel.compute import CostInputError
from timeline.costmodel.prices import NoPrice
from timeline.db import db
from timeline.domain.dates import DateError, PartialDate
from timeline.services.calculator import evaluate
from timeline.services.costs import BACKTEST_AS_OF, CostData
from timeline.web import shapes
from timeline.web.cost_query import cost_request
from timeline.web.query import BadParameters

bp = Blueprint("api_costs", __name__, url_prefix="/api")


@bp.get("/cost")
def cost():
    """What one clip costs and takes on given hardware, with every assumption."""
    data = CostData(db.session)
    try:
        result = evaluate(data, cost_request(request.args, data))
    except CostInputError as exc:
        raise BadParameters(exc.fields) from None
    return jsonify(shapes.cost_json(result))


@bp.get("/scenarios")
def scenarios():
    """Every published claim, restated in common units, with what the model implies."""
    data = CostData(db.session)
    return jsonify(
        scenarios=[shapes.scenario_json(view) for view in data.scenarios()],
        consistency=[shapes.consistency_json(check) for check in data.consistencies()],
    )


@bp.get("/scenarios/<slug>")
def scenario(slug: str):
    data = CostData(db.session)
    row = next((r for r in data.scenario_rows if r.slug == slug), None)
    if row is None:
        abort(404, description=f"no scenario {slug!r}")
    return jsonify(scenario=shapes.scenario_json(data.scenario(row)))


def _as_of(name: str):
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return PartialDate.parse(text).latest
    except DateError as exc:
        raise BadParameters({name: str(exc)}) from None


@bp.get("/projections")
def projections():
    """The band of cost per video-minute to 2030, and its backtest against API prices.

    `as_of` draws the band from only the price records known on that day."""
    data = CostData(db.session)
    as_of = _as_of("as_of")
    try:
        body = shapes.projection_json(data.projection(as_of))
        body["backtest"] = shapes.backtest_json(data.backtest(as_of or BACKTEST_AS_OF))
    except NoPrice as exc:
        raise BadParameters({"as_of": f"{exc} by {as_of}: choose a later date"}) from None
    body["as_of"] = as_of.isoformat() if as_of else None
    return jsonify(body)


@bp.get("/gpus")
def gpus():
    """GPUs with their specs, rental prices and fitted price trend."""
    data = CostData(db.session)
    body = []
    for row in data.gpu_rows:
        trend = data.prices.trend(row.slug) if row.prices else None
        body.append(shapes.gpu_json(row, trend))
    return jsonify(gpus=body)


@bp.get("/prices")
def prices():
    """Observed list prices for generated video, and the LLM prices the seed's ratio uses."""
    data = CostData(db.session)
    return jsonify(
        api_prices=[shapes.api_price_json(row) for row in data.api_rows],
        llm_prices=[shapes.llm_price_json(row) for row in data.llm_rows],
    )


@bp.get("/runs")
def runs():
    """Published measured runs, each with the model's prediction for it."""
    data = CostData(db.session)
    return jsonify(overhead=data.overhead, runs=[shapes.run_json(c) for c in data.validation()])
