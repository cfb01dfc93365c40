"""Stored moments are UTC with an offset, on SQLite as on PostgreSQL: in the API and in Python."""

import datetime as dt

from sqlalchemy import select

from tests.factories import make_event
from timeline.domain import LoginAttempt


def test_the_api_gives_created_at_and_updated_at_in_utc_with_an_offset(session, client):
    event = make_event(session, title="A stamped event")
    shown = client.get(f"/api/events/{event.slug}").get_json()["event"]
    (listed,) = client.get("/api/events").get_json()["events"]
    for shape in (shown, listed):
        for key in ("created_at", "updated_at"):
            assert shape[key].endswith("+00:00"), shape[key]
            assert dt.datetime.fromisoformat(shape[key]).utcoffset() == dt.timedelta(0)


def test_a_moment_from_another_zone_reads_back_as_the_same_instant_in_utc(session):
    paris = dt.datetime(2026, 3, 1, 18, 40, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    session.add(LoginAttempt(username="ana", address="192.0.2.1", at=paris, succeeded=True))
    session.commit()
    session.expunge_all()
    at = session.scalars(select(LoginAttempt.at)).one()
    assert at == paris and at.tzinfo == dt.UTC
    assert at.isoformat() == "2026-03-01T17:40:00+00:00"
