"""Checking import records: every field of every record, each problem named.

The format is the one of the project's seed files: a YAML or JSON list of events, or a mapping
with `actors` and/or `events` lists. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from timeline.dates import DateError, PartialDate, Precision, Span, span_of
from timeline.domain.events import Role
from timeline.services.actors.schema import ACTOR_WIRE, ActorRecord
from timeline.services.characters import text_problem
from timeline.services.events.schema import (
    DEFAULTS,
    FREE_TEXTS,
    LIMITS,
    WIRE_NAMES,
    ActorLink,
    Citation,
    EventRecord,
)
from timeline.services.fields import name_slug, url_problem
from timeline.services.imports.documents import Problem, split_document
from timeline.services.vocabulary import Vocabulary

# A file may also state the precision its dates are given to, to have it checked.
EVENT_FIELDS = {*WIRE_NAMES, "precision"}
# What the API's answer adds to an event, worked out again on import: a saved /api/events
# answer imports without a warning for each.
ANSWER_ONLY = {"earliest", "latest", "status", "url", "created_at", "updated_at"}
ACTOR_FIELDS = set(ACTOR_WIRE)
_SPAN_FIELDS = {"start", "end", "precision", "ongoing"}
_MULTI_LINE = {*FREE_TEXTS, "description"}  # texts that may run over several lines
_ROLES = {role.value for role in Role}
_PRECISIONS = {precision.value for precision in Precision}


@dataclass
class Bundle:
    """What a file holds once checked."""

    file: str
    actors: list[ActorRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # What keeps records out; the importer adds what it finds when it writes the rest, so
    # every problem of a file is reported at once.
    problems: list[Problem] = field(default_factory=list)


class _Checker:
    """Collects the problems of one record while its fields are read."""

    def __init__(self, file: str, index: int, raw: Any):
        self.file, self.index = file, index
        self.raw = raw if isinstance(raw, dict) else {}
        title = self.raw.get("title") or self.raw.get("name")
        # A title no text may be is not repeated on a page: the problem at its field says why.
        self.title = title if isinstance(title, str) and not text_problem(title) else None
        self.problems: list[Problem] = []
        if not isinstance(raw, dict):
            self.fail(None, f"expected a mapping of fields, got {type(raw).__name__}")
        for key, problem in _unstorable_texts(self.raw):
            self.fail(key, problem)

    def fail(self, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.index, self.title, field_name, message))

    def text(self, key: str, required: bool = False, limit: int | None = None) -> str | None:
        value = self.raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(key, "is required")
            return None
        if not isinstance(value, str):
            self.fail(key, f"must be text, got {type(value).__name__}")
            return None
        if limit and len(value) > limit:
            self.fail(key, f"is {len(value)} characters long; at most {limit}")
        return value.strip()

    def date(self, key: str) -> PartialDate | None:
        value = self.raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:04d}"  # YAML reads an unquoted year as a number
        try:
            return None if value is None else PartialDate.parse(value)
        except DateError as exc:
            self.fail(key, str(exc))
            return None

    def choice(self, key: str, allowed: set[str], value: Any) -> str | None:
        if value not in allowed:
            self.fail(
                key, f"unknown value {value!r}; expected one of: {', '.join(sorted(allowed))}"
            )
            return None
        return value

    def required_choice(self, key: str, allowed: set[str]) -> str | None:
        if self.raw.get(key) is None:
            self.fail(key, "is required")
            return None
        return self.choice(key, allowed, self.raw[key])

    def slug(self, default: str | None = None) -> str | None:
        slug = self.text("slug", limit=100) or default
        if slug is not None and slugify(slug) != slug:
            self.fail("slug", f"{slug!r} is not a slug: use lowercase letters, digits and hyphens")
        return slug

    def items(self, key: str, expected: str) -> list:
        raw = self.raw.get(key) or []
        if not isinstance(raw, list):
            self.fail(key, f"must be a list of {expected}")
            return []
        return raw

    def optional_text(self, key: str, value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            self.fail(key, f"must be text, got {type(value).__name__}")
            return None
        return (value or "").strip() or None

    def unknown_fields(self, known: set[str]) -> list[Problem]:
        extra = sorted(set(self.raw) - known)
        return [
            Problem(self.file, self.index, self.title, k, "unknown field, ignored") for k in extra
        ]


def _unstorable_texts(raw: dict) -> list[tuple[str, str]]:
    """Each text of a record, keys included, that holds a character no text may hold
    (services/characters.py), by its path (`sources[2].title`): the record is refused before
    its fields are read, so no such text reaches the database or a page. A list or mapping
    that YAML aliases repeat is looked at once."""
    if _all_storable(raw):
        return []
    found: list[tuple[str, str]] = []
    waiting: list[tuple[str, Any]] = [("", raw)]
    seen: set[int] = set()
    while waiting:
        path, value = waiting.pop()
        if isinstance(value, dict | list) and id(value) not in seen:
            seen.add(id(value))
            waiting += reversed(_parts(path, value, found))
        elif isinstance(value, str) and (problem := text_problem(value, path in _MULTI_LINE)):
            found.append((path, problem))
    return found


def _all_storable(raw: dict) -> bool:
    """Whether every text of the record, keys included, may be stored even on one line: true
    of nearly every record, and told by one search of all its texts joined, where finding each
    problem's path costs a string per value."""
    texts: list[str] = []
    waiting: list[Any] = [raw]
    seen: set[int] = set()
    while waiting:
        value = waiting.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict | list) and id(value) not in seen:
            seen.add(id(value))
            if isinstance(value, dict):
                texts.extend(key for key in value if isinstance(key, str))
                waiting.extend(value.values())
            else:
                waiting.extend(value)
    return text_problem("".join(texts)) is None


def _parts(path: str, container: dict | list, found: list[tuple[str, str]]) -> list:
    """The paths and values inside a list or mapping; a key no text may be is a problem."""
    if isinstance(container, list):
        return [(f"{path}[{n}]", value) for n, value in enumerate(container, 1)]
    parts = []
    for key, value in container.items():
        problem = text_problem(key) if isinstance(key, str) else None
        name = repr(key) if problem else str(key)  # repr escapes what a page cannot show
        parts.append((f"{path}.{name}" if path else name, value))
        if problem:
            found.append((parts[-1][0], f"its name {problem}"))
    return parts


def check_span(c: _Checker) -> Span | None:
    """Start, end, precision and ongoing, checked against each other."""
    start, end = c.date("start"), c.date("end")
    if start is None and "start" not in c.raw:
        c.fail("start", "is required")
    precision = c.raw.get("precision")
    if precision is not None:
        precision = c.choice("precision", _PRECISIONS, precision)
    for key, value in (("start", start), ("end", end)):
        if value is not None and precision and value.precision != precision:
            c.fail(
                key, f"{value} is known to the {value.precision}, but precision is {precision!r}"
            )
    ongoing = c.raw.get("ongoing", False)
    if not isinstance(ongoing, bool):
        c.fail("ongoing", "must be true or false")
    if start is None or any(p.field in _SPAN_FIELDS for p in c.problems):
        return None
    try:
        return span_of(str(start), str(end) if end else None, ongoing is True)
    except DateError as exc:
        c.fail("end", str(exc))
        return None


def check_links(c: _Checker, kinds: set[str]) -> list[ActorLink]:
    """The event's actors: a name each, a kind from the vocabulary, an optional role."""
    links, seen = [], set()
    for n, item in enumerate(c.items("actors", "{name, kind, role}"), 1):
        key = f"actors[{n}]"
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name_slug(name):
            c.fail(key, "needs a 'name'")
            continue
        if name_slug(name) in seen:
            c.fail(key, f"{name!r} is listed twice")
        seen.add(name_slug(name))
        kind = item.get("kind")
        if kind is not None:
            kind = c.choice(f"{key}.kind", kinds, kind)
        role = item.get("role")
        if role is not None:
            role = c.choice(f"{key}.role", _ROLES, role)
        slug = _actor_slug(c, key, item.get("slug"))
        links.append(ActorLink(name.strip(), kind, Role(role) if role else None, slug))
    return links


def _actor_slug(c: _Checker, key: str, slug: Any) -> str | None:
    """An actor's slug as the exports give it: it finds the actor, or names a new one."""
    if slug is None:
        return None
    if not isinstance(slug, str) or not slug or slugify(slug) != slug or len(slug) > 100:
        c.fail(f"{key}.slug", f"{slug!r} is not a slug: use lowercase letters, digits and hyphens")
        return None
    return slug


def check_sources(c: _Checker) -> list[Citation]:
    """The event's sources: URLs, or mappings with a url and optional title, publisher, date."""
    sources, seen = [], set()
    for n, item in enumerate(c.items("sources", "URLs"), 1):
        key = f"sources[{n}]"
        fields = item if isinstance(item, dict) else {"url": item}
        problem = url_problem(fields.get("url"))
        if problem:
            c.fail(key, problem)
            continue
        url = fields["url"].strip()
        if url in seen:
            c.fail(key, f"{url} is listed twice")
        seen.add(url)
        published = fields.get("published")
        try:
            published = str(PartialDate.parse(published)) if published else None
        except DateError as exc:
            c.fail(f"{key}.published", str(exc))
        title = c.optional_text(f"{key}.title", fields.get("title"))
        publisher = c.optional_text(f"{key}.publisher", fields.get("publisher"))
        sources.append(Citation(url, title, publisher, published))
    return sources


def check_event(
    file: str, index: int, raw: Any, vocab: Vocabulary
) -> tuple[EventRecord | None, list[Problem]]:
    """One event record, or the problems that keep it out."""
    c = _Checker(file, index, raw)
    if c.problems:
        return None, c.problems
    title = c.text("title", required=True, limit=LIMITS["title"])
    slug = c.slug()
    span = check_span(c)
    category = c.required_choice("category", vocab.categories)
    texts = {name: c.text(name, limit=LIMITS.get(name)) for name in FREE_TEXTS}
    actors, sources = check_links(c, vocab.kinds), check_sources(c)
    if c.problems:
        return None, c.problems
    record = EventRecord(
        index=index, slug=slug, title=title, start=str(span.start),
        end=str(span.end) if span.end else None, ongoing=span.ongoing, category=category,
        actors=actors, sources=sources,
        **{name: value or DEFAULTS[name] for name, value in texts.items()},
    )  # fmt: skip
    return record, c.unknown_fields(EVENT_FIELDS | ANSWER_ONLY)


def check_actor(
    file: str, index: int, raw: Any, vocab: Vocabulary
) -> tuple[ActorRecord | None, list[Problem]]:
    """One actor record, or the problems that keep it out."""
    c = _Checker(file, index, raw)
    if c.problems:
        return None, c.problems
    name = c.text("name", required=True, limit=200)
    kind = c.required_choice("kind", vocab.kinds)
    slug = c.slug(default=name_slug(name) if name else None)
    aliases = c.raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(
        isinstance(a, str) and name_slug(a) and len(a) <= 200 for a in aliases
    ):
        c.fail("aliases", "must be a list of names of at most 200 characters")
        aliases = []
    homepage = c.text("homepage")
    if homepage is not None and (problem := url_problem(homepage)):
        c.fail("homepage", problem)
    if c.problems:
        return None, c.problems
    record = ActorRecord(
        index=index, slug=slug, name=name, kind=kind, aliases=aliases,
        description=c.text("description"), homepage=homepage,
    )  # fmt: skip
    return record, c.unknown_fields(ACTOR_FIELDS)


def check_document(name: str, document: Any, vocab: Vocabulary) -> Bundle:
    """Every record of a parsed document, checked; the bundle keeps the records that pass and
    the problems of those that do not (the importer raises them with its own)."""
    raw_actors, raw_events = split_document(name, document)
    bundle, problems = Bundle(name), []
    for checker, raws, target in (
        (check_actor, raw_actors, bundle.actors),
        (check_event, raw_events, bundle.events),
    ):
        for index, raw in enumerate(raws, 1):
            record, found = checker(name, index, raw, vocab)
            if record is None:
                problems.extend(found)
            else:
                target.append(record)
                bundle.warnings.extend(found)
    bundle.problems = problems + _duplicates(name, bundle)
    return bundle


def _duplicates(name: str, bundle: Bundle) -> list[Problem]:
    """Two records in one file that the importer would write to one event.

    A record with a slug is found by its slug alone, so two with different slugs are two
    events even when their titles and start dates agree, as they may on the site (a likely
    duplicate is only a warning there): a faithful export of the site imports back. A record
    without a slug is found by title and start, so it repeats any record with those.
    """
    problems, slugs, titles = [], {}, {}
    for r in bundle.events:
        title = (r.title.casefold(), str(r.span.start))
        key, seen, field_name = (r.slug, slugs, "slug") if r.slug else (title, titles, "title")
        if key in seen:
            message = f"the same event as record {seen[key]}"
            problems.append(Problem(name, r.index, r.title, field_name, message))
        seen.setdefault(key, r.index)
        titles.setdefault(title, r.index)
    return problems
