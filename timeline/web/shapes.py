"""The JSON shapes of the API, defined once."""

from __future__ import annotations

from typing import Any

from flask import url_for

from timeline.domain import Event, EventActor, Source


def link_json(link: EventActor) -> dict[str, Any]:
    actor = link.actor
    return {"slug": actor.slug, "name": actor.name, "kind": actor.kind, "role": link.role.value}


def source_json(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published,
    }


def event_json(event: Event) -> dict[str, Any]:
    """An event as the API gives it: dates in the seed files' text form, with their precision."""
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "category": event.category,
        "start": event.start,
        "end": event.end,
        "precision": event.precision.value,
        "ongoing": event.ongoing,
        "earliest": event.starts_on.isoformat(),
        "latest": None if event.ongoing else event.ends_on.isoformat(),
        "status": event.status.value,
        "actors": [link_json(link) for link in event.links],
        "sources": [source_json(source) for source in event.sources],
        "notes": event.notes,
        "url": url_for("pages.event", slug=event.slug, _external=True),
        "created_at": event.created_at.isoformat(),
        "updated_at": event.updated_at.isoformat(),
    }


def error_json(status: int, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """The one error shape under /api."""
    return {"error": {"status": status, "message": message, "fields": fields or {}}}
