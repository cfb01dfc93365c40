"""Accounts: creating them, checking a password, and slowing down whoever keeps guessing."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from timeline.domain.accounts import LoginAttempt, Role, User

# Argon2id with the library's current defaults (RFC 9106's low-memory profile).
HASHER = PasswordHasher()
MIN_PASSWORD = 12
FAILURES_ALLOWED = 5  # per account name, and per address, within WINDOW
WINDOW = dt.timedelta(minutes=15)
# Verified when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("an account name nobody has")


class AccountError(ValueError):
    """An account that cannot be made as asked, with the reason in words."""


class TooManyAttempts(Exception):
    """Too many failed logins lately for this name or address."""


def create_user(session: Session, username: str, password: str, role: Role) -> User:
    """A new account; raises AccountError for a taken name or a short password."""
    username = username.strip()
    if not username or len(username) > 80:
        raise AccountError("a user name has 1 to 80 characters")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    if session.scalars(select(User.id).where(User.username == username)).first():
        raise AccountError(f"there is already a user {username!r}")
    user = User(username=username, password_hash=HASHER.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def _recent_failures(session: Session, column, value: str, now: dt.datetime) -> int:
    statement = select(func.count()).where(
        column == value, LoginAttempt.at >= now - WINDOW, LoginAttempt.succeeded.is_(False)
    )
    return session.scalar(statement) or 0


def authenticate(
    session: Session, username: str, password: str, address: str, now: dt.datetime | None = None
) -> User | None:
    """The account these credentials open, or None; raises TooManyAttempts when the name or
    the address has failed FAILURES_ALLOWED times within WINDOW. Every try is recorded."""
    now = now or dt.datetime.now(dt.UTC)
    username = username.strip()[:80]
    for column, value in ((LoginAttempt.username, username), (LoginAttempt.address, address)):
        if _recent_failures(session, column, value, now) >= FAILURES_ALLOWED:
            raise TooManyAttempts
    user = session.scalars(select(User).where(User.username == username)).first()
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    session.add(LoginAttempt(username=username, address=address, at=now, succeeded=ok))
    if not ok:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    user.last_login_at = now
    return user


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    user.password_hash = HASHER.hash(password)


def all_users(session: Session) -> list[User]:
    """Every account, by name."""
    return list(session.scalars(select(User).order_by(User.username)))


def get_user(session: Session, user_id: int) -> User | None:
    """One account by id, or None."""
    return session.get(User, user_id)


def set_role(user: User, role: Role, by: User) -> None:
    """Give an account a role; nobody changes their own, so an admin always remains."""
    if user.id == by.id and role is not user.role:
        raise AccountError("you cannot change your own role: another admin can")
    user.role = role


def delete_user(session: Session, user: User, by: User) -> None:
    """Remove an account, not one's own; its revisions stay, no longer naming anyone."""
    if user.id == by.id:
        raise AccountError("you cannot delete your own account: another admin can")
    session.delete(user)
    session.flush()
