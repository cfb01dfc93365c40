"""Failed logins slow down whoever fails, per account name and address, with delays that grow;
nobody can keep an account, or a whole office behind one address, out."""

import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, csrf_token
from timeline.domain import LoginAttempt
from timeline.services.accounts import logins, users

ATTACKER, EDITOR_DESK, OFFICE = "203.0.113.9", "198.51.100.7", "192.0.2.44"


def attempt(app, username: str, password: str, address: str):
    """A login from `address`, as a browser there would send it."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data)


def failed_before(session, username: str, address: str, times: int, ago=dt.timedelta(0)):
    """`times` failures of `username` from `address`, the newest `ago` before now."""
    at = dt.datetime.now(dt.UTC) - ago
    for n in range(times):
        attempt_at = at - dt.timedelta(milliseconds=n)
        session.add(
            LoginAttempt(username=username, address=address, at=attempt_at, succeeded=False)
        )
    session.commit()


def test_delays_double_after_the_free_failures_up_to_a_cap():
    free, cap = logins.PAIR_FREE, logins.PAIR_CAP
    delays = [logins.growing_delay(n, free, cap).total_seconds() for n in range(free + 12)]
    assert delays[:free] == [0] * free
    assert delays[free : free + 4] == [1, 2, 4, 8]
    assert max(delays) == cap.total_seconds() == delays[-1]


def test_a_refused_login_says_when_to_try_again(app, accounts, session):
    failed_before(session, "edna", ATTACKER, logins.PAIR_FREE + 5)  # the next waits 32 s
    refused = attempt(app, "edna", PASSWORD, ATTACKER)  # even the right password, for now
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 32
    assert f"Try again in {wait} second" in refused.get_data(as_text=True)


def test_an_attacker_elsewhere_does_not_keep_the_owner_out(app, accounts, session):
    failed_before(session, "edna", ATTACKER, 60)
    assert attempt(app, "edna", "a guess", ATTACKER).status_code == 429
    assert attempt(app, "edna", PASSWORD, EDITOR_DESK).status_code == 302


def test_spraying_names_from_one_address_is_slowed_but_its_known_users_get_in(
    app, accounts, session
):
    session.add(
        LoginAttempt(
            username="edna", address=OFFICE, succeeded=True,
            at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3),
        )
    )  # fmt: skip
    for n in range(logins.ADDRESS_FREE + 4):
        failed_before(session, f"name-{n}", OFFICE, 1)
    refused = attempt(app, "ada", PASSWORD, OFFICE)  # never logged in from this office
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert attempt(app, "edna", PASSWORD, OFFICE).status_code == 302


def test_the_wait_is_over_once_its_time_has_passed(app, accounts, session):
    failed_before(session, "edna", ATTACKER, logins.PAIR_FREE + 2, ago=dt.timedelta(seconds=5))
    assert attempt(app, "edna", PASSWORD, ATTACKER).status_code == 302  # waited 4 s already


def test_a_success_resets_the_pairs_count(session, accounts):
    start = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    for n in range(logins.PAIR_FREE):
        users.authenticate(session, "edna", "a guess", EDITOR_DESK, start + dt.timedelta(seconds=n))
    later = start + dt.timedelta(minutes=1)
    assert users.authenticate(session, "edna", PASSWORD, EDITOR_DESK, later) is not None
    users.authenticate(session, "edna", "a typo", EDITOR_DESK, later + dt.timedelta(seconds=1))
    again = later + dt.timedelta(seconds=2)
    assert users.authenticate(session, "edna", PASSWORD, EDITOR_DESK, again) is not None


def test_a_wait_is_refused_without_checking_the_password(session, accounts):
    start = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    for n in range(logins.PAIR_FREE + 3):
        at = start + dt.timedelta(seconds=n * 60)
        users.authenticate(session, "edna", "a guess", ATTACKER, at)
    soon = start + dt.timedelta(seconds=(logins.PAIR_FREE + 2) * 60 + 3)
    with pytest.raises(logins.TooManyAttempts) as refused:
        users.authenticate(session, "edna", PASSWORD, ATTACKER, soon)
    assert refused.value.retry_after == 8 - 3


def test_old_attempts_are_forgotten(session, accounts):
    failed_before(session, "edna", ATTACKER, 3, ago=logins.FAILURES_KEPT + dt.timedelta(hours=1))
    users.authenticate(session, "edna", PASSWORD, EDITOR_DESK)
    session.commit()
    kept = session.scalars(select(LoginAttempt.address)).all()
    assert kept == [EDITOR_DESK]
