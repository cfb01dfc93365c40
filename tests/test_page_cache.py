"""Public pages revalidate cheaply (ETag, Last-Modified, 304), pages for one reader are never
stored, static files live under content-digested names, and no cache — the kept API answers,
the API's 304s, the pages' 304s — can be filled by one client with an answer for another."""

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.factories import make_event
from timeline.domain import Actor
from timeline.web.assets import FOREVER, digested_names
from timeline.web.http_cache import Answers

PUBLIC = ["/", "/categories", "/kinds", "/cost", "/docs/api", "/events/{event}", "/actors/{actor}"]
FOREIGN = [
    {"Host": "evil.example"},
    {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
    {"X-Forwarded-Prefix": "/evil", "X-Forwarded-For": "203.0.113.9"},
]


@pytest.fixture
def public_pages(seeded, session) -> list[str]:
    actor = session.scalars(select(Actor.slug).order_by(Actor.id)).first()
    return [url.format(event="writers-guild-of-america-strike", actor=actor) for url in PUBLIC]


def test_public_pages_answer_a_repeat_with_a_304(public_pages, client):
    for url in public_pages:
        first = client.get(url)
        assert first.status_code == 200, url
        assert first.headers["ETag"] and first.headers["Last-Modified"], url
        assert "no-cache" in first.headers["Cache-Control"], url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
        since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304, url


def test_a_write_makes_the_page_new(public_pages, session, client):
    first = client.get("/")
    make_event(session, "2024-06-01", title="A fresh demo reel")
    after = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and "A fresh demo reel" in after.get_data(as_text=True)


def test_pages_for_one_reader_are_never_stored(public_pages, app, accounts, client):
    login = client.get("/login")  # a form with a CSRF token, and a session cookie
    assert login.headers["Cache-Control"] == "private, no-store" and "ETag" not in login.headers
    assert log_in(client, "ada").status_code == 302
    for url in [*public_pages, "/admin/", "/admin/events/new"]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.headers["Cache-Control"] == "private, no-store", url
        assert "ETag" not in page.headers, url
    # A tag from an anonymous visit earns the logged-in reader no 304 on their own page.
    anonymous = app.test_client().get("/").headers["ETag"]
    assert client.get("/", headers={"If-None-Match": anonymous}).status_code == 200


def test_an_answer_that_sets_a_cookie_is_never_stored(client):
    answer = client.get("/login")
    assert "Set-Cookie" in answer.headers
    assert answer.headers["Cache-Control"] == "private, no-store"


@pytest.fixture
def hosts_unchecked(app, monkeypatch):
    """The app as it runs without a server name: links are built from the request's host."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)


API = "/api/events?limit=1&from=2000&q=strike&sort=start,title&fields=slug,url,title"
ACTOR_API = "/api/actors?limit=2"


@pytest.mark.parametrize("foreign", FOREIGN)
def test_no_foreign_request_poisons_what_others_get(public_pages, hosts_unchecked, app, foreign):
    client = app.test_client()
    ordinary = {url: client.get(url) for url in [API, ACTOR_API, *public_pages]}
    app.extensions["answers"] = Answers(app.config["API_ANSWERS_KEPT"])  # forget them
    for url in ordinary:
        for _ in range(6):
            client.get(url, headers=foreign)
    for url, before in ordinary.items():
        after = client.get(url)
        assert after.status_code == 200, url
        assert b"evil" not in after.data, url
        assert after.data == before.data, url
        assert after.headers["ETag"] == before.headers["ETag"], url


@pytest.mark.parametrize("url", [API, "/actors/{actor}", "/docs/api"])
def test_a_foreign_host_answer_has_its_own_tag(public_pages, hosts_unchecked, app, url, session):
    url = url.format(actor=session.scalars(select(Actor.slug)).first())
    client = app.test_client()
    foreign = client.get(url, headers={"Host": "evil.example"})
    assert b"evil.example" in foreign.data  # what poisoned the shared answers before
    ordinary = client.get(url, headers={"If-None-Match": foreign.headers["ETag"]})
    assert ordinary.status_code == 200 and b"evil.example" not in ordinary.data
    assert ordinary.headers["ETag"] != foreign.headers["ETag"]


def test_static_files_have_digested_names_kept_a_year(app, client):
    index = client.get("/").get_data(as_text=True)
    digested = app.extensions["assets"].digested
    for name in ("css/site.css", "js/timeline.js", "favicon.svg"):
        assert f"/static/{digested[name]}" in index, name
        kept = client.get(f"/static/{digested[name]}")
        kept.close()
        assert kept.status_code == 200 and kept.headers["Cache-Control"] == FOREVER
    plain = client.get("/static/css/site.css")
    plain.close()
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]
    stale = client.get("/static/css/site.000000000000.css")  # a page cached before a deploy
    stale.close()
    assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "css").mkdir()
    style = tmp_path / "css" / "site.css"
    style.write_text("body { color: black; }")
    before = digested_names(tmp_path)["css/site.css"]
    style.write_text("body { color: navy; }")
    after = digested_names(tmp_path)["css/site.css"]
    assert before != after
    assert before.startswith("css/site.") and before.endswith(".css")
