"""Events with precision-keeping dates, their actors' roles and their sources."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from timeline.dates import PartialDate, Precision, Span
from timeline.db import Base, created_at, intpk, slug, updated_at, vocabulary_column
from timeline.domain.actors import URL_CHECK, Actor

# What a source is cited by, in the order every answer gives it.
CITATION = ("url", "title", "publisher", "published")
LONG_SPAN_DAYS = 366  # a year known only as a year covers 366 days at most


class Status(StrEnum):
    """Where an event stands in review: only published events are public."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Role(StrEnum):
    """What an actor is to an event."""

    SUBJECT = "subject"
    PARTY = "party"
    COUNTERPARTY = "counterparty"
    PARTICIPANT = "participant"
    VENDOR = "vendor"
    AUTHORITY = "authority"
    REPORTER = "reporter"


ROLE_MEANINGS = {
    Role.SUBJECT: "what the event is about, or who carries it out",
    Role.PARTY: "a side that brings or joins a strike, suit, deal or agreement",
    Role.COUNTERPARTY: "the other side of a strike, suit or negotiation",
    Role.PARTICIPANT: "takes part without being a side",
    Role.VENDOR: "supplies the AI tool or service that is used",
    Role.AUTHORITY: "a government, legislature, court or awards body that acts or rules",
    Role.REPORTER: "the outlet that reported or broke the story",
}


class Category(Base):
    """A vocabulary entry for events: demo, labor-action, lawsuit..."""

    __tablename__ = "categories"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class Event(Base):
    """Something that happened on a day, in a month or a year, or over a range of them.

    The text forms (`start`, `end`) keep the precision; `starts_on` and `ends_on` are the
    earliest and latest days the event may cover, kept so window queries can use an index.
    """

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="end_not_before_start"),
        CheckConstraint(
            """("precision" = 'day' AND length("start") = 10)
            OR ("precision" = 'month' AND length("start") = 7)
            OR ("precision" = 'year' AND length("start") = 4)""",
            name="start_matches_precision",
        ),
        CheckConstraint('"end" IS NULL OR length("end") = length("start")', name="end_precision"),
        CheckConstraint('NOT (ongoing AND "end" IS NOT NULL)', name="ongoing_has_no_end"),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        Index("ix_events_status_chronology", "status", "starts_on", "ends_on", "id"),
        Index("ix_events_status_ends_on", "status", "ends_on"),
        # A category's events in chronological order, so a category and a window walk only
        # that category's part of the timeline.
        Index("ix_events_category_chronology", "status", "category", "starts_on", "ends_on", "id"),
        # Covers the window test and what counting needs (lane, start text), so facets and the
        # drawing's counts read the index alone, never the wide event rows.
        Index(
            "ix_events_window",
            *("status", "starts_on", "ends_on", "long_span", "category", "start", "actor_kinds"),
        ),
        # Every sort the API offers walks an index of its own in order and stops at the page's
        # end, instead of sorting every event first (sort=title at 100,000 events: 300 ms).
        # The sorts by creation and change need an expression on SQLite: see SORT_INDEXES.
        Index("ix_events_status_title", "status", "title", "id"),
        Index("ix_events_status_slug", "status", "slug", "id"),
        Index("ix_events_status_category", "status", "category", "id"),
        # The long and ongoing events by end: the earliest start among those that overlap a
        # window is read from here (services/events/filtering.py, _reach).
        Index("ix_events_long_spans", "long_span", "status", "ends_on", "starts_on"),
    )

    id: Mapped[intpk]
    slug: Mapped[slug]
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(ForeignKey("categories.slug"), index=True)
    start: Mapped[str] = mapped_column(String(10))
    end: Mapped[str | None] = mapped_column(String(10))
    precision: Mapped[Precision] = mapped_column(vocabulary_column(Precision, "precision"))
    ongoing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    # True when the event may cover more than LONG_SPAN_DAYS (or is ongoing): a window query
    # then skips, inside the index, short events that started too early to reach the window.
    long_span: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[Status] = mapped_column(
        vocabulary_column(Status, "status"), default=Status.DRAFT
    )
    notes: Mapped[str | None] = mapped_column(Text)
    # Copies of the actors' names and aliases, and of their kinds (" studio person ", first
    # actor first), so the full-text index, the kind filter and kind counts read the events
    # table alone. timeline.domain.copies keeps them current.
    actor_names: Mapped[str] = mapped_column(Text, default="", server_default="")
    actor_kinds: Mapped[str] = mapped_column(String(400), default="", server_default="")
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    # Counts the row's changes. Every UPDATE names the version it read (optimistic
    # concurrency), so a write built on a stale read fails instead of overwriting another's.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    links: Mapped[list[EventActor]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventActor.position"
    )
    sources: Mapped[list[Source]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Source.position"
    )

    @property
    def span(self) -> Span:
        end = PartialDate.parse(self.end) if self.end else None
        return Span(PartialDate.parse(self.start), end, self.ongoing)

    def set_span(self, span: Span) -> None:
        """Store a span's text forms and the day range they cover."""
        self.start = str(span.start)
        self.end = str(span.end) if span.end else None
        self.precision = span.start.precision
        self.ongoing = span.ongoing
        self.starts_on, self.ends_on = span.earliest, span.latest
        self.long_span = span.ongoing or (span.latest - span.earliest).days > LONG_SPAN_DAYS

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventActor(Base):
    """An actor's part in an event."""

    __tablename__ = "event_actors"
    # An actor's events read from the index alone, without visiting the link rows.
    __table_args__ = (Index("ix_event_actors_actor_event", "actor_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(vocabulary_column(Role, "role"), default=Role.PARTICIPANT)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="links")
    actor: Mapped[Actor] = relationship(back_populates="links")


class Source(Base):
    """A published page an event rests on."""

    __tablename__ = "sources"
    __table_args__ = (
        UniqueConstraint("event_id", "url"),
        CheckConstraint(URL_CHECK.format(col="url"), name="url_well_formed"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(String(500))
    publisher: Mapped[str | None] = mapped_column(String(200))
    published: Mapped[str | None] = mapped_column(String(10))
    accessed_on: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="sources")

    def citation(self) -> dict[str, str | None]:
        """What a reader cites it by, in plain values: the API, revisions and PATCH bodies."""
        return {name: getattr(self, name) for name in CITATION}
