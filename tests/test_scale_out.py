"""Two app servers (gunicorn, two workers each) over one database and one Redis, as the README's
scale-out runs them: what one does, the other knows at once. On PostgreSQL when the suite runs
there; otherwise both share one SQLite file, a real deployment shape of its own. Redis is
required: without it this fails, it does not skip."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import redis
import requests

from tests import servers
from tests.conftest import PASSWORD
from tests.test_api_writes import EVENT
from timeline import create_app
from timeline.db import db

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database number of its own; only our keys go
LIMIT = 6  # /api requests a minute per client address, on both servers together
ANSWER_SECONDS = 600  # how long Redis keeps an answer
_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


@pytest.fixture(scope="module")
def shared_redis():
    """Redis at 127.0.0.1:6379, and a key prefix for this run; its keys deleted at the end."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis must answer at {REDIS_URL} for the scale-out test: {exc}")
    prefix = f"timeline-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def pair(databases, shared_redis, tmp_path_factory):
    """Servers A and B over one database and one Redis, behind a proxy that says who asks."""
    folder = tmp_path_factory.mktemp("scale_out")
    url = databases.empty("scale_out")
    secret = servers.migrated_with_admin(url, folder)
    settings = {"DATABASE_URL": url, "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": shared_redis,
                "PROXY_HOPS": "1", "RATELIMIT_APPLICATION": f"{LIMIT} per minute",
                "API_ANSWERS_SECONDS": str(ANSWER_SECONDS)}  # fmt: skip
    a = servers.start(folder, "a", **settings)
    try:
        b = servers.start(folder, "b", **settings)
    except AssertionError:
        a.stop()
        raise
    yield a.url, b.url, secret
    a.stop()
    b.stop()


def client_at(address: str) -> dict[str, str]:
    """The headers the proxy adds for a client at `address`, the site's one public name among
    them: each test is a client of its own, with the whole rate-limit budget."""
    return {"X-Forwarded-For": address, "X-Forwarded-Host": "localhost"}


def test_a_write_on_one_server_is_read_at_once_on_the_other(pair, shared_redis):
    a, b, secret = pair
    me = client_at("198.51.100.10")
    question = "/api/events?from=2024&fields=slug"
    kept = redis.Redis.from_url(REDIS_URL)
    before = set(kept.keys(f"{shared_redis}answers:*"))
    assert requests.get(b + question, headers=me, timeout=10).json()["events"] == []
    [key] = set(kept.keys(f"{shared_redis}answers:*")) - before
    time.sleep(1.1)
    assert requests.get(a + question, headers=me, timeout=10).json()["events"] == []
    assert kept.ttl(key) < ANSWER_SECONDS  # A sent what B kept, and kept nothing anew
    written = requests.post(f"{a}/api/events", json=EVENT | {"status": "published"}, timeout=10,
                            headers=me | {"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert written.status_code == 201
    slug = written.json()["event"]["slug"]
    assert requests.get(f"{b}/api/events/{slug}", headers=me, timeout=10).status_code == 200
    # B kept its first answer for the listing in Redis; the write made it a different question.
    assert requests.get(b + question, headers=me, timeout=10).json()["events"] == [{"slug": slug}]


def test_the_rate_limit_is_counted_across_both_servers(pair):
    a, b, _ = pair
    me = client_at("198.51.100.20")
    answers = [
        requests.get(f"{server}/api/categories", headers=me, timeout=10)
        for server in [a, b] * (LIMIT // 2 + 1)
    ]
    assert [r.status_code for r in answers] == [200] * LIMIT + [429, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    # Another client behind the same proxy still has its own budget.
    other = requests.get(f"{b}/api/categories", headers=client_at("198.51.100.21"), timeout=10)
    assert other.status_code == 200


def _log_in(server: str, browser: requests.Session, password: str, me: dict[str, str]):
    form = browser.get(f"{server}/login", headers=me, timeout=10).text
    data = {"username": "ada", "password": password, "csrf_token": _CSRF.search(form).group(1)}
    return browser.post(f"{server}/login", data=data, headers=me, allow_redirects=False,
                        timeout=30)  # fmt: skip


def test_a_login_lockout_on_one_server_holds_on_the_other(pair):
    a, b, _ = pair
    me = client_at("198.51.100.30")
    failures = []
    # Each failure after the first few makes the next try wait longer (1 s, 2 s, then 4 s):
    # the pauses let each one be counted.
    for pause in (0, 0, 0, 1.2, 2.2):
        time.sleep(pause)
        failures.append(_log_in(a, requests.Session(), "wrong password", me).status_code)
    assert failures == [401] * 5
    assert _log_in(b, requests.Session(), PASSWORD, me).status_code == 429


def test_without_redis_an_app_server_still_answers(database):
    """Redis gone: each process counts and keeps on its own for a while, no answer fails."""
    nowhere = "redis://127.0.0.1:1/0"
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "test-only-key",
                      "SERVER_NAME": "timeline.test", "REDIS_URL": nowhere})  # fmt: skip
    client = app.test_client()
    assert [client.get("/api/categories").status_code for _ in range(2)] == [200, 200]
    with app.app_context():
        db.engine.dispose()
