"""Test data made through the models, for cases the seed files do not cover."""

from itertools import count

from sqlalchemy.orm import Session

from timeline.dates import span_of
from timeline.domain import Actor, Event, EventActor, Role, Source, Status

_serial = count(1)


def make_actor(session: Session, name: str = "Example Studio", kind: str = "studio") -> Actor:
    actor = Actor(slug=f"actor-{next(_serial)}", name=name, kind=kind)
    session.add(actor)
    return actor


def make_event(
    session: Session,
    start: str = "2024-06-01",
    end: str | None = None,
    *,
    title: str | None = None,
    ongoing: bool = False,
    status: Status = Status.PUBLISHED,
    category: str = "demo",
    actors: list[tuple[Actor, Role]] = (),
    summary: str = "Something happened.",
) -> Event:
    """A committed event with one source and the given actors."""
    n = next(_serial)
    event = Event(
        slug=f"event-{n}",
        title=title or f"Event {n}",
        summary=summary,
        category=category,
        status=status,
    )
    event.set_span(span_of(start, end, ongoing))
    event.sources = [Source(url=f"https://example.org/{n}", publisher="Example News")]
    event.links = [EventActor(actor=a, role=r, position=i) for i, (a, r) in enumerate(actors)]
    session.add(event)
    session.commit()
    return event
