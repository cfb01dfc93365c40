"""The JSON shapes of the events API: an event's derived from the event contract
(services/events/schema.py); the cost model's are in cost_shapes.py and reference_shapes.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, Literal, NotRequired, cast
from urllib.parse import quote

from flask import url_for
from sqlalchemy import Row
from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.domain import Actor, Event, EventActor, Role, Source
from timeline.domain.events import CITATION
from timeline.services.events.queries import RowPage
from timeline.services.events.schema import (
    WIRE_NAMES,
    LinkShape,
    SourceShape,
    answer_shape,
    stored_values,
)

# Each answer's fields beyond the contract's, after the contract field they follow.
DERIVED: dict[str, dict[str, Any]] = {
    "end": {"precision": Literal["year", "month", "day"]},
    "ongoing": {"earliest": str, "latest": str | None, "status": Literal["draft", "published"]},
    "": {"url": str, "created_at": str, "updated_at": str},
}
EventShape = answer_shape(
    "EventShape",
    """An event: `start`/`end` keep their precision (2023, 2023-05, 2023-05-02); `earliest`
    and `latest` are the first and last days it may cover (`latest` is null while ongoing).""",
    DERIVED,
)
EVENT_FIELDS = tuple(EventShape.__annotations__)


def link_json(link: EventActor) -> LinkShape:
    return _link_shape(link.actor, link.role)


def _link_shape(actor: Actor | Row, role: Role) -> LinkShape:
    """An actor's part in an event, from the actor (or a row with its slug, name and kind)."""
    return {"slug": actor.slug, "name": actor.name, "kind": actor.kind, "role": role.value}


def source_json(source: Source | Row) -> SourceShape:
    """A source as cited, from the row or from a query's row of its CITATION columns."""
    return cast(SourceShape, {name: getattr(source, name) for name in CITATION})


def _stamp(moment: dt.datetime) -> str:
    """A stored moment as ISO 8601 text, in UTC with its offset (the column reads it so)."""
    return moment.isoformat()


def event_json(event: Event) -> Any:
    """An event as the API gives it: the contract's fields (actors with their kinds), dates in
    the seed files' text form with their precision, and where it stands."""
    links = [link_json(link) for link in event.links]
    sources = [source_json(source) for source in event.sources]
    return _event_shape(
        event, links, sources, url_for("pages.event", slug=event.slug, _external=True)
    )


class PageShapes:
    """`event_json` for a page read as rows (services/events/queries.RowPage): the same
    answer, built without mapped objects and with one `url_for` for the whole page."""

    def __init__(self, page: RowPage):
        self.page = page
        # Slugs are lower-case letters, digits and hyphens, which a URL takes as they are.
        self.event_url = url_for("pages.event", slug="-", _external=True)[:-1]

    def __iter__(self) -> Iterator[Any]:
        links, sources = self.page.links, self.page.sources
        for row in self.page.events:
            yield _event_shape(
                row,
                [_link_shape(link, link.role) for link in links.get(row.id, ())],
                [source_json(source) for source in sources.get(row.id, ())],
                self.event_url + quote(row.slug),
            )


def _event_shape(event: Event | Row, links: list, sources: list, url: str) -> Any:
    shape = stored_values(event) | {
        "actors": links,
        "sources": sources,
        "precision": event.precision.value,
        "earliest": event.starts_on.isoformat(),
        "latest": None if event.ongoing else event.ends_on.isoformat(),
        "status": event.status.value,
        "url": url,
        "created_at": _stamp(event.created_at),
        "updated_at": _stamp(event.updated_at),
    }
    return {name: shape[name] for name in EVENT_FIELDS}


# The CSV's own columns, in their order; every other contract field follows them, as text.
CSV_LAYOUT = (
    "slug", "title", "category", "start", "end", "precision", "ongoing", "when", "earliest",
    "latest", "actors", "actor_slugs", "sources", "source_details", "summary", "url",
)  # fmt: skip
CSV_COLUMNS = CSV_LAYOUT + tuple(name for name in WIRE_NAMES if name not in CSV_LAYOUT)


def _csv_cells(event: Event) -> dict[str, str]:
    """Cells for the columns a spreadsheet reads differently from JSON: actors as
    'Name (role, kind)' and sources as URLs, each list joined with '; ', so one event is one
    row. The kind lets a file imported into an empty timeline create the actor; the sources'
    titles, publishers and dates ride along as JSON, which no separator can break."""
    return {
        "end": event.end or "",
        "precision": event.precision.value,
        "ongoing": "yes" if event.ongoing else "no",
        "when": event.span.in_words(),
        "earliest": event.starts_on.isoformat(),
        "latest": "" if event.ongoing else event.ends_on.isoformat(),
        "actors": "; ".join(
            f"{link.actor.name} ({link.role.value}, {link.actor.kind})" for link in event.links
        ),
        "actor_slugs": "; ".join(link.actor.slug for link in event.links),
        "sources": "; ".join(source.url for source in event.sources),
        "source_details": _source_details(event),
        "url": url_for("pages.event", slug=event.slug, _external=True),
    }


def _source_details(event: Event) -> str:
    citations = [source_json(source) for source in event.sources]
    return json.dumps(citations, ensure_ascii=False) if citations else ""


def event_row(event: Event) -> tuple[str, ...]:
    """An event as one CSV row, in CSV_COLUMNS' order."""
    cells = _csv_cells(event)
    values = stored_values(event)
    return tuple(cells[c] if c in cells else (values[c] or "") for c in CSV_COLUMNS)


class ActorShape(TypedDict):
    slug: str
    name: str
    kind: str
    aliases: list[str]
    description: str | None
    homepage: str | None
    url: str
    events_url: str
    events: NotRequired[int]  # published events, in lists


def actor_json(actor: Actor, events: int | None = None) -> ActorShape:
    """An actor as the API gives it, with its aliases and, in lists, its published events."""
    shape: ActorShape = {
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind,
        "aliases": [alias.name for alias in actor.aliases],
        "description": actor.description,
        "homepage": actor.homepage,
        "url": url_for("pages.actor", slug=actor.slug, _external=True),
        "events_url": url_for("api.events", actor=actor.slug, _external=True),
    }
    if events is not None:
        shape["events"] = events
    return shape


class ErrorBody(TypedDict):
    status: int
    message: str
    fields: dict[str, str]  # each bad parameter or field, with what is wrong with it


class ErrorShape(TypedDict):
    error: ErrorBody


def error_json(status: int, message: str, fields: dict[str, str] | None = None) -> ErrorShape:
    """The one error shape under /api."""
    return {"error": {"status": status, "message": message, "fields": fields or {}}}


# The roles that make an actor the one who holds the event: it carries it out, or is a side.
LD_ORGANIZERS = (Role.SUBJECT, Role.PARTY)


def _ld_actor(actor: Actor) -> dict[str, Any]:
    kind = "Person" if actor.kind == "person" else "Organization"
    url = url_for("pages.actor", slug=actor.slug, _external=True)
    return {"@type": kind, "name": actor.name, "url": url}


def _ld_source(source: Source) -> dict[str, Any]:
    publisher = {"@type": "Organization", "name": source.publisher} if source.publisher else None
    found = {"name": source.title, "publisher": publisher, "datePublished": source.published}
    return {"@type": "CreativeWork", "url": source.url} | {k: v for k, v in found.items() if v}


def event_linked_data(event: Event) -> dict[str, Any]:
    """An event as schema.org JSON-LD. Dates keep their precision ("2024-03" stays a month), as
    ISO 8601 and schema.org allow; the sources are the works it is the subject of."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": event.start,
        "eventStatus": "https://schema.org/EventScheduled",  # it happened as it was dated
        "url": url_for("pages.event", slug=event.slug, _external=True),
        "subjectOf": [_ld_source(source) for source in event.sources],
    }
    if event.end:
        data["endDate"] = event.end
    organizers = [_ld_actor(link.actor) for link in event.links if link.role in LD_ORGANIZERS]
    if organizers:
        data["organizer"] = organizers
    return data
