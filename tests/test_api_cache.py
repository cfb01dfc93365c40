"""HTTP caching and limits on /api: validators on every read, 304s, and the 429 shape."""

import re

from tests.conftest import addresses
from tests.factories import make_event
from timeline import create_app
from timeline.db import db


def test_every_read_carries_validators_and_a_repeat_costs_a_304(seeded, app, session, client):
    reads = addresses(app, session, "GET", under="/api/")
    assert "/api/events" in reads and "/api/events.csv" in reads
    for url in reads:
        first = client.get(url)
        assert first.status_code == 200, url
        assert first.headers["ETag"] and first.headers["Last-Modified"], url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
        assert again.headers["ETag"] == first.headers["ETag"], url
        since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304, url


def test_a_change_to_the_data_gives_a_new_answer(seeded, session, client):
    first = client.get("/api/events?category=demo")
    make_event(session, "2024-06-01", title="Fresh demo", category="demo")
    tag = first.headers["ETag"]
    after = client.get("/api/events?category=demo", headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert "Fresh demo" in after.get_data(as_text=True)
    assert after.headers["ETag"] != first.headers["ETag"]


def test_a_change_to_cost_data_gives_a_new_answer(seeded, session, client):
    from timeline.domain import Gpu

    first = client.get("/api/gpus")
    gpu = session.scalars(db.select(Gpu)).first()
    gpu.name = gpu.name + " (renamed)"
    session.commit()
    after = client.get("/api/gpus", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and "(renamed)" in after.get_data(as_text=True)


def test_different_questions_have_different_tags(seeded, client):
    one = client.get("/api/events?category=demo").headers["ETag"]
    other = client.get("/api/events?category=lawsuit").headers["ETag"]
    assert one != other


def test_writes_and_errors_carry_no_validators(client):
    missing = client.get("/api/events/no-such-event")
    assert missing.status_code == 404 and "ETag" not in missing.headers


def test_too_many_requests_get_a_429_in_the_error_shape(database, app):
    limited = create_app({
        "DATABASE_URL": database, "SECRET_KEY": "test-only-key", "SERVER_NAME": "timeline.test",
        "RATELIMIT_APPLICATION": "3 per minute",
    })  # fmt: skip
    client = limited.test_client()
    answers = [client.get("/api/categories") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/json"
    assert refused.get_json()["error"]["status"] == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/").status_code == 200  # the site's pages are not counted
    with limited.app_context():
        db.engine.dispose()


# The savepoints that join each request's session to the test's transaction (see conftest).
SAVEPOINTS = re.compile(r"(RELEASE |ROLLBACK TO )?SAVEPOINT ")


def _statements(connection, request):
    """The SQL statements the database runs while `request()` is answered."""
    from sqlalchemy import event

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not SAVEPOINTS.match(statement):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        response = request()
    finally:
        event.remove(connection, "before_cursor_execute", record)
    return response, seen


def test_a_repeated_question_is_answered_without_a_query(seeded, connection, client):
    url = "/api/events?category=lawsuit&sort=-start"
    first, first_sql = _statements(connection, lambda: client.get(url))
    again, again_sql = _statements(connection, lambda: client.get(url))
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert len(first_sql) > 2
    assert len(again_sql) == 1 and "data_versions" in again_sql[0]


def test_a_kept_answer_is_not_sent_after_any_kind_of_write(seeded, app, session, client):
    from sqlalchemy import delete

    from timeline.domain import Event

    url = "/api/events?category=lawsuit"
    assert client.get(url).get_json()["events"]
    session.execute(delete(Event).where(Event.category == "lawsuit"))  # a bulk write
    session.commit()
    assert client.get(url).get_json()["events"] == []
