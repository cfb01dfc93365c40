"""An actor's input fields, defined once: what an import file's record and the editors' form
give, and what a revision keeps and restores. tests/test_event_contract.py fails when a field
added here is missed by the snapshot or its restore."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from timeline.domain.actors import Actor


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorRecord:
    """A person or an organisation as it is given; `index` is its place in a file."""

    slug: str | None = None
    name: str
    kind: str
    aliases: list[str] = dataclasses.field(default_factory=list)
    description: str | None = None
    homepage: str | None = None
    index: int = dataclasses.field(default=1, compare=False)


ACTOR_WIRE = tuple(f.name for f in dataclasses.fields(ActorRecord) if f.name != "index")


def actor_record_of(actor: Actor) -> ActorRecord:
    """The record that gives an actor as it is stored, aliases in name order."""
    values = {name: getattr(actor, name) for name in ACTOR_WIRE}
    return ActorRecord(**values | {"aliases": sorted(alias.name for alias in actor.aliases)})


def actor_plain(record: ActorRecord) -> dict[str, Any]:
    """The record's fields as JSON values, as a revision keeps them."""
    return {name: getattr(record, name) for name in ACTOR_WIRE}


def actor_from_plain(values: dict[str, Any]) -> ActorRecord:
    """A record from a revision's snapshot; a field the snapshot predates takes its default."""
    known = {name: values[name] for name in ACTOR_WIRE if name in values}
    return ActorRecord(**known | {"aliases": list(known.get("aliases") or ())})
