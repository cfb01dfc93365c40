"""The cost endpoints answer in the shapes their OpenAPI description states, and read exactly
the parameters it names."""

import contextlib
import json
from typing import Any, get_args

import pytest
from flask import Flask
from pydantic import TypeAdapter

from timeline.costmodel.projection import CASES
from timeline.services.costs.data import CostData
from timeline.web.api import costs as api_costs
from timeline.web.api.cost_shapes import CaseName, UsdByCase
from timeline.web.api.openapi import describe, document
from timeline.web.api.shapes import ErrorShape
from timeline.web.cost_params import COST_PARAMS, PAGE_DEFAULTS, cost_request
from timeline.web.event_params import BadParameters

EXPLICIT = {
    "params": "14e9", "layers": "40", "hidden": "5120", "vae_t": "4", "vae_s": "8",
    "patch_t": "1", "patch_s": "2", "gpu": "h100-sxm", "gpus": "2", "precision": "bf16",
    "width": "1280", "height": "720", "seconds": "5", "fps": "16", "steps": "50",
    "guidance_passes": "2", "mfu": "0.5", "price_per_gpu_hour": "2", "date": "2025-06",
}  # fmt: skip
CALCULATOR_INPUTS = {
    "page defaults": PAGE_DEFAULTS,
    "four GPUs": PAGE_DEFAULTS | {"gpus": "4"},
    "fp8": PAGE_DEFAULTS | {"precision": "fp8"},
    "frames, not seconds": PAGE_DEFAULTS | {"frames": "81", "seconds": ""},
    "a price date before the records": PAGE_DEFAULTS | {"date": "2020"},
    "a GPU without prices": {"model": "hunyuanvideo", "gpu": "h20", "width": "1280",
                             "height": "720", "frames": "129"},
    "every input given": EXPLICIT,
}  # fmt: skip
NUMBERS = [p for p in COST_PARAMS if p.schema["type"] in ("integer", "number")]


def assert_shape(kind: Any, body: Any) -> None:
    """Strict, so a float where an integer is described, or a null where none is, fails; the
    equality catches keys the shape does not name, which pydantic drops from a TypedDict."""
    assert TypeAdapter(kind).validate_python(body, strict=True) == body


def described(app: Flask, endpoint: str) -> Any:
    """The response type the endpoint's OpenAPI description names."""
    doc = describe(app.view_functions[endpoint])
    assert doc is not None and doc.tag == "costs"
    return doc.response


def assert_refused(response, field: str) -> None:
    assert response.status_code == 400, response.json
    assert_shape(ErrorShape, response.json)
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize("args", CALCULATOR_INPUTS.values(), ids=CALCULATOR_INPUTS.keys())
def test_a_cost_answer_has_the_described_shape(seeded, app, client, args):
    response = client.get("/api/cost", query_string=args)
    assert response.status_code == 200, response.json
    assert_shape(described(app, "api_costs.cost"), response.json)


def test_a_missing_price_is_null_and_explained(seeded, client):
    body = client.get("/api/cost", query_string=CALCULATOR_INPUTS["a GPU without prices"]).json
    assert body["price_per_gpu_hour"] is body["cost_usd"] is body["usd_per_video_minute"] is None
    assert "price_per_gpu_hour" in body["assumptions"]["price_basis"]


def test_a_parameter_count_is_a_float_whether_named_or_given(seeded, client):
    named = client.get("/api/cost", query_string=PAGE_DEFAULTS).json["inputs"]["params"]
    given = client.get("/api/cost", query_string=EXPLICIT).json["inputs"]["params"]
    assert type(named) is type(given) is float


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "gpu"),
        (PAGE_DEFAULTS | {"gpus": "0"}, "gpus"),
        (PAGE_DEFAULTS | {"steps": "ten"}, "steps"),
        (PAGE_DEFAULTS | {"gpu": "a100-sxm", "precision": "fp8"}, "precision"),
    ],
)
def test_bad_calculator_inputs_get_the_error_shape(seeded, client, args, field):
    assert_refused(client.get("/api/cost", query_string=args), field)


@pytest.mark.parametrize(
    "url",
    ["/api/scenarios", "/api/scenarios/seed-8xa800", "/api/projections", "/api/gpus",
     "/api/prices", "/api/runs"],
)  # fmt: skip
def test_each_cost_list_has_the_described_shape(seeded, app, client, url):
    response = client.get(url)
    assert response.status_code == 200, response.json
    endpoint = app.url_map.bind("timeline.test").match(url)[0]
    assert_shape(described(app, endpoint), response.json)


@pytest.mark.parametrize("as_of", ["2024-06", "2026", "2030-01-15"])
def test_a_projection_as_of_a_day_has_the_described_shape(seeded, app, client, as_of):
    body = client.get("/api/projections", query_string={"as_of": as_of}).json
    assert_shape(described(app, "api_costs.projections"), body)


def test_a_backtest_with_no_later_price_has_null_errors(seeded, client):
    backtest = client.get("/api/projections", query_string={"as_of": "2030"}).json["backtest"]
    assert backtest["checks"] == []
    assert backtest["median_error_factor"] is backtest["share_inside_band"] is None


@pytest.mark.parametrize(("as_of", "why"), [("2023-13", "month"), ("2020", "no rental price")])
def test_a_bad_as_of_gets_the_error_shape(seeded, client, as_of, why):
    response = client.get("/api/projections", query_string={"as_of": as_of})
    assert_refused(response, "as_of")
    assert why in response.json["error"]["fields"]["as_of"]


def test_an_unknown_scenario_gets_the_error_shape(seeded, client):
    response = client.get("/api/scenarios/no-such-claim")
    assert response.status_code == 404
    assert_shape(ErrorShape, response.json)


def test_the_band_s_cases_are_the_described_ones(seeded, client):
    body = client.get("/api/projections").json
    assert tuple(case.name for case in CASES) == get_args(CaseName)
    assert [case["name"] for case in body["cases"]] == list(UsdByCase.__annotations__)


class ReadingLog(dict):
    """Query arguments that note every name the reader asks for."""

    def __init__(self, args: dict[str, str]):
        super().__init__(args)
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)


@pytest.mark.parametrize("args", [PAGE_DEFAULTS, EXPLICIT, {}], ids=["model", "explicit", "none"])
def test_the_reader_reads_exactly_the_described_parameters(seeded, session, args):
    log = ReadingLog(args)
    with contextlib.suppress(BadParameters):
        cost_request(log, CostData(session))
    assert log.asked == {param.name for param in COST_PARAMS}


def test_the_page_defaults_are_described_parameters():
    assert set(PAGE_DEFAULTS) <= {param.name for param in COST_PARAMS}


@pytest.mark.parametrize("name", [p.name for p in COST_PARAMS if p.required])
def test_a_parameter_described_as_required_is_required(seeded, client, name):
    args = {key: value for key, value in PAGE_DEFAULTS.items() if key != name}
    assert_refused(client.get("/api/cost", query_string=args), name)


@pytest.mark.parametrize("param", NUMBERS, ids=lambda p: p.name)
def test_a_number_is_read_as_its_described_type(seeded, client, param):
    response = client.get("/api/cost", query_string=PAGE_DEFAULTS | {param.name: "0.5"})
    if param.schema["type"] == "integer":
        assert_refused(response, param.name)
    else:
        assert response.status_code == 200, response.json


@pytest.mark.parametrize("param", NUMBERS, ids=lambda p: p.name)
def test_a_number_outside_its_described_range_is_refused(seeded, client, param):
    schema, whole = param.schema, param.schema["type"] == "integer"
    floor = schema.get("minimum", schema.get("exclusiveMinimum"))
    for value in (schema["maximum"] * 2, floor / 2 if floor else 0):
        text = str(int(value)) if whole else repr(float(value))
        assert_refused(client.get("/api/cost", query_string=PAGE_DEFAULTS | {param.name: text}),
                       param.name)  # fmt: skip


def test_the_document_describes_every_cost_endpoint():
    app = Flask(__name__)
    app.register_blueprint(api_costs.bp)
    spec = json.loads(json.dumps(document(app, "https://timeline.test")))
    operations = [op for path in spec["paths"].values() for op in path.values()]
    assert len(operations) == 7 and all(op["tags"] == ["costs"] for op in operations)
    cost = spec["paths"]["/api/cost"]["get"]
    assert [p["name"] for p in cost["parameters"]] == [p.name for p in COST_PARAMS]
    assert cost["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CostShape"
    }
    assert {"400", "404"} <= set(spec["paths"]["/api/projections"]["get"]["responses"])
    schemas = spec["components"]["schemas"]
    assert schemas["CostInputs"]["properties"]["frames"]["type"] == "integer"
    assert {"type": "null"} in schemas["CostShape"]["properties"]["cost_usd"]["anyOf"]
