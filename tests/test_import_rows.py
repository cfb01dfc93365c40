"""An import writes the events it creates as rows (services/imports/rows.py), a form's write
as mapped objects: both must store exactly the same thing, column by column."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.conftest import slugs
from timeline.domain import Actor, Event, EventActor, Revision, Source, Status, Subject
from timeline.services import revisions
from timeline.services.imports import bulk
from timeline.services.imports.writer import Importer

ACTORS = [
    {"name": "Northlight Studios", "kind": "studio", "aliases": ["Northlight", "NL Pictures"]},
    {"name": "Pixelmind", "kind": "ai-company"},
]
FIRST = [
    {"title": "Northlight signs a video model deal", "start": "2024-03-05",
     "category": "studio-deal", "summary": "A licence for previsualisation.",
     "notes": "Reported twice.",
     "actors": [{"name": "NL Pictures", "role": "party"},
                {"name": "Pixelmind", "role": "vendor"},
                {"name": "Ada Brightwater", "kind": "person"}],
     "sources": [{"url": "https://news.example.org/a", "title": "Deal", "publisher": "Trades",
                  "published": "2024-03"}, "https://news.example.org/b"]},
    {"title": "Northlight signs a video model deal", "start": "2023", "end": "2025",
     "category": "studio-deal", "actors": [{"name": "Pixelmind"}]},
    {"title": "A strike over synthetic performers", "start": "2024-07", "ongoing": True,
     "category": "labor-action", "actors": [{"name": "Northlight", "role": "counterparty"}]},
    {"title": "Existing event, retitled", "slug": "existing-event", "start": "2022-01-01",
     "category": "studio-deal", "actors": [{"name": "Pixelmind", "role": "subject"}]},
]  # fmt: skip
# A second file changes an event the first one creates, in the same import.
SECOND = [
    {"title": "A strike over synthetic performers", "start": "2024-07", "ongoing": True,
     "category": "labor-action", "summary": "Now with a summary.",
     "actors": [{"name": "Pixelmind", "role": "party"}, {"name": "Northlight"}],
     "sources": ["https://news.example.org/c"]},
]  # fmt: skip
SKIPPED = {"id", "event_id", "created_at", "updated_at", "at"}  # ids are compared as slugs


def _apply_as_mapped_objects(session, bundles, status: Status) -> None:
    """bulk.apply, with the importer a form uses (every event a mapped object)."""
    importer = Importer(session, status)
    importer.run(*bundles)
    snapshots = [
        (event.id, bulk.ACTION, None, revisions.event_snapshot(event))
        for event in importer.changed_events()
    ]
    revisions.record_many(session, Subject.EVENT, snapshots)
    session.flush()


def _stored(session) -> dict[str, list]:
    """Every row the imports write, with ids replaced by the slugs they stand for."""
    session.expire_all()
    slug_of = dict(session.execute(select(Event.id, Event.slug)).all())
    actor_of = dict(session.execute(select(Actor.id, Actor.slug)).all())

    def columns(row) -> dict:
        return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in SKIPPED}

    events = [columns(e) for e in session.scalars(select(Event).order_by(Event.slug))]
    links = sorted(
        (slug_of[link.event_id], actor_of[link.actor_id], link.role, link.position)
        for link in session.scalars(select(EventActor))
    )
    sources = sorted(
        (slug_of[s.event_id], *sorted(columns(s).items(), key=str))
        for s in session.scalars(select(Source))
    )
    history = sorted(
        (slug_of[r.record_id], json.dumps(columns(r) | {"record_id": None}, sort_keys=True))
        for r in session.scalars(select(Revision).where(Revision.subject == Subject.EVENT))
    )
    return {"events": events, "links": links, "sources": sources, "revisions": history}


def _bundles(session):
    uploads = [
        bulk.Upload("first.json", json.dumps({"actors": ACTORS, "events": FIRST})),
        bulk.Upload("second.json", json.dumps(SECOND)),
    ]
    return bulk.check(session, uploads)


def test_created_rows_match_the_mapped_objects_path_field_by_field(session):
    existing = Event(
        slug="existing-event", title="Existing event", category="studio-deal", summary="Old.",
        status=Status.PUBLISHED,
    )  # fmt: skip
    existing.set_span(bulk.check(session, [bulk.Upload("x.json", json.dumps(FIRST[3:]))])[0]
                      .events[0].span)  # fmt: skip
    session.add(existing)
    session.flush()

    trial = session.begin_nested()
    _apply_as_mapped_objects(session, _bundles(session), Status.DRAFT)
    as_objects = _stored(session)
    trial.rollback()

    report = bulk.apply(session, _bundles(session), Status.DRAFT)
    as_rows = _stored(session)

    assert len(report.created) == 3 and "existing-event" in report.updated
    assert as_rows["events"] == as_objects["events"]
    assert as_rows["links"] == as_objects["links"]
    assert as_rows["sources"] == as_objects["sources"]
    assert as_rows["revisions"] == as_objects["revisions"]
    created = {e["slug"]: e for e in as_rows["events"]}
    # What the rows carry beyond the file's fields, worked out as for an edited event.
    strike = created["a-strike-over-synthetic-performers"]
    assert strike["long_span"] is True and strike["summary"] == "Now with a summary."
    assert strike["actor_names"] == "Pixelmind Northlight Studios NL Pictures Northlight"
    assert created["northlight-signs-a-video-model-deal-2"]["long_span"] is True
    assert created["northlight-signs-a-video-model-deal"]["actor_kinds"] == (
        " studio ai-company person "
    )


def test_created_events_are_found_by_search_and_move_the_data_version(client, session):
    assert slugs(client, "/api/events?q=previsualisation") == []
    etag = client.get("/api/events").headers["ETag"]
    bulk.apply(session, _bundles(session), Status.PUBLISHED)
    session.commit()
    # Found through the full-text index, which on SQLite its triggers fill row by row.
    assert slugs(client, "/api/events?q=previsualisation") == [
        "northlight-signs-a-video-model-deal"
    ]
    assert slugs(client, '/api/events?q="NL Pictures"') == [
        "northlight-signs-a-video-model-deal", "a-strike-over-synthetic-performers"
    ]  # fmt: skip
    assert slugs(client, "/api/events?q=performers") == ["a-strike-over-synthetic-performers"]
    assert client.get("/api/events").headers["ETag"] != etag
    # An event written afterwards as a form writes it is still indexed as it is written.
    again = bulk.Upload("later.json", json.dumps([FIRST[0] | {"title": "Gondolier pact"}]))
    _apply_as_mapped_objects(session, bulk.check(session, [again]), Status.PUBLISHED)
    session.commit()
    assert slugs(client, "/api/events?q=gondolier") == ["gondolier-pact"]
