"""Bulk import from the editors' pages: upload, preview (writing nothing), confirm (all or
nothing, drafts unless an admin publishes); the same code as `flask import`."""

import io
import re

import pytest
import yaml
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import csrf_token
from timeline.domain import Actor, Event, Revision, Status
from timeline.services.imports.bulk import MAX_BYTES

EVENTS = """
- title: Video game performers strike against game companies
  start: '2024-07-26'
  end: '2025-06-11'
  category: labor-action
  actors:
  - name: SAG-AFTRA
    kind: union
    role: party
  - name: Example Game Studio
    kind: game-company
    role: counterparty
  summary: Performers struck over AI protections.
  sources:
  - https://example.org/strike
- title: A studio announces an AI previsualisation tool
  start: 2024-06
  category: production-use
  actors:
  - name: Example Game Studio
  summary: Something happened some day in June 2024.
  sources:
  - https://example.org/june
"""
STRIKE = "video-game-performers-strike-against-game-companies"
PREVIS = "a-studio-announces-an-ai-previsualisation-tool"

CSV = (
    "title,start,end,ongoing,category,summary,actors,sources\n"
    "Northlight signs AI dubbing deal,2024-03,,no,studio-deal,Dubbing with synthetic voices.,"
    '"Northlight Pictures (party, studio); Vocalis (vendor, ai-company)",'
    "https://news.example.org/northlight; https://news.example.org/vocalis\n"
    "Vocalis opens a Los Angeles office,2024-05-02,,no,studio-deal,,Vocalis (subject),"
    "https://news.example.org/vocalis-la\n"
)


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def upload(client, name: str, content: str | bytes):
    """Send a file to the preview, as the upload form does."""
    data = content.encode() if isinstance(content, str) else content
    form = {"csrf_token": csrf_token(client, "/admin/imports"), "file": (io.BytesIO(data), name)}
    return client.post("/admin/imports", data=form, content_type="multipart/form-data")


def confirm(client, preview_html: str, **fields):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview_html).group(1)
    form = {"csrf_token": csrf_token(client, "/admin/imports"), "token": token} | fields
    return client.post("/admin/imports/confirm", data=form)


def problems(html: str) -> list[tuple[str, ...]]:
    """The rows of the problems table: file, record, field, message."""
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", html
    )
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in row) for row in rows]


def test_the_upload_page_offers_a_file_field(editor):
    html = editor.get("/admin/imports").get_data(as_text=True)
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert 'accept=".yaml,.yml,.json,.csv"' in html


def test_a_yaml_preview_lists_what_it_would_create_and_writes_nothing(editor, session):
    response = upload(editor, "events.yaml", EVENTS)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "events: 2 created, 0 updated, 0 unchanged; actors: 2 created" in html
    assert f"<code>{STRIKE}</code>" in html and f"<code>{PREVIS}</code>" in html
    assert "create <code>example-game-studio</code>" in html
    assert (count(session, Event), count(session, Actor), count(session, Revision)) == (0, 0, 0)


def test_a_csv_preview_lists_what_it_would_create(editor, session):
    html = upload(editor, "deals.csv", CSV).get_data(as_text=True)
    assert "events: 2 created" in html and "actors: 2 created" in html
    assert "<code>northlight-signs-ai-dubbing-deal</code>" in html
    assert "<code>vocalis-opens-a-los-angeles-office</code>" in html
    assert count(session, Event) == 0


def test_confirm_writes_drafts_with_a_revision_each(editor, session, client):
    preview = upload(editor, "events.yaml", EVENTS).get_data(as_text=True)
    response = confirm(editor, preview)
    assert response.status_code == 302 and response.location.endswith("/admin/")
    events = session.scalars(select(Event).order_by(Event.slug)).all()
    assert [e.slug for e in events] == [PREVIS, STRIKE]
    assert {e.status for e in events} == {Status.DRAFT}
    assert [link.role.value for link in events[1].links] == ["party", "counterparty"]
    assert client.get("/api/events").get_json()["events"] == []  # drafts are not public
    revisions = session.scalars(select(Revision)).all()
    assert sorted(r.record_id for r in revisions) == sorted(e.id for e in events)
    assert {(r.action, r.user.username) for r in revisions} == {("import", "edna")}
    queue = editor.get("/admin/").get_data(as_text=True)
    assert "Imported “events.yaml”: events: 2 created" in queue
    assert "Video game performers strike" in queue  # in the review queue


def test_an_admin_may_publish_on_import(admin, session, client):
    preview = upload(admin, "events.yaml", EVENTS).get_data(as_text=True)
    assert "Publish on import" in preview
    confirm(admin, preview, publish="y")
    public = client.get("/api/events").get_json()["events"]
    assert sorted(e["slug"] for e in public) == [PREVIS, STRIKE]


def test_an_editor_may_not_publish_on_import(editor, session):
    preview = upload(editor, "events.yaml", EVENTS).get_data(as_text=True)
    assert "Publish on import" not in preview
    assert confirm(editor, preview, publish="y").status_code == 403
    assert count(session, Event) == 0


def test_an_editors_change_to_a_published_event_waits_for_review(admin, editor, session, client):
    confirm(admin, upload(admin, "events.yaml", EVENTS).get_data(as_text=True), publish="y")
    records = yaml.safe_load(EVENTS)
    records[0]["summary"] = "A corrected summary."
    preview = upload(editor, "fix.yaml", yaml.safe_dump(records)).get_data(as_text=True)
    assert "events: 0 created, 1 updated, 1 unchanged" in preview
    assert f"<code>{STRIKE}</code></a></td><td>summary</td>" in preview
    confirm(editor, preview)
    public = client.get("/api/events").get_json()["events"]
    assert [e["slug"] for e in public] == [PREVIS]


def test_a_preview_is_confirmed_once_and_only_by_its_uploader(editor, admin, session):
    preview = upload(editor, "events.yaml", EVENTS).get_data(as_text=True)
    assert confirm(admin, preview).location.endswith("/admin/imports")  # not the admin's file
    assert count(session, Event) == 0
    confirm(editor, preview)
    again = confirm(editor, preview)
    assert again.location.endswith("/admin/imports")
    assert "expired or was imported already" in editor.get("/admin/imports").get_data(as_text=True)


@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_one_bad_record_refuses_the_file_naming_file_record_and_field(editor, session, step):
    records = yaml.safe_load(EVENTS)
    records[1]["category"] = "gossip"
    response = upload(editor, "bad.yaml", yaml.safe_dump(records, sort_keys=False))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported: 1 problem" in html
    record = "2 “A studio announces an AI previsualisation tool”"
    assert problems(html) == [("bad.yaml", record, "category", problems(html)[0][3])]
    assert "unknown value &#39;gossip&#39;" in html
    assert 'name="token"' not in html  # nothing to confirm
    assert (count(session, Event), count(session, Actor)) == (0, 0)


def test_a_file_refused_at_confirm_writes_nothing(editor, session):
    actors = "actors:\n- name: Example Guild\n  kind: guild\n  aliases: [EG]\nevents: []\n"
    preview = upload(editor, "guild.yaml", actors).get_data(as_text=True)
    assert "actors: 1 created" in preview
    session.add(Actor(slug="eg", name="EG", kind="studio"))  # meanwhile, "EG" is taken
    session.commit()
    response = confirm(editor, preview)
    assert response.status_code == 400
    found = problems(response.get_data(as_text=True))
    assert found == [("guild.yaml", "1 “Example Guild”", "aliases", found[0][3])]
    assert "already names the actor" in found[0][3]
    assert count(session, Actor) == 1


def test_a_csv_export_re_imports_unchanged(seeded, admin, session):
    exported = admin.get("/api/events.csv").get_data()
    response = upload(admin, "events.csv", exported)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, problems(html)
    assert "events: 0 created, 0 updated, 50 unchanged; actors: 0 created, 0 updated" in html
    assert "import-warnings" not in html


def test_the_cli_imports_a_csv_file_the_same_way(runner, session, write_file):
    result = runner.invoke(args=["import", "--draft", str(write_file("deals.csv", CSV))])
    assert result.exit_code == 0, result.output
    assert "changed: events: 2 created, 0 updated, 0 unchanged; actors: 2 created" in result.output
    deal = session.scalars(select(Event).where(Event.start == "2024-03")).one()
    assert [(a.actor.name, a.actor.kind, a.role.value) for a in deal.links] == [
        ("Northlight Pictures", "studio", "party"),
        ("Vocalis", "ai-company", "vendor"),
    ]
    assert len(deal.sources) == 2 and deal.status is Status.DRAFT
    assert {r.action for r in session.scalars(select(Revision))} == {"import"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("events.txt", "- title: x", "Choose a YAML, JSON or CSV file"),
        ("events.yaml", b"\xff\xfe\x00garbage\x9c", "it is not UTF-8 text"),
        ("events.yaml", "- title: ok\n - title: [unclosed\n", "malformed YAML at line 2"),
        ("events.json", "{not json", "malformed JSON at line 1, column 2"),
        ("events.yaml", "just some words", "expected a list of events"),
        ("events.csv", "lorem ipsum\ndolor sit amet\n", "missing: title, start, category"),
        ("events.csv", 'title,start,category\n"x,2024\n', "malformed CSV near line 2"),
        ("events.csv", "title,start,category\nA,2024,demo,extra\n", "1 more cell(s)"),
    ],
)
def test_unknown_or_unreadable_files_get_a_clear_message(editor, session, name, content, message):
    response = upload(editor, name, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert count(session, Event) == 0


def test_a_file_over_the_size_limit_is_refused(editor):
    # Encoded here: the test client spools a body this large to a file it never closes.
    file = FileStorage(io.BytesIO(b"#" * (MAX_BYTES + 1)), filename="big.yaml")
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(editor, "/admin/imports"), "file": file}
    )
    kind = f"multipart/form-data; boundary={boundary}"
    response = editor.post("/admin/imports", data=body, content_type=kind)
    assert response.status_code == 400
    assert "The file is over 5 MB" in response.get_data(as_text=True)


def test_no_file_is_asked_for(editor):
    data = {"csrf_token": csrf_token(editor, "/admin/imports")}
    response = editor.post("/admin/imports", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_a_post_without_csrf_token_is_refused(editor, session):
    form = {"file": (io.BytesIO(EVENTS.encode()), "events.yaml")}
    response = editor.post("/admin/imports", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert editor.post("/admin/imports/confirm", data={"token": "x" * 32}).status_code == 400
    assert count(session, Event) == 0


def test_anonymous_visitors_are_sent_to_log_in(client, accounts):
    for method, url in [("GET", "/admin/imports"), ("POST", "/admin/imports")]:
        response = client.open(url, method=method, data={"csrf_token": csrf_token(client)})
        assert response.status_code == 302 and "/login" in response.location
