"""An event's input fields, defined once.

`EventRecord` is what every way in gives: an import file's record, the editors' form, a JSON
body. Each of its fields carries how a body sends it (`given`) and how the API shows it
(`shown`); from those come the OpenAPI request and response shapes, the revision snapshot and
its restore, the merge a PATCH makes, the CSV columns and the JSON answer. Adding a field is
adding it here (and to the model and a migration); whatever misses it fails
tests/test_event_contract.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.dates import Span, span_of
from timeline.domain.events import Event, Role

MAX_TITLE, MAX_SUMMARY, MAX_SLUG = 300, 5000, 100
MAX_ACTORS, MAX_SOURCES = 20, 12
MAX_NAME, MAX_URL, MAX_SOURCE_TITLE, MAX_PUBLISHER = 200, 2048, 500, 200
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


class LinkShape(TypedDict):
    slug: str
    name: str
    kind: str
    role: str


class SourceShape(TypedDict):
    url: str
    title: str | None
    publisher: str | None
    published: str | None


def wire(default: Any = dataclasses.MISSING, *, given: Any, shown: Any, limit: int = 0) -> Any:
    """A field of the contract: its type in a body (`given`), in an answer (`shown`), and the
    longest text it takes (0: no limit of its own)."""
    meta = {"given": given, "shown": shown, "limit": limit}
    if isinstance(default, tuple | list):
        return dataclasses.field(default_factory=lambda: list(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True, slots=True)
class ActorLink:
    """An actor named in an event: by `slug`, or by a name or alias (a new one with a kind).
    Without a role, an actor already linked keeps its own and a new link is a participant."""

    name: str
    kind: str | None = None
    role: Role | None = None
    slug: str | None = None

    def plain(self) -> dict[str, Any]:
        found = {"slug": self.slug, "name": self.name, "kind": self.kind, "role": self.role}
        return {k: (v.value if isinstance(v, Role) else v) for k, v in found.items() if v}


@dataclass(frozen=True, slots=True)
class Citation:
    """A published page an event rests on."""

    url: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None

    def plain(self) -> dict[str, str | None]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRecord:
    """An event as it is given; `index` is its place in a file, for messages only."""

    slug: str | None = wire(None, given=str, shown=str, limit=MAX_SLUG)
    title: str = wire(given=str, shown=str, limit=MAX_TITLE)
    summary: str = wire("", given=str | None, shown=str, limit=MAX_SUMMARY)
    category: str = wire(given=str, shown=str)
    start: str = wire(given=str, shown=str)
    end: str | None = wire(None, given=str | None, shown=str | None)
    ongoing: bool = wire(False, given=bool, shown=bool)
    actors: list[ActorLink] = wire((), given=list[ActorInput], shown=list[LinkShape])
    sources: list[Citation] = wire((), given=list[SourceInput | str], shown=list[SourceShape])
    notes: str | None = wire(None, given=str | None, shown=str | None)
    index: int = dataclasses.field(default=1, compare=False)

    @property
    def span(self) -> Span:
        return span_of(self.start, self.end, self.ongoing)


LISTS = ("actors", "sources")  # stored as rows of their own: links and sources
REQUIRED = ("title", "category", "start")  # what a new event cannot do without
WIRE = tuple(f for f in dataclasses.fields(EventRecord) if "given" in f.metadata)
WIRE_NAMES = tuple(f.name for f in WIRE)
LIMITS = {f.name: f.metadata["limit"] for f in WIRE if f.metadata["limit"]}
TEXTS = tuple(f.name for f in WIRE if f.metadata["given"] in (str, str | None))
# Texts with no rule beyond their length, read alike from a file, a form or a body (stripped,
# and blank for their default): a field added to the contract as text is one of these.
FREE_TEXTS = tuple(n for n in TEXTS if n not in ("slug", "title", "category", "start", "end"))
DEFAULTS = {f.name: f.default for f in WIRE if f.default is not dataclasses.MISSING}
# What a body asks beyond the event's fields.
CONTROLS: dict[str, Any] = {
    "status": Literal["draft", "published"],
    "confirm_duplicate": bool,
}


def plain(record: EventRecord) -> dict[str, Any]:
    """The record's fields as JSON values, in the shape a body or an import file sends."""
    found: dict[str, Any] = {}
    for name in WIRE_NAMES:
        value = getattr(record, name)
        found[name] = [item.plain() for item in value] if isinstance(value, list) else value
    return found


def stored_values(event: Event) -> dict[str, Any]:
    """The contract's fields an event keeps as columns, as stored (its lists are rows)."""
    return {name: getattr(event, name) for name in WIRE_NAMES if name not in LISTS}


def record_of(event: Event) -> EventRecord:
    """The record that gives an event as it is stored: actors by slug and name, with roles."""
    return EventRecord(
        **stored_values(event),
        actors=[
            ActorLink(link.actor.name, None, link.role, link.actor.slug) for link in event.links
        ],
        sources=[Citation(**source.citation()) for source in event.sources],
    )


def from_plain(values: dict[str, Any], slug: str) -> EventRecord:
    """A record from `plain`'s form (a revision's snapshot), for the event at `slug`; a field
    the snapshot predates takes the contract's default."""
    known = {name: values[name] for name in WIRE_NAMES if name in values}
    known["summary"] = known.get("summary") or ""
    known["actors"] = [_link(a) for a in known.get("actors", ())]
    known["sources"] = [Citation(**s) for s in known.get("sources", ())]
    return EventRecord(**(known | {"slug": slug}))


def _link(values: dict[str, Any]) -> ActorLink:
    role = values.get("role")
    return ActorLink(
        values.get("name") or values["slug"], values.get("kind"), Role(role) if role else None,
        values.get("slug"),
    )  # fmt: skip


def body_shape(name: str, doc: str, required: tuple[str, ...], **config: Any) -> type:
    """The JSON body a write takes, as a TypedDict for OpenAPI: the contract's fields and the
    controls, those in `required` required."""
    fields = {f.name: f.metadata["given"] for f in WIRE} | CONTROLS
    ordered = [*required, *(n for n in fields if n not in required)]
    shape = TypedDict(  # type: ignore[operator]
        name, {n: fields[n] if n in required else NotRequired[fields[n]] for n in ordered}
    )
    shape.__doc__ = doc
    shape.__module__ = __name__
    return with_config(ConfigDict(extra="forbid", **config))(shape)


def answer_shape(name: str, doc: str, derived: dict[str, dict[str, Any]]) -> type:
    """The JSON answer for an event, as a TypedDict: each contract field as shown, followed by
    the fields `derived` places after it (under "" for those that come last)."""
    fields: dict[str, Any] = {}
    for f in WIRE:
        fields[f.name] = f.metadata["shown"]
        fields |= derived.get(f.name, {})
    shape = TypedDict(name, fields | derived.get("", {}))  # type: ignore[operator]
    shape.__doc__ = doc
    shape.__module__ = __name__
    return shape


EXAMPLE = {
    "title": "A studio licenses its library for model training",
    "category": "studio-deal",
    "start": "2024-09",
    "summary": "The deal covers the studio's film and television library.",
    "actors": [{"name": "Example Studio", "kind": "studio", "role": "party"}],
    "sources": [{"url": "https://example.org/deal", "publisher": "Example News"}],
}
