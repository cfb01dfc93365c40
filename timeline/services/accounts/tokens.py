"""API tokens: made on the account page, shown once, stored as a hash, revoked but kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from timeline.domain.accounts import ApiToken, User

PREFIX = "tl_"  # makes a leaked token recognisable to people and to secret scanners
SHOWN = len(PREFIX) + 6  # how much of a token the account page shows to tell tokens apart
MAX_SECRET = 200  # longer than any token this makes: a longer header is not worth hashing
MAX_NAME = 80
# A token's last use is written at most once a minute: writing it on every request would make
# each API write two writes, and a busy script's every read a write.
USE_NOTED_EVERY = dt.timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be made as asked, with the reason in words."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is not stored and cannot be seen again."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise TokenError(f"a token's name has 1 to {MAX_NAME} characters")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:SHOWN], token_hash=_digest(secret))
    session.add(token)
    session.flush()
    return token, secret


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """A user's tokens, newest first, revoked ones included."""
    statement = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(session.scalars(statement.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(session: Session, user: User, token_id: int, now: dt.datetime | None = None) -> bool:
    """Revoke one of `user`'s tokens; False when they have no such token. Revoking twice
    keeps the first time."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return False
    if token.revoked_at is None:
        token.revoked_at = now or dt.datetime.now(dt.UTC)
        session.flush()
    return True


def user_for_token(session: Session, secret: str, now: dt.datetime | None = None) -> User | None:
    """The account a live token's secret stands for, or None, noting when it was used (to the
    minute).

    The lookup is by the secret's hash, so no comparison ever runs on the secret itself and
    how long a wrong one takes says nothing about a right one."""
    if not secret.startswith(PREFIX) or len(secret) > MAX_SECRET:
        return None
    statement = (
        select(ApiToken)
        .where(ApiToken.token_hash == _digest(secret), ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user))
    )
    token = session.scalars(statement).first()
    if token is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    if token.last_used_at is None or now - token.last_used_at >= USE_NOTED_EVERY:
        token.last_used_at = now
    return token.user
