"""CSV files of events, one event a row, in the columns /api/events.csv writes, read as records
in the seed format.

Whatever the export writes comes back: cells it made inert for spreadsheets get their quote
taken off, actors come with their kinds (so an empty timeline can create them) and slugs, and
sources with the titles, publishers and dates `source_details` carries as JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from timeline.services.imports.documents import ImportRejected, Problem
from timeline.services.spreadsheet_cells import as_typed

# Columns the export writes that an import works out again from the others, or reads only
# beside another column (`actor_slugs` with `actors`, `source_details` with `sources`).
DERIVED = {"when", "earliest", "latest", "actor_slugs", "source_details", "url"}
REQUIRED = ("title", "start", "category")
_ACTOR_SEPARATOR = re.compile(r"\s*;\s*")
# The export joins URLs with "; ". A URL holds no space, but may hold a semicolon
# (`page;jsessionid=42`): split only where a space or another address follows one.
_URL_SEPARATOR = re.compile(r";(?:\s+|(?=https?://))")
# "Name (role)", or "Name (role, kind)" for an actor the timeline does not hold yet.
_LINK = re.compile(r"(?P<name>.+?)\s*\((?P<role>[a-z-]+)(?:,\s*(?P<kind>[a-z-]+))?\)")
_BOOLEANS = {"yes": True, "true": True, "no": False, "false": False}


def _refused(name: str, message: str, index: int | None = None, title: Any = None) -> Exception:
    label = title if isinstance(title, str) else None
    return ImportRejected([Problem(name, index, label, None, message)])


def csv_events(name: str, text: str) -> list[dict[str, Any]]:
    """A CSV file's rows as event records in the seed format: one event a row, the columns
    /api/events.csv writes, actors and sources as lists joined with '; '."""
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        reader.fieldnames = [column.strip().lower() for column in reader.fieldnames or []]
        rows = list(reader)
    except csv.Error as exc:
        raise _refused(name, f"malformed CSV near line {reader.line_num + 1}: {exc}") from None
    missing = [column for column in REQUIRED if column not in reader.fieldnames]
    if missing:
        message = f"the first row must name the columns; missing: {', '.join(missing)}"
        raise _refused(name, message)
    while rows and not any((v or "").strip() for v in rows[-1].values()):
        rows.pop()  # spreadsheets often save empty rows after the last one
    return [_record(name, index, row) for index, row in enumerate(rows, 1)]


def _record(name: str, index: int, row: dict) -> dict[str, Any]:
    if None in row:  # DictReader keeps cells beyond the header under None
        message = f"has {len(row[None])} more cell(s) than the first row: is a comma unquoted?"
        raise _refused(name, message, index, row.get("title"))
    cells = {k: as_typed(v or "").strip() for k, v in row.items()}
    record: dict[str, Any] = {k: v for k, v in cells.items() if k not in DERIVED and v}
    if "ongoing" in record:
        record["ongoing"] = _BOOLEANS.get(record["ongoing"].lower(), record["ongoing"])
    if "actors" in record:
        record["actors"] = _actors(record["actors"], cells.get("actor_slugs", ""))
    if "sources" in record:
        details = _details(name, index, cells)
        record["sources"] = _sources(record["sources"], details)
    return record


def _actors(names: str, slugs: str) -> list[dict[str, str]]:
    """The actors of a cell; when `actor_slugs` lists one slug for each, each gets its slug, so
    an actor created from the file keeps the slug (and the address) it had where exported."""
    links = [_link(item) for item in _ACTOR_SEPARATOR.split(names) if item]
    found = [slug for slug in _ACTOR_SEPARATOR.split(slugs) if slug]
    if len(found) == len(links):
        links = [link | {"slug": slug} for link, slug in zip(links, found, strict=True)]
    return links


def _link(item: str) -> dict[str, str]:
    """One actor of a CSV cell; a name that merely ends in brackets, like "(ILM)", stays whole."""
    match = _LINK.fullmatch(item)
    if match is None:
        return {"name": item}
    return {key: value for key, value in match.groupdict().items() if value}


def _details(name: str, index: int, cells: dict[str, str]) -> list[dict[str, Any]]:
    text = cells.get("source_details", "")
    try:
        details = json.loads(text) if text else []
    except ValueError:
        details = None
    if not isinstance(details, list) or not all(
        isinstance(d, dict) and isinstance(d.get("url"), str) for d in details
    ):
        message = "source_details must be a JSON list of sources, each with its 'url'"
        raise _refused(name, message, index, cells.get("title"))
    return details


def _sources(urls: str, details: list[dict[str, Any]]) -> list[Any]:
    """The sources the `sources` cell lists, each with the title, publisher and date that
    `source_details` gives for its URL; a URL the details do not name stays a bare URL."""
    if urls == "; ".join(d["url"] for d in details):
        return details  # exactly as exported, whatever characters the URLs hold
    by_url = {d["url"]: d for d in details}
    listed = [url.strip() for url in _URL_SEPARATOR.split(urls) if url.strip()]
    return [by_url.get(url, url) for url in listed]
