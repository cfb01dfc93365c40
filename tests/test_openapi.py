"""The OpenAPI document: complete, valid, honoured by every answer (checked by Schemathesis),
and readable as a reference page."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from timeline import create_app
from timeline.web.api.openapi import document

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operations() -> list[tuple[str, str]]:
    """Every described operation, known when tests are collected (the document needs no
    database), so each gets its own test and its own report."""
    # A key given, so that building this app writes no secret_key into the instance folder.
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "collection-only"})
    described = document(app, "http://timeline.test")
    return [(m.upper(), path) for path, methods in described["paths"].items() for m in methods]


@pytest.fixture
def api_schema(app, seeded):
    """The served document, loaded by Schemathesis, over the project's seed data."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.fixture
def admin_token(session, accounts) -> str:
    """An admin's API token, so generated writes get past the door and meet the validation."""
    from timeline.services.accounts import tokens as api_tokens

    _, secret = api_tokens.create(session, accounts["admin"], "schemathesis")
    session.commit()
    return secret


@pytest.mark.parametrize("method, path", _operations())
def test_every_answer_keeps_to_the_document(api_schema, admin_token, method, path):
    operation = api_schema[path][method]
    # Schemathesis asks for gzip as `requests` does, but its WSGI transport hands the checks
    # the bytes undecoded: ask for the plain body (tests/test_compression.py covers encoding).
    headers = {"Authorization": f"Bearer {admin_token}", "Accept-Encoding": "identity"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,  # each run starts afresh: no example store written into the checkout
    )
    def answers(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    answers()


def test_every_api_route_is_described(app, client):
    document = client.get("/api/openapi.json").get_json()
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(path, m) for path, methods in document["paths"].items() for m in methods}
    assert served == described
    ids = [op["operationId"] for methods in document["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))


def test_the_document_names_every_filter_the_listing_reads(client):
    document = client.get("/api/openapi.json").get_json()
    listed = document["paths"]["/api/events"]["get"]
    names = {p["name"] for p in listed["parameters"]}
    assert {"from", "to", "category", "actor", "kind", "q", "sort", "cursor", "limit",
            "fields", "total"} <= names  # fmt: skip
    answer = listed["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/EventList"}
    event = document["components"]["schemas"]["EventShape"]
    assert event["properties"]["precision"]["enum"] == ["year", "month", "day"]
    assert set(listed["responses"]) >= {"200", "400", "404", "405", "429"}


def test_the_reference_page_lists_endpoints_parameters_and_shapes(client):
    html = client.get("/docs/api").get_data(as_text=True)
    assert "<code>GET /api/events</code>" in html
    assert "<code>sort</code>" in html and "-start,title" in html
    assert 'id="schema-EventShape"' in html
    assert 'href="/api/openapi.json"' in html
