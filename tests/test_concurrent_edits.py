"""Writers racing for one event over real HTTP, on a server answering from its own threads and
committing for real: with If-Match exactly one of them wins and the rest are told 412; without
it every change is applied on top of the others, none lost."""

from __future__ import annotations

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import make_accounts, make_app
from tests.test_api_writes import EVENT
from timeline.db import db
from timeline.domain import Revision, User
from timeline.services.accounts import tokens as api_tokens

WRITERS = 8
# A different field for each writer, each a value EVENT does not hold.
CHANGES = [
    {"title": "Northlight and Vocalis sign a dubbing deal"},
    {"summary": "The deal covers the whole back catalogue."},
    {"notes": "Dated from the studio's press release."},
    {"category": "lawsuit"},
    {"start": "2024-03-05"},
    {"sources": [{"url": "https://other.example.org/deal"}]},
    {"actors": [{"name": "Northlight Pictures", "role": "subject"}]},
    {"ongoing": True},
]


@pytest.fixture
def connection():
    """These tests run the site on a database of its own (see `site`): the server answers from
    its own threads, each with its own connection, as in production."""


@pytest.fixture(scope="module")
def migrated(databases, tmp_path_factory) -> str:
    return databases.migrated("races", tmp_path_factory.mktemp("races"))


@pytest.fixture
def site(migrated, databases, tmp_path):
    site = make_app(databases.copy(migrated, "races_site"), tmp_path)
    with site.app_context():
        make_accounts(db.session)
    yield site
    with site.app_context():
        db.engine.dispose()


@pytest.fixture
def live(site):
    """The site on a real port, and the admin's API token."""
    with site.app_context():
        admin = db.session.scalars(select(User).where(User.username == "ada")).one()
        _token, secret = api_tokens.create(db.session, admin, "races")
        db.session.commit()
    server = make_server("127.0.0.1", 0, site, threaded=True)
    site.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", secret
    server.shutdown()
    server.server_close()


def call(method: str, url: str, secret: str, body: dict | None = None, **headers: str):
    """The status, headers and JSON body of one request."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"} | headers
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, json.loads(response.read() or b"null")
    except HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


def at_once(send, count: int = WRITERS) -> list:
    """`send(i)` from `count` threads released together."""
    start = threading.Barrier(count)

    def go(i: int):
        start.wait()
        return send(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(go, range(count)))


def published(base: str, secret: str) -> tuple[str, str]:
    """A published event's address and the ETag its read answers with."""
    status, headers, body = call(
        "POST", f"{base}/api/events", secret, EVENT | {"status": "published"}
    )
    assert status == 201, body
    url = f"{base}/api/events/{body['event']['slug']}"
    status, headers, _ = call("GET", url, secret)
    assert status == 200
    return url, headers["ETag"]


def test_eight_patches_with_one_if_match_one_wins_and_seven_get_412(live, site):
    base, secret = live
    url, etag = published(base, secret)
    answers = at_once(
        lambda i: call("PATCH", url, secret, {"title": f"Title {i}", "status": "published"},
                       **{"If-Match": etag})
    )  # fmt: skip
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] + [412] * (WRITERS - 1), [body for _, _, body in answers]
    (winner,) = [(headers, body) for status, headers, body in answers if status == 200]
    title = winner[1]["event"]["title"]
    for status, headers, body in answers:
        if status == 412:  # the refusal names the version that won, to read again
            assert headers["ETag"] == winner[0]["ETag"] and body["error"]["status"] == 412
    status, headers, body = call("GET", url, secret)
    assert body["event"]["title"] == title and headers["ETag"] == winner[0]["ETag"]
    with site.app_context():
        actions = db.session.scalars(select(Revision.action).order_by(Revision.id)).all()
    assert actions == ["create", "update"]  # the seven refused changed nothing


def test_eight_patches_without_if_match_are_all_applied_none_lost(live, site):
    base, secret = live
    url, _etag = published(base, secret)
    answers = at_once(lambda i: call("PATCH", url, secret, CHANGES[i] | {"status": "published"}))
    assert [status for status, _, _ in answers] == [200] * WRITERS, answers
    assert len({headers["ETag"] for _, headers, _ in answers}) == WRITERS  # eight versions
    _, _, body = call("GET", url, secret)
    event = body["event"]
    for change in CHANGES:
        ((name, value),) = change.items()
        if name == "actors":
            assert [(a["name"], a["role"]) for a in event["actors"]] == [
                ("Northlight Pictures", "subject")
            ]
        elif name == "sources":
            assert [s["url"] for s in event["sources"]] == ["https://other.example.org/deal"]
        else:
            assert event[name] == value, name
