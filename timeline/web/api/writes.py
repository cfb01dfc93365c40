"""Writing events through /api as the account whose API token the request carries.

A write goes the way of the editors' form: the JSON body is checked against the event
contract with the form's messages (services/events/body.py), then saved by the same service,
so it makes the same drafts and revisions. Only an `Authorization: Bearer` token authorises: the
session cookie is never read here, so another site cannot write through a logged-in browser,
and these views need no CSRF token.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from sqlalchemy.exc import IntegrityError
from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.db import db
from timeline.domain import Event, User
from timeline.services.accounts import tokens as api_tokens
from timeline.services.events import edits as event_edits
from timeline.services.events.body import Checked, check_body
from timeline.services.events.edits import EditRejected, SlugTaken
from timeline.services.events.queries import find_actor_by_name
from timeline.services.events.schema import (
    EXAMPLE,
    REQUIRED,
    EventRecord,
    body_shape,
    plain,
    record_of,
)
from timeline.services.imports.documents import Problem
from timeline.services.vocabulary import load_vocabulary
from timeline.web.api.openapi import documented
from timeline.web.api.shapes import EventShape, error_json, event_json
from timeline.web.errors import ApiError
from timeline.web.lookups import event_or_404
from timeline.web.security import csrf

FIX = "some fields need correcting: see error.fields"
EventInput = body_shape(
    "EventInput",
    """A new event, in the shape GET /api/events/{slug} answers with: dates as 2024, 2024-03
    or 2024-03-25, a category from /api/categories.""",
    REQUIRED,
    json_schema_extra={"examples": [EXAMPLE]},
)
EventChanges = body_shape(
    "EventChanges", "The fields to change; those left out keep their stored values.", ()
)

bp = Blueprint("api_writes", __name__, url_prefix="/api")
csrf.exempt(bp)  # a browser never sends a bearer token on its own, as it does a cookie

MAX_BODY = 256 * 1024  # far more than the longest event; a bigger body is refused unread


class EventEnvelope(TypedDict):
    event: EventShape  # as GET /api/events/{slug} gives it, drafts included


def _unauthorised(message: str, problem: str | None = None):
    challenge = 'Bearer realm="timeline"' + (f', error="{problem}"' if problem else "")
    return jsonify(error_json(401, message)), 401, {"WWW-Authenticate": challenge}


def _bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return (secret.strip() or None) if scheme.lower() == "bearer" else None


def token_required(view: Callable) -> Callable:
    """Run the view as the account whose live API token the request carries, passed as its
    first argument; anything else is a 401. The session cookie plays no part."""

    @wraps(view)
    def guarded(*args, **kwargs):
        secret = _bearer_secret()
        if secret is None:
            return _unauthorised("send an API token as 'Authorization: Bearer <token>'")
        user = api_tokens.user_for_token(db.session, secret)
        if user is None:
            return _unauthorised("that API token is unknown or revoked", "invalid_token")
        db.session.commit()  # its last use is kept even when the write is then refused
        return view(user, *args, **kwargs)

    return guarded


def _body() -> dict[str, Any]:
    request.max_content_length = MAX_BODY  # reading more raises a 413
    try:
        body = json.loads(request.get_data(cache=False) or b"null")
    except RecursionError:
        raise ApiError(400, "the body is JSON nested too deeply to read") from None
    except ValueError as exc:
        raise ApiError(400, f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object of event fields")
    return body


def _problems(problems: list[Problem]) -> dict[str, str]:
    """The importer's refusals by field, as the form shows them ('title' when it names none)."""
    found: dict[str, str] = {}
    for problem in problems:
        name = problem.field or "title"
        found[name] = f"{found[name]} {problem.message}" if name in found else problem.message
    return found


def _checked(body: dict[str, Any]) -> Checked:
    """The body read against the event contract; a 400 naming every bad field."""
    vocabulary = load_vocabulary(db.session)
    checked = check_body(
        body, vocabulary.categories, vocabulary.kinds,
        lambda slug: find_actor_by_name(db.session, slug) is not None,
    )  # fmt: skip
    if checked.errors:
        raise ApiError(400, FIX, checked.errors)
    return checked


def _write(user: User, body: dict, event: Event | None) -> Event:
    """Check and save as the admin form does: a 403 for an editor who publishes, a 409 for a
    likely duplicate unless confirmed, a 400 for what the importer refuses."""
    checked = _checked(body)
    if checked.publish and not user.is_admin:
        raise ApiError(403, "Only an admin may publish.")
    assert checked.record is not None
    record = replace(checked.record, slug=event.slug if event else _new_slug(checked.record))
    warnings = event_edits.likely_duplicates(db.session, record, event.id if event else None)
    if warnings and not checked.confirmed:
        found = " ".join(warnings)
        raise ApiError(409, f'{found} Send "confirm_duplicate": true to save it anyway.')
    try:
        saved = event_edits.save(db.session, record, user, checked.publish)
    except EditRejected as exc:
        db.session.rollback()
        raise ApiError(400, FIX, _problems(exc.problems)) from None
    except IntegrityError:  # another request took the slug or the actor's name meanwhile
        db.session.rollback()
        raise ApiError(409, "another change was saved at the same moment: send it again") from None
    db.session.commit()
    return saved


def _stored(event: Event) -> dict[str, Any]:
    """An event's fields as a body sends them, for a PATCH to change some of. Its status is
    left out: carried along, it would publish an admin's edit or refuse an editor's."""
    return plain(record_of(event))


def _new_slug(record: EventRecord) -> str:
    """The slug sent, or one made from the title; a slug another event holds is a 400."""
    try:
        return event_edits.new_slug(db.session, record.slug, record.title)
    except SlugTaken as exc:
        raise ApiError(400, FIX, {"slug": str(exc)}) from None


def _saved(event: Event, status: int = 200):
    location = url_for("api_writes.update_event", slug=event.slug, _external=True)
    return jsonify(event=event_json(event)), status, {"Location": location}


WRITE = dict(response=EventEnvelope, errors=(400, 409, 413), token=True, tag="writes")


@bp.post("/events")
@documented(body=EventInput, status=201, **WRITE)
@token_required
def create_event(user: User):
    """Add an event, as a draft for review; an admin may send "status": "published". A
    likely duplicate (a source another event cites, or a similar title within 30 days) is a
    409 naming it unless "confirm_duplicate" is true."""
    return _saved(_write(user, _body(), None), 201)


@bp.patch("/events/<slug>")
@documented(body=EventChanges, **WRITE)
@token_required
def update_event(user: User, slug: str):
    """Change an event, draft or published: the fields sent replace the stored ones, the rest
    stay. As with the editors' form, the result is a draft unless an admin sends "status":
    "published", and a likely duplicate is a 409 unless "confirm_duplicate" is true."""
    event = event_or_404(slug)
    body = _body()
    if body.get("slug") not in (None, event.slug):
        raise ApiError(400, FIX, {"slug": "an event's address does not change"})
    return _saved(_write(user, _stored(event) | body, event))


@bp.delete("/events/<slug>")
@documented(status=204, token=True, tag="writes")
@token_required
def delete_event(user: User, slug: str):
    """Delete an event, draft or published (admins only); its history stays."""
    if not user.is_admin:
        raise ApiError(403, "Only an admin may delete an event.")
    event_edits.delete(db.session, event_or_404(slug), user)
    db.session.commit()
    return "", 204
