"""People and organisations, the kinds they come in, and the other names they go by."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from timeline.db import Base, created_at, intpk, name, slug, updated_at

if TYPE_CHECKING:
    from timeline.domain.events import EventActor

# A URL the site will link to: http(s), a host, and no whitespace.
URL_CHECK = (
    "({col} LIKE 'http://_%' OR {col} LIKE 'https://_%') "
    "AND {col} NOT LIKE '% %' AND length({col}) <= 2048"
)


class ActorKind(Base):
    """A vocabulary entry for actors: person, studio, guild, ai-company..."""

    __tablename__ = "actor_kinds"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[name]
    description: Mapped[str | None] = mapped_column(Text)


class Actor(Base):
    """A person or an organisation that takes part in events."""

    __tablename__ = "actors"
    __table_args__ = (CheckConstraint(URL_CHECK.format(col="homepage"), name="homepage_url"),)

    id: Mapped[intpk]
    slug: Mapped[slug]
    name: Mapped[name]
    kind: Mapped[str] = mapped_column(ForeignKey("actor_kinds.slug"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    homepage: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    # Counts the row's changes; a stale UPDATE fails (see Event.version).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    aliases: Mapped[list[ActorAlias]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", order_by="ActorAlias.name"
    )
    links: Mapped[list[EventActor]] = relationship(back_populates="actor")

    def __repr__(self) -> str:
        return f"<Actor {self.slug}>"


class ActorAlias(Base):
    """Another name for an actor ('WGA West'); its slug is unique so a name means one actor."""

    __tablename__ = "actor_aliases"

    id: Mapped[intpk]
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    name: Mapped[name]
    slug: Mapped[slug]

    actor: Mapped[Actor] = relationship(back_populates="aliases")
