"""Copies of actor data on each event, refreshed on every flush that can change them.

`actor_names` (names and aliases) feeds full-text search; `actor_kinds` (" studio person ",
each kind once, the first actor's first) serves the kind filter, kind counts and kind lanes.
Both would otherwise need a join per event, which the window index cannot cover.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from timeline.domain.actors import Actor, ActorAlias
from timeline.domain.events import Event, EventActor


def names_of(event_: Event) -> str:
    """Every name and alias of the event's actors, in link order, each once."""
    names: dict[str, None] = {}
    for link in event_.links:
        names[link.actor.name] = None
        # Sorted here, not by the database: a collection built in this session and one loaded
        # from the table must give the same text, or a re-import would rewrite unchanged rows.
        names.update(dict.fromkeys(sorted(alias.name for alias in link.actor.aliases)))
    return " ".join(names)


def kinds_of(event_: Event) -> str:
    """The kinds of the event's actors in link order, each once, space-delimited at both ends
    so that " studio " matches a whole kind."""
    kinds = dict.fromkeys(link.actor.kind for link in event_.links)
    return f" {' '.join(kinds)} " if kinds else ""


def _events_touched(session: Session) -> set[Event]:
    """Events whose actors' names or kinds may have changed in this flush."""
    touched: set[Event] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Event):
            touched.add(obj)
        elif isinstance(obj, EventActor) and obj.event is not None:
            touched.add(obj.event)
        elif isinstance(obj, Actor) and _names_or_kind_changed(obj):
            touched.update(link.event for link in obj.links)
        elif isinstance(obj, ActorAlias) and obj.actor is not None:
            touched.update(link.event for link in obj.actor.links)
    for obj in session.deleted:
        if isinstance(obj, ActorAlias) and obj.actor is not None:
            touched.update(link.event for link in obj.actor.links)
    return touched


def _names_or_kind_changed(actor: Actor) -> bool:
    """Whether the actor is new or its name or kind changed. Linking an event also marks the
    actor dirty (its `links` collection moved), but that link is a new EventActor, which
    touches its own event: loading every event of a busy actor on each link would make a write
    cost more the more events the actor has."""
    state = inspect(actor)
    return state.pending or any(
        state.attrs[name].history.has_changes() for name in ("name", "kind")
    )


@event.listens_for(Session, "before_flush")
def _keep_copies(session: Session, _context, _instances) -> None:
    """Refresh the copies whichever code path writes: the importer, a form or a test factory
    cannot forget to."""
    with session.no_autoflush:
        for touched in _events_touched(session):
            if touched in session.deleted:
                continue
            names, kinds = names_of(touched), kinds_of(touched)
            if (touched.actor_names, touched.actor_kinds) != (names, kinds):
                touched.actor_names, touched.actor_kinds = names, kinds
