"""The filtered events view in other tools' formats: CSV, iCalendar, Atom and TimelineJS 3.

These functions only convert: the views in `web/api/exports.py` parse the query string, ask
the services for the events and send what comes out of here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import NotRequired
from urllib.parse import urlsplit

import icalendar
from flask import url_for
from markupsafe import Markup, escape
from typing_extensions import TypedDict  # pydantic describes only this one before 3.12

from timeline.dates import PartialDate, clamped_after
from timeline.domain import Event, Source
from timeline.services.events.filtering import EventFilter
from timeline.services.spreadsheet_cells import inert
from timeline.services.vocabulary import Vocabulary
from timeline.web.api.shapes import LD_ORGANIZERS

SITE = "Hollywood AI-adoption timeline"
ONE_DAY = dt.timedelta(days=1)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MAX_SLIDES = 2_000  # TimelineJS lays out every slide at once; thousands more would stall it
# Characters XML 1.0 cannot carry, even escaped: a feed holding one is not well-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


CSV_CHUNK = 32_768  # characters sent at a time while the CSV is written
BOM = "\ufeff"


def csv_lines(
    columns: Iterable[str],
    events: Iterable[Event],
    row: Callable[[Event], Iterable[str]],
    bom: bool = False,
) -> Iterator[str]:
    """The events as CSV text, a chunk at a time, every cell made inert for spreadsheets.

    With `bom`, the text starts with a byte-order mark: Excel on Windows reads a CSV without
    one in the machine's legacy code page and garbles every accented name.
    """
    buffer = io.StringIO()
    buffer.write(BOM if bom else "")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for event in events:
        writer.writerow([inert(cell) for cell in row(event)])
        if buffer.tell() > CSV_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _event_url(event: Event) -> str:
    return url_for("pages.event", slug=event.slug, _external=True)


def _source_name(source: Source) -> str:
    return source.title or source.publisher or source.url


def _window_words(where: EventFilter) -> list[str]:
    words = []
    if where.first != dt.date.min:
        words.append(f"from {PartialDate.parse(where.first).in_words()}")
    if where.last != dt.date.max:
        words.append(f"to {PartialDate.parse(where.last).in_words()}")
    return words


def view_name(where: EventFilter, vocabulary: Vocabulary) -> str:
    """The filtered view in words, to name a calendar, a feed or a timeline:
    'Lawsuit or Demo events involving Disney from 1 January 2024'."""
    labels = " or ".join(vocabulary.categories[c] for c in where.categories)
    parts = []
    if where.actors:
        parts.append("involving " + " and ".join(actor.name for actor in where.actors))
    if where.kinds:
        parts.append(f"with {' or '.join(vocabulary.kinds[k] for k in where.kinds)} actors")
    if where.search is not None:
        parts.append(f"matching “{where.search}”")
    parts += _window_words(where)
    if not labels and not parts:
        return "All events"
    return " ".join([f"{labels} events" if labels else "Events", *parts])


def all_day_range(event: Event, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first day and the day after the last: iCalendar's all-day DTSTART and DTEND.

    A month or a year stands for all its days, as it does everywhere on the site. An ongoing
    event has no last day, so it runs to `today` (or its first day, if that is later): a
    calendar cannot show an open end, and running it to the end of time would fill every
    day the reader ever looks at.
    """
    last = max(today, event.starts_on) if event.ongoing else event.ends_on
    return event.starts_on, clamped_after(last, ONE_DAY)


def _description(event: Event) -> str:
    lines = [event.summary, "", f"When: {event.span.in_words()}"]
    if event.ongoing:
        lines.append("Still ongoing: this calendar shows it up to the day the calendar was made.")
    if event.sources:
        lines += ["", "Sources:", *(f"- {_source_name(s)}: {s.url}" for s in event.sources)]
    return "\n".join(lines)


def calendar_event(event: Event, labels: dict[str, str], today: dt.date) -> icalendar.Event:
    """One event as an all-day VEVENT over the days `all_day_range` gives."""
    url = _event_url(event)
    first, after_last = all_day_range(event, today)
    properties = {
        "uid": f"{event.slug}@{urlsplit(url).hostname}",
        "dtstamp": event.updated_at,
        "created": event.created_at,
        "last-modified": event.updated_at,
        "dtstart": first,
        "dtend": after_last,
        "summary": event.title,
        "description": _description(event),
        "url": url,
        "categories": [labels.get(event.category, event.category)],
        "transp": "TRANSPARENT",  # a dated event takes up nobody's time
    }
    component = icalendar.Event()
    for name, value in properties.items():
        component.add(name, value)
    return component


def calendar(
    events: Iterable[Event], name: str, labels: dict[str, str], today: dt.date
) -> icalendar.Calendar:
    """The events as one calendar named after the view."""
    found = icalendar.Calendar()
    found.add("prodid", f"-//{SITE}//events//EN")
    found.add("version", "2.0")
    # No METHOD: without one, DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2),
    # so asking again gives the same file, and a 304, until an event changes or a day passes.
    found.add("calscale", "GREGORIAN")
    found.add("name", f"{SITE}: {name}")
    found.add("x-wr-calname", f"{SITE}: {name}")  # the name most calendar programs read
    for event in events:
        found.add_component(calendar_event(event, labels, today))
    return found


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _rfc3339(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class AtomEntry:
    """One event as a feed entry, every text ready to be escaped into XML."""

    id: str
    title: str
    url: str
    updated: str
    published: str
    summary: str
    category: str
    category_label: str
    authors: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (url, name) of each source


@dataclass(frozen=True, slots=True)
class AtomFeed:
    """A feed's head (its id is the URL it is read from) and its entries."""

    id: str
    title: str
    alternate: str
    updated: str
    entries: list[AtomEntry]


def atom_entry(event: Event, labels: dict[str, str]) -> AtomEntry:
    """An event as a feed entry. Its authors are the actors who hold it (subjects and parties),
    or the site when it has none: a court or a reporting outlet did not make the event."""
    url = _event_url(event)
    holders = [link.actor.name for link in event.links if link.role in LD_ORGANIZERS]
    return AtomEntry(
        id=url,
        title=_xml_text(event.title),
        url=url,
        updated=_rfc3339(event.updated_at),
        published=_rfc3339(event.created_at),
        summary=_xml_text(f"{event.span.in_words()}: {event.summary}"),
        category=event.category,
        category_label=_xml_text(labels.get(event.category, event.category)),
        authors=tuple(map(_xml_text, holders)) or (SITE,),
        sources=tuple((s.url, _xml_text(_source_name(s))) for s in event.sources),
    )


def atom_feed(
    events: list[Event], name: str, labels: dict[str, str], url: str, alternate: str
) -> AtomFeed:
    """The events as a feed read from `url`, updated when its latest-edited event was."""
    updated = max((event.updated_at for event in events), default=EPOCH)
    entries = [atom_entry(event, labels) for event in events]
    return AtomFeed(url, _xml_text(f"{SITE}: {name}"), alternate, _rfc3339(updated), entries)


class TimelineJSDate(TypedDict):
    """A TimelineJS date object: only the parts of the date that are known."""

    year: int
    month: NotRequired[int]
    day: NotRequired[int]


class TimelineJSText(TypedDict):
    """A TimelineJS text object; TimelineJS renders both fields as HTML."""

    headline: str
    text: str


class TimelineJSSlide(TypedDict):
    """One event as a TimelineJS slide; ongoing and single-date events have no end_date."""

    start_date: TimelineJSDate
    end_date: NotRequired[TimelineJSDate]
    display_date: str
    text: TimelineJSText
    group: str
    unique_id: str
    autolink: bool


class TimelineJSTitle(TypedDict):
    text: TimelineJSText


class TimelineJSData(TypedDict):
    """A TimelineJS 3 timeline (timeline.knightlab.com/docs/json-format.html)."""

    title: TimelineJSTitle
    events: list[TimelineJSSlide]


def timeline_date(date: PartialDate) -> TimelineJSDate:
    """A partial date as a TimelineJS date: a month stays a month, never its first day."""
    found: TimelineJSDate = {"year": date.year}
    if date.month is not None:
        found["month"] = date.month
    if date.day is not None:
        found["day"] = date.day
    return found


def _slide_html(event: Event, url: str) -> str:
    """The summary, escaped, then links to the event's page and its sources."""
    html = Markup('<p>{}</p><p><a href="{}">On the timeline</a></p>').format(event.summary, url)
    item = Markup('<li><a href="{}">{}</a></li>')
    if event.sources:
        items = Markup("").join(item.format(s.url, _source_name(s)) for s in event.sources)
        html += Markup("<p>Sources:</p><ul>{}</ul>").format(items)
    return str(html)


def timeline_slide(event: Event, labels: dict[str, str]) -> TimelineJSSlide:
    """An event as a TimelineJS slide. TimelineJS writes every text it shows, group labels
    included, as HTML, so each is escaped here."""
    span = event.span
    text = _slide_html(event, _event_url(event))
    slide: TimelineJSSlide = {
        "start_date": timeline_date(span.start),
        "display_date": str(escape(span.in_words())),
        "text": {"headline": str(escape(event.title)), "text": text},
        "group": str(escape(labels.get(event.category, event.category))),
        "unique_id": event.slug,
        "autolink": False,  # the text carries its own links
    }
    if span.end is not None:
        slide["end_date"] = timeline_date(span.end)
    return slide


def _title_slide(name: str, page_url: str, shown: int, more: bool) -> TimelineJSTitle:
    count = f"The oldest {shown:,} events" if more else f"{shown:,} events"
    html = Markup('<p>{} from the {}. <a href="{}">See them on the timeline</a>.</p>').format(
        count, SITE, page_url
    )
    if more:
        html += Markup("<p>More match: narrow the filters to see the rest.</p>")
    return {"text": {"headline": str(escape(name)), "text": str(html)}}


def timeline_data(
    events: Iterable[Event], name: str, labels: dict[str, str], page_url: str
) -> TimelineJSData:
    """The events, oldest first, as a TimelineJS timeline of at most MAX_SLIDES slides; the
    title slide says when more matched."""
    slides = [timeline_slide(event, labels) for event in islice(events, MAX_SLIDES + 1)]
    more = len(slides) > MAX_SLIDES
    title = _title_slide(name, page_url, min(len(slides), MAX_SLIDES), more)
    return {"title": title, "events": slides[:MAX_SLIDES]}
