"""Checking a JSON body against the event contract, with the messages the editors' form shows
at its fields, each named by its JSON path (`title`, `actors[0].kind`, `sources[1].url`).

What JSON can say and a form cannot (a wrong type, an unknown field, a character no text may
hold: services/characters.py) is refused first; such a field is then checked as empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from timeline.dates import DateError, PartialDate, span_of
from timeline.domain.events import Role
from timeline.services.characters import text_problem
from timeline.services.events.schema import (
    CONTROLS,
    DEFAULTS,
    FREE_TEXTS,
    LIMITS,
    MAX_ACTORS,
    MAX_NAME,
    MAX_PUBLISHER,
    MAX_SOURCE_TITLE,
    MAX_SOURCES,
    MAX_URL,
    TEXTS,
    WIRE_NAMES,
    ActorLink,
    Citation,
    EventRecord,
)
from timeline.services.fields import url_problem

FIELDS = {*WIRE_NAMES, *CONTROLS}
ACTOR_FIELDS = ("slug", "name", "kind", "role")
SOURCE_FIELDS = ("url", "title", "publisher", "published")
SOURCE_LIMITS = {"url": MAX_URL, "title": MAX_SOURCE_TITLE, "publisher": MAX_PUBLISHER}
STATUSES = {None: False, "draft": False, "published": True}  # the status asked for: publish?
REQUIRED = "This field is required."
NOT_A_CHOICE = "Not a valid choice."
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_HINT = "Use lower-case letters, digits and single hyphens: sag-strike-2023."
ROLES = {role.value for role in Role}


def too_long(limit: int) -> str:
    return f"Field cannot be longer than {limit} characters."


@dataclass
class Checked:
    """A body read against the contract: the record, what it asks beyond it, its problems."""

    record: EventRecord | None
    publish: bool = False
    confirmed: bool = False  # "confirm_duplicate": save even if it looks like one already here
    errors: dict[str, str] = field(default_factory=dict)


def text(value: Any, key: str, errors: dict[str, str]) -> str:
    """A text field ('' for null), or '' with the problem noted."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = f"must be text, got {type(value).__name__}"
        return ""
    if problem := text_problem(value, multiline=key in FREE_TEXTS):
        errors[key] = problem
        return ""
    return value


def _fields_of(item: Any, key: str, names: tuple[str, ...], errors: dict[str, str]) -> dict:
    """An object's text fields, '' for those missing; unknown fields are errors."""
    if not isinstance(item, dict):
        errors[key] = f"must be an object with some of: {', '.join(names)}"
        return dict.fromkeys(names, "")
    for name in sorted(set(item) - set(names)):
        errors[f"{key}.{name}"] = f"unknown field: use {', '.join(names)}"
    return {name: text(item.get(name), f"{key}.{name}", errors) for name in names}


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


class _Reader:
    """Reads one body: `errors` for what JSON alone gets wrong, `problems` for the checks the
    form makes (a JSON problem at a field wins over the form's message for it)."""

    def __init__(self, kinds: Collection[str], known_actor: Callable[[str], bool]):
        self.kinds, self.known_actor = kinds, known_actor
        self.errors: dict[str, str] = {}
        self.problems: dict[str, list[str]] = {}

    def problem(self, key: str, message: str) -> None:
        self.problems.setdefault(key, []).append(message)

    def longer_than(self, key: str, value: str, limit: int) -> None:
        if value.strip() and len(value) > limit:
            self.problem(key, too_long(limit))

    def actor(self, item: Any, key: str) -> ActorLink | None:
        """An actor as the form's row: its slug or name where the form takes a name."""
        actor = _fields_of(item, key, ACTOR_FIELDS, self.errors)
        slug, name = actor["slug"].strip(), actor["name"].strip()
        if slug and not self.known_actor(slug):
            message = f"no actor {slug!r}: name a new actor by its 'name' and 'kind'"
            self.errors[f"{key}.slug"] = message
        elif not (slug or name) and key not in self.errors:
            self.errors[key] = "needs the 'slug' of an actor, or a 'name'"
        if actor["kind"] and actor["kind"] not in self.kinds:
            self.errors[f"{key}.kind"] = f"no kind {actor['kind']!r}: see /api/kinds"
        self.longer_than(f"{key}.name", slug or name, MAX_NAME)
        if actor["role"] and actor["role"] not in ROLES:
            self.problem(f"{key}.role", NOT_A_CHOICE)
        role = Role(actor["role"]) if actor["role"] in ROLES else None
        return ActorLink(slug or name, actor["kind"] or None, role, slug or None)

    def source(self, item: Any, key: str) -> Citation:
        item = {"url": item} if isinstance(item, str) else item  # a bare URL, as files allow
        source = _fields_of(item, key, SOURCE_FIELDS, self.errors)
        url = source["url"].strip()
        if not url and not any(k.startswith(key) for k in self.errors):
            self.errors[f"{key}.url"] = "a URL is required"
        for name, limit in SOURCE_LIMITS.items():
            self.longer_than(f"{key}.{name}", source[name], limit)
        if url and (problem := url_problem(url)):
            self.problem(f"{key}.url", problem)
        if source["published"].strip():
            self.date(f"{key}.published", source["published"])
        return Citation(url, *(source[k] or None for k in ("title", "publisher", "published")))

    def date(self, key: str, value: str) -> bool:
        try:
            PartialDate.parse(value)
        except DateError as exc:
            self.problem(key, str(exc))
            return False
        return True

    def control(self, body: dict) -> tuple[bool, bool]:
        """Whether the body asks to publish, and to save a likely duplicate anyway."""
        status, confirmed = body.get("status"), body.get("confirm_duplicate")
        publish = STATUSES.get(status) if isinstance(status, str | None) else None
        if publish is None:
            self.errors["status"] = "must be 'draft' or 'published'"
        if not isinstance(confirmed, bool | None):
            self.errors["confirm_duplicate"] = "must be true or false"
        return bool(publish), confirmed is True

    def texts(self, body: dict, categories: Collection[str]) -> dict[str, str]:
        values = {key: text(body.get(key), key, self.errors) for key in TEXTS}
        for key in ("title", "category", "start"):
            if not values[key].strip():
                self.problem(key, REQUIRED)
        for key, limit in LIMITS.items():
            self.longer_than(key, values[key], limit)
        if values["category"].strip() and values["category"] not in categories:
            self.problem("category", NOT_A_CHOICE)
        if values["slug"].strip() and not SLUG.fullmatch(values["slug"].strip()):
            self.problem("slug", SLUG_HINT)
        return values

    def span(self, start: str, end: str, ongoing: bool) -> None:
        """The start, and the end against it, as the form checks them."""
        started = bool(start.strip()) and self.date("start", start)
        if not end.strip():
            return
        self.date("end", end)
        if not started:
            return
        if ongoing:
            self.problem("end", "An ongoing event has no end: clear one of the two.")
            return
        try:
            span_of(start.strip(), end.strip())
        except DateError as exc:
            self.problem("end", f"{exc}.")
            return
        first, last = PartialDate.parse(start), PartialDate.parse(end)
        if first.precision is not last.precision:
            message = f"Give the end to the {first.precision.value}, like the start ({first})."
            self.problem("end", message)

    def ongoing(self, body: dict) -> bool:
        ongoing = body.get("ongoing")
        if not isinstance(ongoing, bool | None):
            self.errors["ongoing"] = "must be true or false"
            return False
        return bool(ongoing)


def check_body(
    body: dict[str, Any],
    categories: Collection[str],
    kinds: Collection[str],
    known_actor: Callable[[str], bool],
) -> Checked:
    """The body read against the contract; `errors` names every bad field."""
    reader = _Reader(kinds, known_actor)
    for key in sorted(set(body) - FIELDS):
        reader.errors[key] = f"unknown field: use {', '.join(sorted(FIELDS))}"
    values = reader.texts(body, categories)
    ongoing = reader.ongoing(body)
    actors = _items(body, "actors", MAX_ACTORS, reader.errors)
    sources = _items(body, "sources", MAX_SOURCES, reader.errors)
    links = [reader.actor(item, f"actors[{n}]") for n, item in enumerate(actors)]
    citations = [reader.source(item, f"sources[{n}]") for n, item in enumerate(sources)]
    publish, confirmed = reader.control(body)
    reader.span(values["start"], values["end"], ongoing)
    problems = {key: " ".join(messages) for key, messages in reader.problems.items()}
    errors = problems | reader.errors
    if errors:
        return Checked(None, publish, confirmed, errors)
    record = EventRecord(
        slug=values["slug"].strip() or None, title=values["title"].strip(),
        category=values["category"], start=values["start"].strip(),
        end=values["end"].strip() or None, ongoing=ongoing,
        actors=[link for link in links if link.name], sources=citations,
        **{name: values[name].strip() or DEFAULTS[name] for name in FREE_TEXTS},
    )  # fmt: skip
    return Checked(record, publish, confirmed)
