"""Input a person or a hostile client can send gets a 400 or a 404 with a message, never a 500,
and nothing of it is stored: ids past 64 bits, deep nesting, numbers no float holds, half a
surrogate pair, NUL and other control characters, on SQLite and PostgreSQL alike."""

import base64
import io
import json
import re
import time

import pytest
from flask import render_template
from sqlalchemy import func, select, text

from tests.conftest import NAMED_BY, csrf_token
from tests.factories import make_event
from tests.test_api_writes import bearer, new_token
from timeline.domain import Actor, Event, User
from timeline.web import errors as error_pages
from timeline.web.admin import actors as actor_views
from timeline.web.pages import browse

TOO_BIG = ("9223372036854775808", "99999999999999999999999", "9" * 5000, "0")
DEEP = "[" * 100_000 + "]" * 100_000
EVENT = "title: {title}\n  start: '2024'\n  category: lawsuit\n"


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p id="([\w-]+)-error" class="error" role="alert">([^<]+)</p>', html))


def id_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if "int" in rule.rule]


def with_ids(session, rule, number: str) -> str:
    """The rule's path with `number` for every id and a real slug for every slug."""

    def value(match: re.Match) -> str:
        if match.group(1) == "int":
            return number
        collection = rule.rule[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        return session.scalars(select(NAMED_BY[collection].slug)).first()

    return re.sub(r"<(?:(\w+):)?\w+>", value, rule.rule)


def test_an_id_no_row_can_have_is_a_404_on_every_rule(seeded, app, session, admin):
    assert len(id_rules(app)) >= 10
    for rule in id_rules(app):
        for number in TOO_BIG:
            url = with_ids(session, rule, number)
            if "GET" in rule.methods:
                assert admin.get(url).status_code == 404, url
            if "POST" in rule.methods:
                token = csrf_token(admin, "/admin/account")
                assert admin.post(url, data={"csrf_token": token}).status_code == 404, url


def upload(client, name: str, content: bytes):
    form = {"csrf_token": csrf_token(client, "/admin/imports"), "file": (io.BytesIO(content), name)}
    return client.post("/admin/imports", data=form, content_type="multipart/form-data")


FILES = [
    ("deep.json", DEEP.encode(), "nested more than 16"),
    ("deep.yaml", DEEP.encode(), "nested more than 16"),
    ("deep.yaml", ("- " * 40 + "x").encode(), "nested more than 16"),
    ("long.json", ('[{"title": ' + "9" * 10_000 + "}]").encode(), "a number in the file cannot"),
    ("long.yaml", ("- title: " + "9" * 10_000).encode(), "a number in the file cannot"),
    ("half.json", b'[{"title": "\\ud800", "start": "2024", "category": "lawsuit"}]', "surrogate"),
    ("half.yaml", ("- " + EVENT.format(title='"\\ud800"')).encode(), "surrogate"),
    ("nul.json", b'[{"title": "A\\u0000B", "start": "2024", "category": "lawsuit"}]', "NUL"),
    ("nul.yaml", ("- " + EVENT.format(title='"A\\0B"')).encode(), "NUL"),
    ("bell.yaml", ("- " + EVENT.format(title='"A\\aB"')).encode(), "\\u0007"),
    ("key.json", b'[{"title": "T", "start": "2024", "category": "lawsuit", "\\ud800": 1}]', "name"),
    ("source.json",
     b'[{"title": "T", "start": "2024", "category": "lawsuit", "sources": [{"url": '
     b'"https://example.org/", "publisher": "\\u0000"}]}]', "NUL"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "message"), FILES)
def test_an_unreadable_upload_is_refused_naming_the_file(editor, session, name, content, message):
    response = upload(editor, name, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in html and name in html and message in html
    assert count(session, Event) == 0


def test_a_problem_text_is_named_by_record_and_field(editor):
    content = b'[{"title": "T", "start": "2024", "category": "lawsuit", "notes": "a\\u0000"}]'
    html = upload(editor, "notes.json", content).get_data(as_text=True)
    assert "<code>notes</code>" in html and "NUL character" in html
    tab = b'[{"title": "T", "start": "2024", "category": "lawsuit", "notes": "a\\tb\\nc"}]'
    assert upload(editor, "tab.json", tab).status_code == 200  # a multi-line text keeps both


def test_flask_import_refuses_the_same_files(runner, session, write_file):
    for name, content, message in FILES:
        path = write_file(name, content.decode("utf-8"))
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code != 0 and message in result.output, (name, result.output)
    assert count(session, Event) == 0


def test_a_yaml_alias_bomb_is_refused_quickly(editor, session):
    lines = ["- &a [x, x, x, x, x, x, x, x, x]"]
    for n, name in enumerate("bcdefghij"):
        lines.append(f"- &{name} [" + ", ".join([f"*{'abcdefghij'[n]}"] * 9) + "]")
    lines.append("- {title: T, start: '2024', category: lawsuit, notes: x, sources: *j}")
    started = time.monotonic()
    response = upload(editor, "bomb.yaml", "\n".join(lines).encode())
    assert response.status_code == 400 and time.monotonic() - started < 5
    assert count(session, Event) == 0


def cursor(sort: str, values: list) -> str:
    raw = json.dumps([sort, values, 1]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("value", ["\ud800", "\x1b[31m"])
def test_a_cursor_holding_what_no_title_holds_is_a_400(client, session, value):
    make_event(session, title="A title")
    session.commit()
    token = cursor("title", [value])
    response = client.get(f"/api/events?sort=title&cursor={token}")
    assert response.status_code == 400
    assert "cursor" in response.get_json()["error"]["fields"]
    assert client.get(f"/?sort=title&cursor={token}").status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/api/actors?after=%00", "/api/actors?q=a%00", "/api/events?q=%00", "/api/cost?model=%00",
     "/api/events.csv?actor=%01", "/api/projections?as_of=2024%00"],
)  # fmt: skip
def test_a_control_character_in_a_query_parameter_is_a_400_naming_it(client, url):
    response = client.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert "which is not text" in response.get_json()["error"]["fields"][name]


def test_a_pages_parameter_holding_nul_is_a_400_page(client, admin):
    for page, person in (("/?q=%00", client), ("/admin/actors?q=%00", admin)):
        response = person.get(page)
        assert response.status_code == 400, page
        assert "q: holds a NUL character" in response.get_data(as_text=True)


def test_the_event_form_refuses_nul_and_control_characters_at_their_fields(editor, session):
    page = "/admin/events/new"
    data = {
        "csrf_token": csrf_token(editor, page), "title": "A\x00B", "category": "lawsuit",
        "start": "2024", "summary": "Bell\x07", "notes": "two\nlines\tare fine",
        "actors-0-name": "Someone\x00", "actors-0-kind": "studio", "sources-0-url": "https://a.b/",
        "sources-0-publisher": "\x1b", "save": "Save as draft",
    }  # fmt: skip
    response = editor.post(page, data=data)
    found = field_errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "NUL character" in found["title"] and "\\u0007" in found["summary"]
    assert "NUL character" in found["actors-0-name"] and "\\u001b" in found["sources-0-publisher"]
    assert "notes" not in found
    assert count(session, Event) == 0 and count(session, Actor) == 0


def test_the_actor_form_refuses_nul_at_its_fields(editor, session):
    page = "/admin/actors/new"
    data = {"csrf_token": csrf_token(editor, page), "name": "A\x00", "kind": "studio",
            "description": "ok\x00", "aliases": "B\x00", "save": "Save"}  # fmt: skip
    response = editor.post(page, data=data)
    found = field_errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert {"name", "description", "aliases"} <= set(found)
    assert count(session, Actor) == 0


def test_a_login_with_nul_is_told_at_the_field(client, accounts):
    data = {"csrf_token": csrf_token(client), "username": "ada\x00", "password": "x\x00"}
    response = client.post("/login", data=data)
    found = field_errors(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "NUL character" in found["username"] and "NUL character" in found["password"]


def test_a_cost_form_refuses_numbers_no_column_holds(seeded, admin, session):
    page = "/admin/costs/scenarios/new"
    data = {"csrf_token": csrf_token(admin, page), "slug": "a-claim", "claim": "A claim",
            "usd_per_video_minute": "1e999", "price_ratio": "nan",
            "gpus": "99999999999999999999", "save": "Save"}  # fmt: skip
    response = admin.post(page, data=data)
    found = field_errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "finite number" in found["usd_per_video_minute"]
    assert "finite number" in found["price_ratio"] and "too large" in found["gpus"]


def test_an_api_write_refuses_control_characters(editor, client, session):
    body = {"title": "A\x1bB", "category": "lawsuit", "start": "2024", "summary": "two\nlines"}
    response = client.post("/api/events", json=body, headers=bearer(new_token(editor)))
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"title"}


@pytest.fixture
def unexpected(app, monkeypatch):
    """Failures reach the error handlers, as in production, instead of the test."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def test_a_failed_statement_still_gets_the_sites_500_page(unexpected, admin, monkeypatch):
    def failing(session, *_args):
        session.execute(text("SELECT no_such_column FROM users"))

    # On PostgreSQL the page's own lookup of the logged-in user fails too, unless rolled back.
    monkeypatch.setattr(browse.event_service, "category_counts", failing)
    response = admin.get("/categories")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Internal Server Error" in html and "Log out ada" in html  # the site's own page
    assert admin.get("/kinds").status_code == 200


def test_a_failing_error_page_falls_back_to_a_plain_one(unexpected, admin, monkeypatch, session):
    def failing(*_args):
        raise RuntimeError("a failure nothing answers")

    def no_page(*_args, **_kwargs):
        raise RuntimeError("and the page fails too")

    monkeypatch.setattr(actor_views.actor_queries, "actor_list", failing)
    monkeypatch.setattr(error_pages, "render_template", no_page)
    response = admin.get("/admin/actors")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert render_template is not no_page and count(session, User) == 2
