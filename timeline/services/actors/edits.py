"""Writing actors from the editors' pages: the list, adding and editing with aliases, and
merging one actor into another, with a revision for every change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import Session, joinedload

from timeline.domain import Actor, ActorAlias, Event, EventActor, Revision, Subject, User
from timeline.services import revisions
from timeline.services.actors.schema import ACTOR_WIRE, ActorRecord, actor_from_plain
from timeline.services.events.queries import find_actor_by_name
from timeline.services.fields import name_slug

# An actor's address never changes on an edit, and its aliases are rows of their own.
KEPT_ON_WRITE = {"slug", "aliases"}
ACTION_LENGTH = Revision.__table__.c.action.type.length


def resolve(session: Session, typed: str) -> Actor | None:
    """The actor a person means by a slug, a name or an alias, as typed."""
    typed = typed.strip()
    if not typed:
        return None
    found = find_actor_by_name(session, typed) or find_actor_by_name(session, name_slug(typed))
    if found is not None:
        return found
    statement = select(Actor).where(func.lower(Actor.name) == typed.lower()).order_by(Actor.id)
    return session.scalars(statement).first()


def alias_names(changes: ActorRecord) -> dict[str, str]:
    """The aliases to keep, by slug: each once, none that only repeats the actor's name. (One
    matching the actor's own slug stays: after a rename it keeps the old name searchable.)"""
    wanted: dict[str, str] = {}
    for alias in changes.aliases:
        wanted.setdefault(name_slug(alias), alias)
    wanted.pop(name_slug(changes.name), None)
    return wanted


def clashes(session: Session, changes: ActorRecord, actor: Actor | None) -> dict[str, list[str]]:
    """Per form field, each name another actor already goes by (as its address, its name or
    an alias), naming that actor."""
    own_id = actor.id if actor is not None else None
    wanted = alias_names(changes)
    name_key = name_slug(changes.name)
    holders = _holders(session, {name_key: changes.name, **wanted}, own_id)
    problems: dict[str, list[str]] = {}
    if name_key in holders:
        problems["name"] = [_clash(changes.name, name_key, *holders[name_key])]
    alias_problems = [_clash(wanted[k], k, *holders[k]) for k in wanted if k in holders]
    if alias_problems:
        problems["aliases"] = alias_problems
    return problems


def _holders(
    session: Session, typed: dict[str, str], own_id: int | None
) -> dict[str, tuple[Actor, str]]:
    """For each typed name (keyed by its slug) another actor goes by: that actor, and how."""
    lowered = {name.lower(): slug for slug, name in typed.items()}
    others = Actor.id != own_id if own_id is not None else true()
    found: dict[str, tuple[Actor, str]] = {}
    named = Actor.slug.in_(typed) | func.lower(Actor.name).in_(lowered)
    for actor in session.scalars(select(Actor).where(named, others).order_by(Actor.id)):
        if actor.slug in typed:
            found.setdefault(actor.slug, (actor, "address"))
        elif key := lowered.get(actor.name.lower()):
            found.setdefault(key, (actor, "name"))
    aliased = ActorAlias.slug.in_(typed) | func.lower(ActorAlias.name).in_(lowered)
    statement = select(ActorAlias, Actor).join(ActorAlias.actor).where(aliased, others)
    for alias, actor in session.execute(statement.order_by(ActorAlias.id)):
        key = alias.slug if alias.slug in typed else lowered.get(alias.name.lower())
        if key:
            found.setdefault(key, (actor, "alias"))
    return found


def _clash(typed: str, slug: str, holder: Actor, how: str) -> str:
    if how == "address":
        return f"“{typed}” would take the address /actors/{slug}, which belongs to “{holder.name}”."
    which = "the name" if how == "name" else "an alias"
    return f"“{typed}” is already {which} of “{holder.name}” ({holder.slug})."


def create(session: Session, changes: ActorRecord, user: User) -> Actor:
    """Add an actor, its slug made from its name; the caller has checked `clashes`."""
    actor = Actor(slug=name_slug(changes.name))
    session.add(actor)
    return _write(session, actor, changes, user, "create")


def update(
    session: Session, actor: Actor, changes: ActorRecord, user: User, expected: int | None = None
) -> Actor:
    """Change an actor's fields and aliases; its slug stays put. Raises
    revisions.VersionConflict when the actor is not at version `expected` or moved on
    meanwhile (the caller rolls back)."""
    revisions.claim(session, actor, expected)
    _baseline(session, actor)
    return _write(session, actor, changes, user, "update")


def restore(session: Session, actor: Actor, revision: Revision, user: User) -> list[str]:
    """Put an actor back as a revision had it; the names another actor now holds, if any,
    and then nothing is changed."""
    changes = actor_from_plain(revision.snapshot)
    problems = clashes(session, changes, actor)
    if problems:
        return [message for messages in problems.values() for message in messages]
    revisions.claim(session, actor)
    _baseline(session, actor)
    _write(session, actor, changes, user, "restore")
    return []


def _write(session: Session, actor: Actor, changes: ActorRecord, user: User, action: str):
    for name in ACTOR_WIRE:
        if name not in KEPT_ON_WRITE:
            setattr(actor, name, getattr(changes, name))
    wanted = alias_names(changes)
    # An alias that stays keeps its slug: a merged actor's old address lives in one.
    staying = [alias for alias in actor.aliases if name_slug(alias.name) in wanted]
    for alias in staying:
        alias.name = wanted[name_slug(alias.name)]
    actor.aliases = staying
    # Drop the removed aliases before adding new ones: a new one may reuse a removed slug.
    session.flush()
    present = {name_slug(alias.name) for alias in staying} | {alias.slug for alias in staying}
    actor.aliases.extend(ActorAlias(name=n, slug=s) for s, n in wanted.items() if s not in present)
    session.flush()
    revisions.record(
        session, Subject.ACTOR, actor.id, action, user, revisions.actor_snapshot(actor)
    )
    return actor


def _baseline(session: Session, actor: Actor) -> None:
    """Record how an imported actor stood before its first edit, so that edit's diff shows
    the real values before it rather than blanks."""
    if revisions.latest(session, Subject.ACTOR, actor.id) is None:
        snapshot = revisions.actor_snapshot(actor)
        revisions.record(session, Subject.ACTOR, actor.id, "import", None, snapshot)


@dataclass(frozen=True, slots=True)
class MergePreview:
    """What merging `merged` into `kept` does: links that move, links dropped because `kept`
    is already on that event (its role wins), and names that become `kept`'s aliases."""

    merged: Actor
    kept: Actor
    moving: list[EventActor]
    dropped: list[EventActor]
    aliases: list[str]


def merge_preview(session: Session, merged: Actor, kept: Actor) -> MergePreview:
    """What a merge would do, read without changing anything."""
    kept_events = set(
        session.scalars(select(EventActor.event_id).where(EventActor.actor_id == kept.id))
    )
    links = list(session.scalars(_links_of(merged)))
    moving = [link for link in links if link.event_id not in kept_events]
    dropped = [link for link in links if link.event_id in kept_events]
    names = [merged.name, *(alias.name for alias in merged.aliases)]
    return MergePreview(merged, kept, moving, dropped, names)


def _links_of(actor: Actor) -> Select:
    return (
        select(EventActor)
        .join(EventActor.event)
        .where(EventActor.actor_id == actor.id)
        .order_by(Event.starts_on, Event.id)
        .options(joinedload(EventActor.event))
    )


def merge(session: Session, merged: Actor, kept: Actor, user: User) -> MergePreview:
    """Fold `merged` into `kept` in the caller's transaction: its event links and aliases
    move, its name and slug become an alias (so its old address redirects), it is deleted,
    and both actors get a revision."""
    if merged.id == kept.id:
        raise ValueError("an actor cannot be merged into itself")
    preview = merge_preview(session, merged, kept)
    incoming = _incoming(preview)
    _baseline(session, merged)
    _baseline(session, kept)
    _move_links(session, preview)
    _move_aliases(merged, kept)
    session.flush()
    _record_merge(session, preview, incoming, user)
    session.expire(merged, ["links", "aliases"])  # both now empty in the database
    session.delete(merged)
    session.flush()
    return preview


def _move_links(session: Session, preview: MergePreview) -> None:
    """Move the merged actor's links; drop those to events the kept one is on (its role wins)."""
    # Both collections change together: a flush between the two would see a link in one only.
    with session.no_autoflush:
        preview.merged.links  # noqa: B018  (loaded now, before any link leaves it)
        for link in preview.dropped:
            # Out of both collections, so the copies refreshed at the flush no longer count it.
            link.event.links.remove(link)
            preview.merged.links.remove(link)
            session.delete(link)
        for link in preview.moving:
            link.actor = preview.kept


def _move_aliases(merged: Actor, kept: Actor) -> None:
    for alias in list(merged.aliases):
        alias.actor = kept
    if merged.slug not in {alias.slug for alias in kept.aliases}:
        kept.aliases.append(ActorAlias(name=merged.name, slug=merged.slug))


def _incoming(preview: MergePreview) -> revisions.Snapshot:
    """What the kept actor's revision lists as come in (empty lists left out)."""
    incoming = {
        "merged_from": f"{preview.merged.name} ({preview.merged.slug})",
        "events_moved": [f"{link.event.title} ({link.role.value})" for link in preview.moving],
        "events_already_linked": [link.event.title for link in preview.dropped],
    }
    return {key: value for key, value in incoming.items() if value}


def _record_merge(
    session: Session, preview: MergePreview, incoming: revisions.Snapshot, user: User
) -> None:
    merged, kept = preview.merged, preview.kept
    gone = revisions.actor_snapshot(merged) | {"merged_into": kept.slug}
    # A long slug would overflow the action column; the snapshot keeps the whole of it.
    action = f"merged-into:{kept.slug}"[:ACTION_LENGTH]
    revisions.record(session, Subject.ACTOR, merged.id, action, user, gone)
    after = revisions.actor_snapshot(kept) | incoming
    revisions.record(session, Subject.ACTOR, kept.id, "merge", user, after)
