"""People who edit: accounts with a role, and the login attempts that rate limiting counts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

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
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    # Flask-Login's user interface.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class LoginAttempt(Base):
    """One try at logging in, kept so repeated failures can be slowed down on every worker."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    succeeded: Mapped[bool] = mapped_column(Boolean)
