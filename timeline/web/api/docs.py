"""The API described: the OpenAPI document and the reference page people read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template, request

from timeline.web.api.openapi import document, documented

bp = Blueprint("api_docs", __name__)


def _described() -> dict[str, Any]:
    """The document for this host; built once per host, since routes do not change."""
    server = request.host_url.rstrip("/")
    built = current_app.extensions.setdefault("openapi", {})
    if server not in built:
        built[server] = document(current_app, server)
    return built[server]


@bp.get("/api/openapi.json")
@documented(response=dict[str, Any], tag="about")
def openapi():
    """This document: the API in OpenAPI 3.1, generated from the code that serves it."""
    return jsonify(_described())


@bp.get("/docs/api")
def reference():
    """The API reference, drawn from the same document."""
    return render_template("api/reference.html", api=_described())


def type_name(schema: dict[str, Any] | bool) -> str:
    """A JSON Schema type as a reader says it: `string or null`, `list of LinkShape`..."""
    if isinstance(schema, bool):  # `true` is JSON Schema for "anything"
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_name(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f"{v}" for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_name(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        return f"map of {type_name(schema['additionalProperties'])}"
    return kind


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(type_name, "schema_type")
