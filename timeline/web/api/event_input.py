"""A JSON event body read as the editors' event form reads its fields.

The body is turned into the form's fields and checked by the same form class, so an API
write gets the form's messages, each named by its JSON path (`title`, `actors[0].kind`,
`sources[1].url`). What JSON can say and a form cannot (a wrong type, an unknown field, a
NUL or a lone surrogate in text) is caught here first. The TypedDicts are the body's
published shape: the OpenAPI document is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic describes only this one before 3.12
from werkzeug.datastructures import MultiDict

from timeline.db import db
from timeline.domain import Role
from timeline.services.events import queries as event_service
from timeline.services.vocabulary import Vocabulary, load_vocabulary
from timeline.web.admin.event_form import MAX_ACTORS, MAX_SOURCES, EventForm, event_form
from timeline.web.errors import ApiError

TEXTS = ("title", "slug", "summary", "category", "start", "end", "notes")
FIELDS = {*TEXTS, "ongoing", "actors", "sources", "status", "confirm_duplicate"}
ACTOR_FIELDS = ("slug", "name", "kind", "role")
SOURCE_FIELDS = ("url", "title", "publisher", "published")
FIX = "some fields need correcting: see error.fields"
STATUSES = {None: False, "draft": False, "published": True}  # the status asked for: publish?
CLOSED = with_config(ConfigDict(extra="forbid"))  # the schema says so: unknown fields are a 400


@CLOSED
class ActorInput(TypedDict):
    """An existing actor by `slug`, or by `name` or alias; a new one by `name` and `kind`
    (see /api/kinds). Without a `role`, an actor already linked keeps its role and a new
    link is a participant."""

    slug: NotRequired[str]
    name: NotRequired[str]
    kind: NotRequired[str]
    role: NotRequired[Role]


@CLOSED
class SourceInput(TypedDict):
    url: str
    title: NotRequired[str | None]
    publisher: NotRequired[str | None]
    published: NotRequired[str | None]


class _EventFields(TypedDict, total=False):
    slug: str
    summary: str | None
    end: str | None
    ongoing: bool
    notes: str | None
    actors: list[ActorInput]
    sources: list[SourceInput | str]
    status: Literal["draft", "published"]
    confirm_duplicate: bool


EXAMPLE = {
    "title": "A studio licenses its library for model training",
    "category": "studio-deal",
    "start": "2024-09",
    "summary": "The deal covers the studio's film and television library.",
    "actors": [{"name": "Example Studio", "kind": "studio", "role": "party"}],
    "sources": [{"url": "https://example.org/deal", "publisher": "Example News"}],
}


@with_config(ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]}))
class EventInput(_EventFields):
    """A new event, in the shape GET /api/events/{slug} answers with: dates as 2024, 2024-03
    or 2024-03-25, a category from /api/categories."""

    title: str
    category: str
    start: str


@CLOSED
class EventChanges(_EventFields, total=False):
    """The fields to change; those left out keep their stored values."""

    title: str
    category: str
    start: str


def _text(value: Any, key: str, errors: dict[str, str]) -> str:
    """A text field as the form reads it ('' for null), or '' with the problem noted."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = f"must be text, got {type(value).__name__}"
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # JSON can spell half a surrogate pair; no database stores it
        errors[key] = "holds an unpaired surrogate (\\ud800 to \\udfff), which is not text"
        return ""
    if "\x00" in value:  # PostgreSQL refuses text holding NUL
        errors[key] = "holds a NUL character (\\u0000)"
        return ""
    return value


def _fields_of(item: Any, key: str, names: tuple[str, ...], errors: dict[str, str]) -> dict:
    """An object's text fields, '' for those missing; unknown fields are errors."""
    if not isinstance(item, dict):
        errors[key] = f"must be an object with some of: {', '.join(names)}"
        return dict.fromkeys(names, "")
    for name in sorted(set(item) - set(names)):
        errors[f"{key}.{name}"] = f"unknown field: use {', '.join(names)}"
    return {name: _text(item.get(name), f"{key}.{name}", errors) for name in names}


def _items(body: dict, key: str, most: int, errors: dict[str, str]) -> list:
    items = body.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        errors[key] = f"must be a list, got {type(items).__name__}"
        return []
    if len(items) > most:
        errors[key] = f"at most {most} {key}"
        return []
    return items


def _actor_row(item: Any, key: str, kinds: dict[str, str], errors: dict) -> dict[str, str]:
    """An actor as the form's row: its slug or name where the form takes a name."""
    actor = _fields_of(item, key, ACTOR_FIELDS, errors)
    slug, name = actor["slug"].strip(), actor["name"].strip()
    if slug and event_service.find_actor_by_name(db.session, slug) is None:
        errors[f"{key}.slug"] = f"no actor {slug!r}: name a new actor by its 'name' and 'kind'"
    elif not (slug or name) and key not in errors:
        errors[key] = "needs the 'slug' of an actor, or a 'name'"
    if actor["kind"] and actor["kind"] not in kinds:
        errors[f"{key}.kind"] = f"no kind {actor['kind']!r}: see /api/kinds"
    return {"name": slug or name, "kind": actor["kind"], "role": actor["role"]}


def _source_row(item: Any, key: str, errors: dict) -> dict[str, str]:
    item = {"url": item} if isinstance(item, str) else item  # a bare URL, as import files allow
    source = _fields_of(item, key, SOURCE_FIELDS, errors)
    if not source["url"].strip() and not any(k.startswith(key) for k in errors):
        errors[f"{key}.url"] = "a URL is required"
    return source


@dataclass
class Submission:
    """A JSON body read as the event form's fields, with what it asks beyond them."""

    data: MultiDict
    rows: dict[str, int]  # actors and sources sent; the form adds blank rows after them
    roleless: set[int]  # actors sent without a role: the importer decides theirs
    publish: bool
    confirmed: bool  # "confirm_duplicate": save even if it looks like one already here


def _control(body: dict, errors: dict[str, str]) -> tuple[bool, bool]:
    """Whether the body asks to publish, and to save a likely duplicate anyway."""
    status, confirmed = body.get("status"), body.get("confirm_duplicate")
    publish = STATUSES.get(status) if isinstance(status, str | None) else None
    if publish is None:
        errors["status"] = "must be 'draft' or 'published'"
    if not isinstance(confirmed, bool | None):
        errors["confirm_duplicate"] = "must be true or false"
    return bool(publish), confirmed is True


def _submission(body: dict, vocabulary: Vocabulary, errors: dict[str, str]) -> Submission:
    for key in sorted(set(body) - FIELDS):
        errors[key] = f"unknown field: use {', '.join(sorted(FIELDS))}"
    data = MultiDict({key: _text(body.get(key), key, errors) for key in TEXTS})
    ongoing = body.get("ongoing")
    if not isinstance(ongoing, bool | None):
        errors["ongoing"] = "must be true or false"
    elif ongoing:
        data["ongoing"] = "y"  # a ticked box, as a browser sends it
    actors = _items(body, "actors", MAX_ACTORS, errors)
    sources = _items(body, "sources", MAX_SOURCES, errors)
    roleless = _actor_rows(actors, vocabulary.kinds, data, errors)
    for n, item in enumerate(sources):
        row = _source_row(item, f"sources[{n}]", errors)
        data.update({f"sources-{n}-{k}": v for k, v in row.items()})
    rows = {"actors": len(actors), "sources": len(sources)}
    return Submission(data, rows, roleless, *_control(body, errors))


def _actor_rows(actors: list, kinds: dict[str, str], data: MultiDict, errors: dict) -> set[int]:
    """Add the actors to the form's data; returns the rows sent without a role."""
    roleless = set()
    for n, item in enumerate(actors):
        row = _actor_row(item, f"actors[{n}]", kinds, errors)
        if not row["role"]:
            roleless.add(n)
            row["role"] = Role.PARTICIPANT.value  # for the form's check only
        data.update({f"actors-{n}-{k}": v for k, v in row.items()})
    return roleless


def _form_errors(form: EventForm, rows: dict[str, int]) -> dict[str, str]:
    """The form's messages by JSON field: `title`, `actors[0].role`, `sources[1].url`."""
    found = {}
    for field in form:
        if field.name in rows:
            for n, row in enumerate(field.entries[: rows[field.name]]):
                messages = {f.short_name: f.errors for f in row.form if f.errors}
                found |= {f"{field.name}[{n}].{k}": " ".join(v) for k, v in messages.items()}
        elif field.errors:
            found[field.name] = " ".join(field.errors)
    return found


def checked(body: dict) -> tuple[EventForm, Submission]:
    """The body checked as the admin form checks it; raises a 400 naming every bad field."""
    vocabulary, errors = load_vocabulary(db.session), {}
    submission = _submission(body, vocabulary, errors)
    form = event_form(
        vocabulary.categories, vocabulary.kinds, formdata=submission.data, meta={"csrf": False}
    )
    form.validate()
    # A wrong type, sent to the form as '', says more than what the form makes of the ''.
    errors = _form_errors(form, submission.rows) | errors
    if errors:
        raise ApiError(400, FIX, errors)
    return form, submission
