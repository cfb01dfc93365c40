"""Writing events through /api as the account whose API token the request carries.

A write goes the way of the editors' form: the JSON body is checked against the event
contract with the form's messages (services/events/body.py), then saved by the same service,
so it makes the same drafts, pending changes and revisions. Only an `Authorization: Bearer`
token authorises: the session cookie is never read here, so another site cannot write through
a logged-in browser, and these views need no CSRF token.

Every answer carries the event's version as its ETag. A PATCH or DELETE with `If-Match` is
refused with a 412 unless it names the current version; one without is applied to the event
as it stands when the write runs, after any change that committed first, so two concurrent
writes never both succeed with one of them lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any, NotRequired

from flask import Blueprint, jsonify, request, url_for
from sqlalchemy.exc import IntegrityError
from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.db import db
from timeline.domain import Event, Revision, User
from timeline.services.accounts import tokens as api_tokens
from timeline.services.events import edits as event_edits
from timeline.services.events.body import Checked, check_body
from timeline.services.events.edits import EditRejected, SlugTaken
from timeline.services.events.queries import find_actor_by_name
from timeline.services.events.review import PendingChange
from timeline.services.events.schema import (
    EXAMPLE,
    REQUIRED,
    EventRecord,
    body_shape,
)
from timeline.services.imports.documents import Problem
from timeline.services.revisions import VersionConflict
from timeline.web import lookups
from timeline.web.api.openapi import Param, documented
from timeline.web.api.record_tags import matches, record_etag, stamped
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
# How often a write without If-Match is tried again when another change of the same event
# committed first: each retry means another writer finished, so this many covers that many
# writers at once; beyond it, a 409 asks the client to send it again.
ATTEMPTS = 16
IF_MATCH = Param(
    "If-Match",
    """The ETag of the event as you read it (from GET /api/events/{slug} or a write's answer):
    the write is refused with a 412 if the event changed since. Without it, the write applies
    to the event as it stands when it runs.""",
)


class PendingShape(TypedDict):
    """A change of a published event waiting for an admin's review. Until it is approved the
    public site and the API show the event as published (`event` beside this)."""

    proposed_by: str | None
    proposed_at: str
    changes: dict[str, list[Any]]  # each field the change makes: [as published, as proposed]


class EventEnvelope(TypedDict):
    event: EventShape  # as GET /api/events/{slug} gives it, drafts included
    pending: NotRequired[PendingShape]  # when the write is a change waiting for review


class PreconditionFailed(ApiError):
    """A write whose If-Match names a version of the event that is no longer current."""

    def __init__(self, event: Event):
        message = "the event changed since the version your If-Match names: read it again"
        current = f"the current version is {record_etag(event)!r}"
        super().__init__(412, message, {"If-Match": current})
        self.event = event


@bp.errorhandler(PreconditionFailed)
def _stale(exc: PreconditionFailed):
    response = jsonify(error_json(412, exc.message, exc.fields))
    response.set_etag(record_etag(exc.event))
    return response, 412


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
        if db.session.dirty:  # its last use was noted: kept even when the write is refused
            db.session.commit()  # a write's own transaction, and the lock it holds, start anew
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
    vocabulary = lookups.vocabulary()
    checked = check_body(
        body, vocabulary.categories, vocabulary.kinds,
        lambda slug: find_actor_by_name(db.session, slug) is not None,
    )  # fmt: skip
    if checked.errors:
        raise ApiError(400, FIX, checked.errors)
    return checked


def _write(user: User, body: dict, event: Event | None, status: int = 200):
    """Check and save as the admin form does: a 403 for an editor who publishes, a 409 for a
    likely duplicate unless confirmed, a 400 for what the importer refuses; raises
    VersionConflict when the event moved on from the version read. The answer is built
    before the commit, so it shows the version this write made, not a later one."""
    checked = _checked(body)
    if checked.publish and not user.is_admin:
        raise ApiError(403, "Only an admin may publish.")
    assert checked.record is not None
    record = replace(checked.record, slug=event.slug if event else _new_slug(checked.record))
    if not checked.confirmed:  # a confirmed write is saved whatever the check would find
        _refuse_duplicate(record, event)
    try:
        expected = event.version if event else None
        saved, proposal = event_edits.change(
            db.session, record, user, checked.publish, expected=expected, existing=event,
            new=event is None,  # _new_slug found the slug free
        )  # fmt: skip
    except EditRejected as exc:
        db.session.rollback()
        raise ApiError(400, FIX, _problems(exc.problems)) from None
    except IntegrityError:  # another request took the slug or the actor's name meanwhile
        db.session.rollback()
        raise ApiError(409, "another change was saved at the same moment: send it again") from None
    answer = _saved(saved, status, proposal)
    db.session.commit()
    return answer


def _refuse_duplicate(record: EventRecord, event: Event | None) -> None:
    """A 409 naming each likely duplicate of the record, if any."""
    warnings = event_edits.likely_duplicates(db.session, record, event.id if event else None)
    if warnings:
        found = " ".join(warnings)
        raise ApiError(409, f'{found} Send "confirm_duplicate": true to save it anyway.')


def _stored(event: Event) -> dict[str, Any]:
    """An event's fields as a body sends them, for a PATCH to change some of: its latest
    text, a change waiting for review included, so successive PATCHes build on each other.
    Its status is left out: carried along, it would publish an admin's edit or refuse an
    editor's."""
    text = event_edits.current_text(db.session, event)
    return {name: value for name, value in text.items() if name != "status"}


def _new_slug(record: EventRecord) -> str:
    """The slug sent, or one made from the title; a slug another event holds is a 400."""
    try:
        return event_edits.new_slug(db.session, record.slug, record.title)
    except SlugTaken as exc:
        raise ApiError(400, FIX, {"slug": str(exc)}) from None


def _saved(event: Event, status: int = 200, proposal: Revision | None = None):
    """The answer to a write: the event, and the change of it this write left waiting for
    review, if any."""
    body: EventEnvelope = {"event": event_json(event)}
    if proposal is not None:
        db.session.flush()  # the database sets when it was proposed
        body["pending"] = {
            "proposed_by": proposal.user.username if proposal.user else None,
            "proposed_at": proposal.at.isoformat(),
            "changes": PendingChange.of(event, proposal).changes,
        }
    response = stamped(jsonify(body), event)
    response.headers["Location"] = url_for(
        "api_writes.update_event", slug=event.slug, _external=True
    )
    return response, status


def _current(slug: str) -> Event:
    """The event as it stands, if the request's If-Match allows changing it; else a 412."""
    event = event_or_404(slug)
    if not matches(event):
        raise PreconditionFailed(event)
    return event


WRITE = dict(
    response=EventEnvelope, errors=(400, 409, 412, 413), token=True, tag="writes", etag=True
)


@bp.post("/events")
@documented(body=EventInput, status=201, **WRITE)
@token_required
def create_event(user: User):
    """Add an event, as a draft for review; an admin may send "status": "published". A
    likely duplicate (a source another event cites, or a similar title within 30 days) is a
    409 naming it unless "confirm_duplicate" is true."""
    return _write(user, _body(), None, 201)


@bp.patch("/events/<slug>")
@documented(body=EventChanges, headers=(IF_MATCH,), **WRITE)
@token_required
def update_event(user: User, slug: str):
    """Change an event, draft or published: the fields sent replace the stored ones, the rest
    stay. A draft stays a draft unless an admin sends "status": "published"; a change of a
    published event waits for review (answered under "pending") while the published version
    stays online, unless an admin sends "status": "published". A likely duplicate is a 409
    unless "confirm_duplicate" is true; a stale If-Match a 412."""
    body = _body()
    for _attempt in range(ATTEMPTS):
        event = _current(slug)
        if body.get("slug") not in (None, event.slug):
            raise ApiError(400, FIX, {"slug": "an event's address does not change"})
        try:
            return _write(user, _stored(event) | body, event)
        except VersionConflict:  # another change committed first: read the event again
            db.session.rollback()
    raise ApiError(409, "the event kept changing while this change was saved: send it again")


@bp.delete("/events/<slug>")
@documented(status=204, token=True, tag="writes", headers=(IF_MATCH,), errors=(412,))
@token_required
def delete_event(user: User, slug: str):
    """Delete an event, draft or published (admins only); its history stays. A stale
    If-Match is a 412."""
    if not user.is_admin:
        raise ApiError(403, "Only an admin may delete an event.")
    for _attempt in range(ATTEMPTS):
        event = _current(slug)
        try:
            event_edits.delete(db.session, event, user, expected=event.version)
        except VersionConflict:  # another change committed first: check If-Match again
            db.session.rollback()
            continue
        db.session.commit()
        return "", 204
    raise ApiError(409, "the event kept changing while it was deleted: send it again")
