"""Every field of the event and actor contracts survives every way a record travels: the
revision snapshot and its restore, a PATCH of another field, the JSON answer, and a CSV
export imported again. The expectations come from the contracts, so a field added to the
model and the contract but missed by any of these fails here."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from timeline.domain import Actor, Event, Subject, User, UserRole
from timeline.services import revisions
from timeline.services.accounts import tokens
from timeline.services.accounts.users import create_user
from timeline.services.actors import edits as actor_edits
from timeline.services.actors.schema import (
    ACTOR_WIRE,
    ActorRecord,
    actor_from_plain,
    actor_record_of,
)
from timeline.services.events import edits as event_edits
from timeline.services.events.body import check_body
from timeline.services.events.queries import find_actor_by_name
from timeline.services.events.schema import (
    LISTS,
    WIRE,
    WIRE_NAMES,
    EventRecord,
    from_plain,
    plain,
    record_of,
)
from timeline.services.imports import bulk
from timeline.services.vocabulary import load_vocabulary
from timeline.web.api.shapes import CSV_COLUMNS, event_json, event_row

# Columns the database keeps for itself: derived from the contract's fields (the span's
# days, the copies the search reads), or the record's place in review and time.
EVENT_INTERNAL = {
    "id", "precision", "starts_on", "ends_on", "long_span", "status", "actor_names",
    "actor_kinds", "created_at", "updated_at", "version",
}  # fmt: skip
ACTOR_INTERNAL = {"id", "created_at", "updated_at", "version"}

# A value for every field, none of them the field's default, so a field that is dropped
# anywhere on the way shows as changed. A new field needs its sample here.
SAMPLE = {
    "slug": "northlight-dubbing-deal",
    "title": "Northlight signs AI dubbing deal",
    "summary": "The studio will dub its back catalogue with synthetic voices.",
    "category": "studio-deal",
    "start": "2024-03",
    "end": "2024-05",
    "ongoing": False,
    "actors": [
        {"name": "Northlight Pictures", "kind": "studio", "role": "party"},
        {"name": "Vocalis", "kind": "ai-company", "role": "vendor"},
    ],
    "sources": [
        {"url": "https://news.example.org/northlight", "title": "Northlight picks Vocalis",
         "publisher": "Example News", "published": "2024-03-02"},
    ],
    "notes": "The end month is when the first dubbed titles shipped.",
}  # fmt: skip
# The same event with every field changed (ongoing has no end, so it changes instead).
CHANGED = SAMPLE | {
    "title": "Northlight and Vocalis sign a dubbing deal",
    "summary": "A corrected summary.",
    "category": "demo",
    "start": "2024-02",
    "end": None,
    "ongoing": True,
    "actors": [{"name": "Vocalis", "kind": "ai-company", "role": "subject"}],
    "sources": [{"url": "https://other.example.org/deal", "title": "A deal", "publisher": None,
                 "published": None}],
    "notes": "Another note.",
}  # fmt: skip


def _save(session: Session, body: dict, user: User) -> Event:
    vocabulary = load_vocabulary(session)
    checked = check_body(
        body, vocabulary.categories, vocabulary.kinds,
        lambda slug: find_actor_by_name(session, slug) is not None,
    )  # fmt: skip
    assert not checked.errors, checked.errors
    assert checked.record is not None
    event = event_edits.save(session, checked.record, user, publish=True)
    session.commit()
    return event


def _given(event: Event) -> dict:
    """What the event holds, in the shape SAMPLE gives it (actors by name, with kind)."""
    found = plain(record_of(event))
    found["actors"] = [
        {"name": link.actor.name, "kind": link.actor.kind, "role": link.role.value}
        for link in event.links
    ]
    return found


@pytest.fixture
def admin_user(session: Session) -> User:
    user = create_user(session, "contract-admin", "correct horse battery staple", UserRole.ADMIN)
    session.commit()
    return user


@pytest.fixture
def saved(session: Session, admin_user: User) -> Event:
    return _save(session, SAMPLE, admin_user)


def test_every_column_an_editor_sets_is_in_the_contracts():
    event_columns = set(Event.__table__.columns.keys()) - EVENT_INTERNAL
    assert event_columns == set(WIRE_NAMES) - set(LISTS)
    actor_columns = set(Actor.__table__.columns.keys()) - ACTOR_INTERNAL
    assert actor_columns == set(ACTOR_WIRE) - {"aliases"}


def test_the_samples_give_every_field_a_value_other_than_its_default():
    assert list(SAMPLE) == list(CHANGED) == list(WIRE_NAMES)
    for field in WIRE:
        default = field.default_factory() if callable(field.default_factory) else field.default
        values = [SAMPLE[field.name], CHANGED[field.name]]
        assert any(value not in (default, None) for value in values), field.name
        if field.name != "slug":
            assert CHANGED[field.name] != SAMPLE[field.name], field.name


def test_a_saved_event_holds_every_field_given(saved):
    assert _given(saved) == SAMPLE


def test_the_snapshot_keeps_every_field_and_restores_it(session, saved, admin_user):
    snapshot = revisions.event_snapshot(saved)
    assert set(snapshot) == {*WIRE_NAMES, "status"}
    assert from_plain(snapshot, saved.slug) == record_of(saved)
    first = revisions.latest(session, Subject.EVENT, saved.id)
    changed = _save(session, CHANGED, admin_user)
    assert _given(changed) == CHANGED
    event_edits.save(session, from_plain(first.snapshot, saved.slug), admin_user, True, "restore")
    session.commit()
    session.expire_all()
    assert _given(event_edits.get_any_event(session, saved.slug)) == SAMPLE


def test_a_snapshot_older_than_a_field_restores_with_its_default(saved):
    snapshot = revisions.event_snapshot(saved)
    for name in WIRE_NAMES:
        if name not in ("slug", "title", "category", "start"):
            older = {k: v for k, v in snapshot.items() if k != name}
            default = getattr(EventRecord(title="t", category="c", start="2024"), name)
            assert getattr(from_plain(older, saved.slug), name) == default, name


@pytest.mark.parametrize("base, target", [(SAMPLE, CHANGED), (CHANGED, SAMPLE)])
def test_a_patch_of_one_field_keeps_every_other(session, client, admin_user, base, target):
    event = _save(session, base, admin_user)
    _, secret = tokens.create(session, admin_user, "contract")
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    for name in WIRE_NAMES:
        if name == "slug":
            continue
        # An ongoing event has no end: the two change together.
        span = {"end": target["end"], "ongoing": target["ongoing"]}
        body = span if name in span else {name: target[name]}
        published = body | {"status": "published"}  # an admin's change, published at once
        response = client.patch(f"/api/events/{event.slug}", json=published, headers=headers)
        assert response.status_code == 200, (name, response.get_json())
        session.expire_all()
        assert _given(event_edits.get_any_event(session, event.slug)) == base | body, name
        back = client.patch(
            f"/api/events/{event.slug}", json=base | {"status": "published"}, headers=headers
        )
        assert back.status_code == 200, back.get_json()


def test_the_json_answer_shows_every_field(app: Flask, saved):
    with app.test_request_context():
        shown = event_json(saved)
    given = _given(saved)
    for name in WIRE_NAMES:
        if name == "actors":
            shown_actors = [{k: a[k] for k in ("name", "kind", "role")} for a in shown[name]]
            assert shown_actors == given[name]
        else:
            assert shown[name] == given[name], name


def _csv(app: Flask, event: Event) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    with app.test_request_context():
        writer.writerow(event_row(event))
    return out.getvalue()


def test_every_field_has_a_csv_column_and_the_export_imports_unchanged(app, session, saved):
    assert set(WIRE_NAMES) <= set(CSV_COLUMNS)
    upload = bulk.Upload("export.csv", _csv(app, saved))
    report = bulk.apply(session, bulk.check(session, [upload]), saved.status)
    assert report.unchanged == [saved.slug] and not report.updated


def test_a_csv_export_imported_afresh_gives_every_field(app, session, saved):
    text = _csv(app, saved)
    before = _given(saved)
    event_edits.delete(session, saved, None)
    session.commit()
    bulk.apply(session, bulk.check(session, [bulk.Upload("export.csv", text)]), saved.status)
    session.commit()
    after = _given(event_edits.get_any_event(session, SAMPLE["slug"]))
    assert after == before


ACTOR_SAMPLE = ActorRecord(
    slug="vocalis", name="Vocalis", kind="ai-company", aliases=["Vocalis AI"],
    description="A synthetic-voice company.", homepage="https://vocalis.example.org",
)  # fmt: skip


def test_an_actor_snapshot_keeps_every_field_and_restores_it(session, admin_user):
    assert [f.name for f in dataclasses.fields(ActorRecord)] == [*ACTOR_WIRE, "index"]
    for name in ACTOR_WIRE:
        default = ActorRecord(name="x", kind="studio")
        assert getattr(ACTOR_SAMPLE, name) != getattr(default, name), name
    actor = actor_edits.create(session, ACTOR_SAMPLE, admin_user)
    session.commit()
    assert actor_record_of(actor) == ACTOR_SAMPLE
    first = revisions.latest(session, Subject.ACTOR, actor.id)
    assert actor_from_plain(first.snapshot) == ACTOR_SAMPLE
    other = dataclasses.replace(
        ACTOR_SAMPLE, name="Vocalis Labs", kind="studio", aliases=[], description=None,
        homepage=None,
    )  # fmt: skip
    actor_edits.update(session, actor, other, admin_user)
    session.commit()
    assert actor_edits.restore(session, actor, first, admin_user) == []
    session.commit()
    assert actor_record_of(actor) == ACTOR_SAMPLE
