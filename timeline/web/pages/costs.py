"""The cost page: a calculator (a GET form, so every answer has a URL), the claims side by
side, the measured runs the model is checked against, and the projection chart."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request

from timeline.costmodel.compute import CostInputError
from timeline.db import db
from timeline.services.costs.calculator import CostResult, evaluate
from timeline.services.costs.data import CostData
from timeline.web.charts.cost_chart import Observation, cost_chart
from timeline.web.cost_params import PAGE_DEFAULTS, cost_request
from timeline.web.event_params import BadParameters, date_parameter

bp = Blueprint("costs", __name__)

CHART_END = dt.date(2030, 12, 31)


def _calculate(data: CostData) -> tuple[CostResult | None, dict[str, str], dict[str, str]]:
    """The answer for the form's values (the defaults on a first visit), or its errors."""
    args = request.args.to_dict() or PAGE_DEFAULTS
    try:
        return evaluate(data, cost_request(args, data)), {}, args
    except (BadParameters, CostInputError) as exc:
        return None, exc.fields, args


def observations(data: CostData, scenarios, page: str = "") -> list[Observation]:
    """API list prices and restated claims, in dollars per video-minute, to plot on the band."""
    marks = [
        Observation(
            price.day,
            price.usd_per_video_minute,
            f"{price.provider} {price.product}",
            f"{price.provider} {price.product} ({price.resolution}), {price.when.in_words()}: "
            f"${price.usd_per_second:g}/s = ${price.usd_per_video_minute:,.2f} per minute",
            "price",
        )
        for price in data.api_prices
    ]
    marks += [
        Observation(
            view.claim.day, view.restated.usd_per_video_minute, view.row.slug,
            f"{view.row.claim} ({view.claim.when.in_words()}): "
            f"${view.restated.usd_per_video_minute:,.2f} per video-minute",
            "claim", f"{page}#scenario-{view.row.slug}",
        )
        for view in scenarios
    ]  # fmt: skip
    return marks


def chart_window(data: CostData) -> tuple[dt.date, dt.date, dict[str, str]]:
    """The chart's window from `from` and `to`, defaulting to the first data point and 2030."""
    errors: dict[str, str] = {}
    asked_from = date_parameter(request.args, "from", errors)
    asked_to = date_parameter(request.args, "to", errors)
    first = asked_from.earliest if asked_from else data.assumptions.start
    last = asked_to.latest if asked_to else CHART_END
    if last <= first:
        errors["to"] = "the window must end after it starts"
        first, last = data.assumptions.start, CHART_END
    return first, last, errors


@bp.get("/cost")
def calculator():
    data = CostData(db.session)
    result, errors, values = _calculate(data)
    scenarios = data.scenarios()
    first, last, window_errors = chart_window(data)
    projection = data.projection()
    chart = cost_chart(projection, observations(data, scenarios), first, last)
    return render_template(
        "costs/calculator.html",
        data=data, result=result, errors=errors | window_errors, values=values,
        scenarios=scenarios, consistencies=data.consistencies(), chart=chart,
        projection=projection, backtest=data.backtest(), runs=data.validation(),
        model_options=[(m.slug, m.name) for m in data.model_rows],
        gpu_options=[(g.slug, g.name) for g in data.gpu_rows],
    )  # fmt: skip
