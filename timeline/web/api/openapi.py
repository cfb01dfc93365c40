"""The OpenAPI 3 description of /api, built from the code that serves it.

Each API view carries a `Doc` (set by `@documented`): the parameters its parser reads and the
typed shape it answers with. The document walks the URL map, so a route cannot be served
without being described, and the response schemas come from the same TypedDicts that
`web/api/shapes.py` builds its answers as.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from pydantic import TypeAdapter
from typing_extensions import is_typeddict

JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Param:
    """One query (or path) parameter: what the view's parser reads, as a reader sees it."""

    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    repeatable: bool = False
    required: bool = False


@dataclass(frozen=True, slots=True)
class Doc:
    """What a view takes and answers with.

    `response` is a TypedDict (or any type pydantic can describe) for a JSON body, or None for
    a text body of `media_type`. `body` is the JSON request body's type, for writes;
    `headers` the request headers it reads; `etag` says its ETag is one record's version.
    """

    summary: str
    params: tuple[Param, ...] = ()
    response: Any = None
    media_type: str = JSON
    status: int = 200
    body: Any = None
    errors: tuple[int, ...] = ()
    token: bool = False
    tag: str = "events"
    headers: tuple[Param, ...] = ()
    etag: bool = False


def documented(summary: str = "", **kw: Any) -> Callable[[Callable], Callable]:
    """Attach a Doc to a view; the summary defaults to the docstring's first line."""

    def mark(view: Callable) -> Callable:
        first_line = (inspect.getdoc(view) or "").split("\n\n")[0].replace("\n", " ")
        view.openapi = Doc(summary=summary or first_line, **kw)  # type: ignore[attr-defined]
        return view

    return mark


def describe(view: Callable) -> Doc | None:
    return getattr(view, "openapi", None)


class Schemas:
    """The components/schemas section, filled as operations name their types."""

    def __init__(self) -> None:
        self.found: dict[str, Any] = {}

    def ref(self, kind: Any) -> dict[str, Any]:
        schema = TypeAdapter(kind).json_schema(
            ref_template="#/components/schemas/{model}", mode="serialization"
        )
        self.found.update(schema.pop("$defs", {}))
        if is_typeddict(kind):
            self.found[kind.__name__] = schema
            return {"$ref": f"#/components/schemas/{kind.__name__}"}
        return schema


ERROR_STATUS = {
    400: "Bad parameters: `error.fields` names each one",
    401: "No valid API token",
    403: "The token's account may not do this",
    404: "Nothing at this address",
    405: "Method not allowed",
    409: "The change conflicts with what is stored",
    412: "If-Match names a version that is no longer current: the ETag header has the current",
    413: "The body is larger than the API reads",
    429: "Too many requests: wait and retry",
}
ALWAYS = (404, 405, 429)


def _path(rule: str) -> tuple[str, list[str]]:
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), names


def _parameter(param: Param) -> dict[str, Any]:
    schema = {"type": "array", "items": param.schema} if param.repeatable else param.schema
    shape: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "description": param.description,
        "required": param.required,
        "schema": schema,
    }
    if param.repeatable:
        shape.update(style="form", explode=True)
    return shape


RECORD_ETAG = {
    "description": "The record's version: send it back as If-Match to change the record",
    "schema": {"type": "string"},
}


def _success(doc: Doc, schemas: Schemas) -> dict[str, Any]:
    if doc.status == 204:
        return {"description": "Done; no body"}
    content = schemas.ref(doc.response) if doc.response is not None else {"type": "string"}
    found = {"description": doc.summary, "content": {doc.media_type: {"schema": content}}}
    if doc.etag:
        found["headers"] = {"ETag": RECORD_ETAG}
    return found


def _operation(operation_id: str, names: list[str], doc: Doc, schemas: Schemas) -> dict[str, Any]:
    path_params = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
    ]
    responses: dict[str, Any] = {str(doc.status): _success(doc, schemas)}
    error_ref = {"$ref": "#/components/schemas/ErrorShape"}
    for status in sorted(set(doc.errors) | set(ALWAYS) | ({401, 403} if doc.token else set())):
        responses[str(status)] = {
            "description": ERROR_STATUS[status],
            "content": {JSON: {"schema": error_ref}},
        }
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": doc.summary,
        "tags": [doc.tag],
        "parameters": path_params
        + [_parameter(p) for p in doc.params]
        + [_parameter(p) | {"in": "header"} for p in doc.headers],
        "responses": responses,
    }
    if doc.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": schemas.ref(doc.body)}},
        }
    if doc.token:
        operation["security"] = [{"token": []}]
    return operation


def _operation_id(endpoint: str, method: str, path: str, taken: set[str]) -> str:
    """The view's name, made unique where one view answers at two addresses (`.json`)."""
    found = endpoint.replace(".", "_")
    if found in taken:
        found = method.lower() + "_" + re.sub(r"\W+", "_", path.strip("/"))
    taken.add(found)
    return found


def document(app: Flask, server: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for every route under /api.

    Raises LookupError naming a route whose view carries no Doc: an undescribed route is a bug.
    """
    from timeline.web.api.shapes import ErrorShape

    schemas = Schemas()
    schemas.ref(ErrorShape)
    paths: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        doc = describe(app.view_functions[rule.endpoint])
        if doc is None:
            raise LookupError(f"{rule.rule} ({rule.endpoint}) carries no @documented")
        path, names = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                _operation_id(rule.endpoint, method, path, taken), names, doc, schemas
            )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hollywood AI-adoption timeline API",
            "version": "1",
            "description": "Events, actors and the video-generation cost model, as data.",
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.found.items())),
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token made on your account page",
                }
            },
        },
    }
