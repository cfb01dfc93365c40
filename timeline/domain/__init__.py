"""The domain: partial dates, events, actors and their vocabularies."""

from timeline.domain.actors import Actor, ActorAlias, ActorKind
from timeline.domain.events import Category, Event, EventActor, Role, Source, Status

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorKind",
    "Category",
    "Event",
    "EventActor",
    "Role",
    "Source",
    "Status",
]
