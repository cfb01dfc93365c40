"""People who edit: accounts with a role, their API tokens, and the login attempts that rate
limiting counts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from timeline.db import Base, created_at, intpk, vocabulary_column


class Role(StrEnum):
    """What an account may do: editors write drafts, admins also publish, delete and manage."""

    EDITOR = "editor"
    ADMIN = "admin"


class User(Base):
    """An editor's or admin's account; the password is stored only as an Argon2id hash."""

    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(vocabulary_column(Role, "user_role"))
    created_at: Mapped[created_at]
    last_login_at: Mapped[dt.datetime | None]
    # Part of what a session cookie names (see get_id): moving it on logout or a password
    # change makes every cookie issued before it name a version that no longer exists.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    # Flask-Login's user interface.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the signed session keeps: the id and the session version, so a cookie copied
        before a logout or a password change stops opening the account."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class LoginAttempt(Base):
    """One try at logging in, kept so repeated failures can be slowed down on every worker
    and server alike: the delays are read from these rows, not from any process's memory."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        # The delay of one name tried from one address, and of one address over every name.
        Index("ix_login_attempts_username_address_at", "username", "address", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
        # Forgetting old attempts deletes by age alone.
        Index("ix_login_attempts_at", "at"),
    )

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean)


class ApiToken(Base):
    """A secret a program sends as `Authorization: Bearer …` to write through /api as its
    account. Revoked tokens are kept, so the account page can show what was revoked and when.

    Only the secret's SHA-256 is stored. Passwords need a slow hash because people choose
    guessable ones; a token is 256 random bits, which no amount of hashing speed makes
    guessable, and a fast, unsalted hash lets a request find its token by an indexed lookup
    instead of checking a slow hash against every token there is.
    """

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))  # the secret's first characters, not secret
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[created_at]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
