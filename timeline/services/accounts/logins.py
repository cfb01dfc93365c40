"""Login delays: whoever keeps failing waits longer before each new try, counted per account
name *and* address, so nobody can lock an account from elsewhere.

Two counts, both read from `login_attempts`, so every worker and every server sees the same:

- one name tried from one address: after PAIR_FREE failures since that pair's last success,
  each try waits 1, 2, 4… seconds, up to PAIR_CAP. The same name from another address is not
  slowed, so an attacker cannot keep an editor out.
- one address over every name (a password sprayed across accounts): after ADDRESS_FREE
  failures the same growth, up to ADDRESS_CAP. A name that has logged in from that address
  before is not slowed by it, so a newsroom behind one NAT keeps working when one machine
  behind it misbehaves.
"""

from __future__ import annotations

import datetime as dt
import math
from itertools import takewhile

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from timeline.domain.accounts import LoginAttempt

PAIR_FREE = 3
PAIR_CAP = dt.timedelta(minutes=15)
ADDRESS_FREE = 20  # higher: many honest people may share an address
ADDRESS_CAP = dt.timedelta(minutes=5)
REMEMBERED = dt.timedelta(hours=1)  # failures older than this no longer slow anyone down
# Past this many failures both delays are at their cap, so no query reads more rows.
LOOKED_AT = 64
FAILURES_KEPT = dt.timedelta(days=1)
SUCCESSES_KEPT = dt.timedelta(days=30)  # how long a name stays known at an address


class TooManyAttempts(Exception):
    """This name or address must wait `retry_after` seconds before trying again."""

    def __init__(self, retry_after: int):
        super().__init__(f"try again in {retry_after} seconds")
        self.retry_after = retry_after


def growing_delay(failures: int, free: int, cap: dt.timedelta) -> dt.timedelta:
    """No wait for the first `free` failures, then one that doubles with each, up to `cap`."""
    if failures < free:
        return dt.timedelta(0)
    return min(cap, dt.timedelta(seconds=2 ** min(failures - free, 32)))


def check_delay(session: Session, username: str, address: str, now: dt.datetime) -> None:
    """Raise TooManyAttempts when this name, or this address, must still wait."""
    pair = _pair_failures(session, username, address, now)
    waits = [_wait(pair, PAIR_FREE, PAIR_CAP, now)]
    if not _known(session, username, address, now):
        sprayed = _address_failures(session, address, now)
        waits.append(_wait(sprayed, ADDRESS_FREE, ADDRESS_CAP, now))
    longest = max(waits)
    if longest > dt.timedelta(0):
        raise TooManyAttempts(max(1, math.ceil(longest.total_seconds())))


def record(session: Session, username: str, address: str, now: dt.datetime, ok: bool) -> None:
    """Keep this try, and forget those too old to matter, so the table stays small."""
    session.add(LoginAttempt(username=username, address=address, at=now, succeeded=ok))
    old_failure = (LoginAttempt.at < now - FAILURES_KEPT) & LoginAttempt.succeeded.is_(False)
    forgotten = old_failure | (LoginAttempt.at < now - SUCCESSES_KEPT)
    session.execute(delete(LoginAttempt).where(forgotten))


def _wait(failures: list[dt.datetime], free: int, cap: dt.timedelta, now: dt.datetime):
    """How long from `now` until the next try, given failures newest first."""
    if not failures:
        return dt.timedelta(0)
    return failures[0] + growing_delay(len(failures), free, cap) - now


def _pair_failures(session: Session, username: str, address: str, now: dt.datetime):
    """The pair's recent failures since its last success, newest first."""
    statement = (
        select(LoginAttempt.at, LoginAttempt.succeeded)
        .where(LoginAttempt.username == username, LoginAttempt.address == address)
        .where(LoginAttempt.at >= now - REMEMBERED)
        .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc())
        .limit(LOOKED_AT)
    )
    return [row.at for row in takewhile(lambda row: not row.succeeded, session.execute(statement))]


def _address_failures(session: Session, address: str, now: dt.datetime) -> list[dt.datetime]:
    """The address's recent failures under any name, newest first; a success resets nothing
    here, or a sprayer would log into an account of their own between guesses."""
    statement = (
        select(LoginAttempt.at)
        .where(LoginAttempt.address == address, LoginAttempt.succeeded.is_(False))
        .where(LoginAttempt.at >= now - REMEMBERED)
        .order_by(LoginAttempt.at.desc())
        .limit(LOOKED_AT)
    )
    return list(session.scalars(statement))


def _known(session: Session, username: str, address: str, now: dt.datetime) -> bool:
    """Whether this name has logged in from this address lately."""
    statement = select(LoginAttempt.id).where(
        LoginAttempt.username == username,
        LoginAttempt.address == address,
        LoginAttempt.succeeded.is_(True),
        LoginAttempt.at >= now - SUCCESSES_KEPT,
    )
    return session.scalars(statement.limit(1)).first() is not None
