"""A large import costs a handful of queries, not several per record, and writes what the
record-by-record importer wrote: the same rows, slugs and revisions."""

from __future__ import annotations

import json

from sqlalchemy import event, func, select

from timeline.db import db
from timeline.domain import Event, EventActor, Revision, Source

ACTORS = [
    {"name": f"Studio {n}", "kind": "studio", "aliases": [f"S{n} Pictures"]} for n in range(20)
]


def events(count: int, **extra) -> list[dict]:
    """Events without slugs, each naming two of ACTORS (one by an alias), a few sharing a
    title on different days so that their slugs are made unique."""
    return [
        {
            "title": f"Studio deal number {n % (count // 2)}", "start": f"2024-{n % 12 + 1:02d}",
            "category": "studio-deal", "summary": f"Deal {n}.",
            "actors": [{"name": f"Studio {n % 20}", "role": "party"},
                       {"name": f"S{(n + 1) % 20} Pictures", "role": "counterparty"}],
            "sources": [f"https://news.example.org/deal-{n}"],
        } | extra
        for n in range(count)
    ]  # fmt: skip


def queries_during(app, action) -> int:
    """How many SELECT statements `action` sends to the database."""
    sent: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: sent.append(args[2])  # noqa: E731 (before_cursor_execute)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return sum(statement.lstrip().upper().startswith("SELECT") for statement in sent)


def test_importing_300_events_takes_a_few_queries(app, runner, write_file, session):
    path = write_file("many.json", json.dumps({"actors": ACTORS, "events": events(300)}))
    sent = queries_during(app, lambda: runner.invoke(args=["import", str(path)]))
    assert session.scalar(select(func.count(Event.id))) == 300
    # Reading vocabularies, actors, events and revisions in batches; and a look for each slug
    # made from a title that this import already gave (150 titles appear twice).
    assert sent <= 160, f"{sent} queries for 300 events"
    assert session.scalar(select(func.count()).select_from(EventActor)) == 600
    assert session.scalar(select(func.count()).select_from(Source)) == 300
    assert session.scalar(select(func.count()).select_from(Revision)) == 300
    slugs = session.scalars(select(Event.slug).where(Event.title == "Studio deal number 7"))
    assert sorted(slugs) == ["studio-deal-number-7", "studio-deal-number-7-2"]
    names = session.scalars(select(Event.actor_names).where(Event.slug == "studio-deal-number-7"))
    assert names.one() == "Studio 7 S7 Pictures Studio 8 S8 Pictures"


def test_a_second_import_updates_by_title_and_start_and_records_what_changed(
    app, runner, write_file, session
):
    first = write_file("first.json", json.dumps({"actors": ACTORS, "events": events(40)}))
    assert runner.invoke(args=["import", str(first)]).exit_code == 0
    again = write_file("again.json", json.dumps(events(40, summary="Revised.")))
    result = runner.invoke(args=["import", str(again)])
    assert result.exit_code == 0, result.output
    assert "0 created, 40 updated" in result.output
    assert session.scalar(select(func.count(Event.id))) == 40
    revisions = session.scalars(select(Revision).order_by(Revision.id)).all()
    assert len(revisions) == 80
    assert {tuple(r.changes) for r in revisions[40:]} == {("summary",)}
    assert revisions[-1].changes["summary"][1] == "Revised."
    same = runner.invoke(args=["import", str(again)])
    assert "nothing to change" in same.output
    assert session.scalar(select(func.count()).select_from(Revision)) == 80
