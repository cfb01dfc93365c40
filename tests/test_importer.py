"""`flask seed` and `flask import`: idempotent, matching by slug or alias, all or nothing."""

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from timeline.config import PROJECT_ROOT
from timeline.domain import Actor, Event, EventActor, Source, Status

NEW_EVENTS = """
- title: Video game performers strike against game companies
  start: '2024-07-26'
  end: '2025-06-11'
  precision: day
  category: labor-action
  actors:
  - name: SAG-AFTRA
    kind: union
  - name: Example Game Studio
    kind: game-company
  summary: Performers struck over AI protections.
  sources:
  - https://example.org/strike
- title: A studio announces an AI previsualisation tool
  start: 2024-06
  end: null
  precision: month
  category: production-use
  actors:
  - name: WGA West
    kind: guild
  summary: Something happened some day in June 2024.
  sources:
  - https://example.org/june
"""


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def import_(runner, *args):
    return runner.invoke(args=["import", *map(str, args)])


def test_seed_loads_all_fifty_events_with_roles_and_sources(seeded, session):
    assert count(session, Event) == 50
    strike = session.scalars(
        select(Event).where(Event.slug == "writers-guild-of-america-strike")
    ).one()
    assert (strike.start, strike.end, strike.precision.value) == ("2023-05-02", "2023-09-27", "day")
    assert {link.role.value for link in strike.links} == {"party", "counterparty"}
    assert all(source.publisher for source in strike.sources)
    assert session.scalar(select(func.count()).where(Event.status == Status.PUBLISHED)) == 50


def test_seed_twice_changes_nothing(seeded, runner, session):
    before = session.execute(select(Event.slug, Event.updated_at).order_by(Event.slug)).all()
    counts = [count(session, m) for m in (Event, Actor, EventActor, Source)]
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0
    assert "nothing to change: events: 0 created, 0 updated, 50 unchanged" in second.output
    session.expire_all()
    assert [count(session, m) for m in (Event, Actor, EventActor, Source)] == counts
    assert (
        session.execute(select(Event.slug, Event.updated_at).order_by(Event.slug)).all() == before
    )


def test_seed_if_empty_leaves_a_filled_database_alone(seeded, runner):
    result = runner.invoke(args=["seed", "--if-empty"])
    assert "already holds events: not seeding" in result.output


def test_the_plain_shared_format_over_the_seeds_changes_nothing(seeded, runner, write_file):
    """A file without slugs, roles or publishers matches the seeded events and loses nothing."""
    records = yaml.safe_load((PROJECT_ROOT / "seeds" / "events.yaml").read_text())
    for record in records:
        del record["slug"]
        record["actors"] = [{"name": a["name"], "kind": a["kind"]} for a in record["actors"]]
        record["sources"] = [s["url"] for s in record["sources"]]
    plain = write_file("plain.yaml", yaml.safe_dump(records, sort_keys=False))
    result = import_(runner, plain)
    assert result.exit_code == 0, result.output
    assert "events: 0 created, 0 updated, 50 unchanged; actors: 0 created" in result.output


def test_import_creates_new_events_and_matches_actors_by_alias(seeded, runner, session, write_file):
    actors_before = count(session, Actor)
    result = import_(runner, write_file("new.yaml", NEW_EVENTS))
    assert result.exit_code == 0, result.output
    assert "events: 2 created" in result.output
    assert count(session, Event) == 52
    # SAG-AFTRA and "WGA West" exist already (by slug and by alias); only the game studio is new.
    assert count(session, Actor) == actors_before + 1
    june = session.scalars(select(Event).where(Event.start == "2024-06")).one()
    assert [link.actor.slug for link in june.links] == ["writers-guild-of-america-west"]
    assert june.status is Status.PUBLISHED
    again = import_(runner, write_file("new.yaml", NEW_EVENTS))
    assert "events: 0 created, 0 updated, 2 unchanged" in again.output


def test_import_reports_updates_field_by_field(seeded, runner, write_file):
    records = yaml.safe_load(NEW_EVENTS)
    import_(runner, write_file("a.yaml", yaml.safe_dump(records)))
    records[0]["summary"] = "A corrected summary."
    result = import_(runner, write_file("b.yaml", yaml.safe_dump(records)))
    assert (
        "update event video-game-performers-strike-against-game-companies: summary" in result.output
    )
    assert "1 updated, 1 unchanged" in result.output


def test_dry_run_reports_and_writes_nothing(runner, session, write_file):
    result = import_(runner, "--dry-run", write_file("new.yaml", NEW_EVENTS))
    assert result.exit_code == 0, result.output
    assert "would change: events: 2 created" in result.output
    assert "create event a-studio-announces-an-ai-previsualisation-tool" in result.output
    assert count(session, Event) == 0
    assert count(session, Actor) == 0


def test_draft_flag_keeps_new_events_off_the_public_site(runner, session, client, write_file):
    import_(runner, "--draft", write_file("new.yaml", NEW_EVENTS))
    assert set(session.scalars(select(Event.status))) == {Status.DRAFT}
    assert client.get("/api/events").get_json()["events"] == []


def test_a_json_file_in_the_same_format_imports(runner, session, write_file):
    import json

    path = write_file("new.json", json.dumps(yaml.safe_load(NEW_EVENTS)))
    assert import_(runner, path).exit_code == 0
    assert count(session, Event) == 2


def bad_file(write_file, change: dict, index: int = 1) -> Path:
    """The two good records, with one record's fields changed (None deletes a field)."""
    records = yaml.safe_load(NEW_EVENTS)
    for key, value in change.items():
        if value is None:
            records[index].pop(key)
        else:
            records[index][key] = value
    return write_file("bad.yaml", yaml.safe_dump(records, sort_keys=False))


TITLE = "A studio announces an AI previsualisation tool"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start": "2023-02-30", "precision": "day"}, "start", "February 2023 has no day 30"),
        ({"precision": "week"}, "precision", "unknown value 'week'"),
        ({"precision": "day"}, "start", "known to the month, but precision is 'day'"),
        ({"end": "2024-05"}, "end", "the end 2024-05 is before the start 2024-06"),
        ({"category": "gossip"}, "category", "unknown value 'gossip'"),
        ({"sources": ["not a url"]}, "sources[1]", "is not a web address"),
        (
            {"actors": [{"name": "Nobody Known"}]},
            "actors",
            "'Nobody Known' is a new actor: give its 'kind'",
        ),
        (
            {"actors": [{"name": "SAG-AFTRA", "role": "hero"}]},
            "actors[1].role",
            "unknown value 'hero'",
        ),
        (
            {"sources": [{"url": "https://a.org/x", "title": 42}]},
            "sources[1].title",
            "must be text, got int",
        ),
        ({"category": None}, "category", "is required"),
    ],
)
def test_a_bad_record_is_refused_whole_naming_file_record_and_field(
    runner, session, write_file, change, field, message
):
    path = bad_file(write_file, change)
    result = import_(runner, path)
    assert result.exit_code != 0
    assert f"{path}: record 2 ('{TITLE}'): field '{field}': " in result.output
    assert message in result.output
    assert "nothing was written" in result.output
    assert count(session, Event) == 0  # the good first record was not written either
    assert count(session, Actor) == 0


def test_a_missing_title_is_named_by_index(runner, session, write_file):
    path = bad_file(write_file, {"title": None})
    result = import_(runner, path)
    assert f"{path}: record 2 (untitled): field 'title': is required" in result.output
    assert count(session, Event) == 0


def test_malformed_yaml_names_the_line(runner, session, write_file):
    path = write_file("broken.yaml", "- title: ok\n  start: '2024'\n - title: [unclosed\n")
    result = import_(runner, path)
    assert result.exit_code != 0
    assert f"{path}: malformed YAML at line 3" in result.output
    assert count(session, Event) == 0


def test_a_document_of_the_wrong_shape_is_refused(runner, write_file):
    result = import_(runner, write_file("odd.yaml", "title: not a list\n"))
    assert "expected a list of events" in result.output
    assert result.exit_code != 0


def test_every_problem_is_listed_not_just_the_first(runner, write_file):
    records = yaml.safe_load(NEW_EVENTS)
    records[0]["start"] = "2024-13-01"
    records[1]["category"] = "gossip"
    result = import_(runner, write_file("two.yaml", yaml.safe_dump(records)))
    assert "record 1" in result.output and "record 2" in result.output
    assert "2 problem(s)" in result.output


def test_a_new_actor_without_a_kind_is_listed_with_every_other_problem(runner, session, write_file):
    records = yaml.safe_load(NEW_EVENTS)
    records[0]["category"] = "gossip"
    records[1]["actors"] = [{"name": "An Actor Nobody Has Met"}]
    result = import_(runner, write_file("kindless.yaml", yaml.safe_dump(records)))
    assert "record 1" in result.output and "unknown value 'gossip'" in result.output
    assert "'An Actor Nobody Has Met' is a new actor: give its 'kind'" in result.output
    assert "2 problem(s)" in result.output and result.exit_code != 0
    assert count(session, Event) == count(session, Actor) == 0


def test_two_records_for_one_event_are_refused(runner, write_file):
    records = yaml.safe_load(NEW_EVENTS)
    records.append(dict(records[0]))
    result = import_(runner, write_file("dup.yaml", yaml.safe_dump(records)))
    assert "record 3" in result.output and "the same event as record 1" in result.output


def test_unknown_fields_warn_but_import(runner, session, write_file):
    records = yaml.safe_load(NEW_EVENTS)
    records[0]["titel"] = "typo"
    result = import_(runner, write_file("extra.yaml", yaml.safe_dump(records)))
    assert result.exit_code == 0
    assert "field 'titel': unknown field, ignored" in result.output
    assert count(session, Event) == 2


def test_same_title_on_another_date_is_a_new_event(runner, session, write_file):
    records = yaml.safe_load(NEW_EVENTS)[:1]
    import_(runner, write_file("a.yaml", yaml.safe_dump(records)))
    records[0] |= {"start": "2030-01-01", "end": None}
    import_(runner, write_file("b.yaml", yaml.safe_dump(records)))
    slugs = sorted(session.scalars(select(Event.slug)))
    assert slugs == [
        "video-game-performers-strike-against-game-companies",
        "video-game-performers-strike-against-game-companies-2",
    ]


def test_an_actors_list_is_checked_too(runner, session, write_file):
    path = write_file("actors.yaml", "actors:\n- name: New Guild\n  homepage: ftp://x\n")
    result = import_(runner, path)
    assert f"{path}: record 1 ('New Guild'): field 'kind': is required" in result.output
    assert "field 'homepage': 'ftp://x' is not a web address" in result.output
    assert count(session, Actor) == 0


def test_an_actors_list_adds_aliases_that_later_events_match(runner, session, write_file):
    actors = "actors:\n- name: Example Guild\n  kind: guild\n  aliases: [EG]\n"
    events = NEW_EVENTS.replace("name: WGA West\n    kind: guild", "name: EG")
    assert import_(runner, write_file("a.yaml", actors)).exit_code == 0
    assert import_(runner, write_file("e.yaml", events)).exit_code == 0
    june = session.scalars(select(Event).where(Event.start == "2024-06")).one()
    assert [link.actor.name for link in june.links] == ["Example Guild"]


def test_an_alias_longer_than_a_name_is_refused(runner, session, write_file):
    alias = "x" * 250
    actors = f"actors:\n- name: Example Guild\n  kind: guild\n  aliases: [{alias}]\n"
    result = import_(runner, write_file("long.yaml", actors))
    assert "field 'aliases': must be a list of names of at most 200 characters" in result.output
    assert count(session, Actor) == 0
