"""Accounts: creating them, checking a password, and slowing down whoever keeps guessing."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from timeline.domain.accounts import Role, User
from timeline.services.accounts import logins

# Argon2id with the library's current defaults (RFC 9106's low-memory profile).
HASHER = PasswordHasher()
MIN_PASSWORD = 12
# Verified when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("an account name nobody has")


class AccountError(ValueError):
    """An account that cannot be made as asked, with the reason in words."""


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


def authenticate(
    session: Session, username: str, password: str, address: str, now: dt.datetime | None = None
) -> User | None:
    """The account these credentials open, or None; raises logins.TooManyAttempts while this
    name at this address, or this address, must wait after failing. Every try is recorded."""
    now = now or dt.datetime.now(dt.UTC)
    username = username.strip()[:80]
    logins.check_delay(session, username, address, now)
    user = session.scalars(select(User).where(User.username == username)).first()
    ok = _verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    logins.record(session, username, address, now, ok)
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
    """A new password, which also ends every session of the account: whoever held the old
    password, or a cookie from before, is out."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
    user.password_hash = HASHER.hash(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Every session cookie issued to this account so far stops opening it."""
    user.session_version += 1


def user_for_session(session: Session, session_id: str) -> User | None:
    """The account a session names ("id:version", User.get_id), while that version is current."""
    user_id, _, version = session_id.partition(":")
    if not (_number(user_id) and _number(version)):
        return None
    user = session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


def _number(text: str) -> bool:
    """Digits that fit a 64-bit column, so the lookup never fails on PostgreSQL."""
    return 0 < len(text) <= 18 and text.isascii() and text.isdigit()


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
