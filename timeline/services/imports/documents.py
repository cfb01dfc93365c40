"""Import files: reading YAML or JSON, and the problems that refuse a file, each named by
file, record and field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field of one record."""

    file: str
    index: int | None  # 1-based position in the file; None for the file as a whole
    title: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.index is not None:
            label = repr(self.title) if self.title else "untitled"
            where.append(f"record {self.index} ({label})")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{': '.join(where)}: {self.message}"


class ImportRejected(Exception):
    """The file was refused whole; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def read_document(path: Path) -> Any:
    """Parse a YAML or JSON file, turning syntax errors into a problem with the line."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(name, None, None, None, f"cannot read the file: {exc}")
        raise ImportRejected([problem]) from None
    return parse_text(name, text, json_text=path.suffix.lower() == ".json")


def parse_text(name: str, text: str, json_text: bool) -> Any:
    """Parse YAML (or JSON) text; a syntax error is refused as a problem naming its line."""
    try:
        return json.loads(text) if json_text else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        message = f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        message = f"malformed YAML{at}: {getattr(exc, 'problem', None) or exc}"
    raise ImportRejected([Problem(name, None, None, None, message)])


# A saved /api/events answer: its events, with the paging it came with.
_ANSWER_KEYS = {"events", "next", "total"}


def split_document(name: str, document: Any) -> tuple[list, list]:
    """The actor and event lists of a document: a bare list is a list of events, and a saved
    /api/events answer is read for its events."""
    if isinstance(document, list):
        return [], document
    if isinstance(document, dict) and "events" in document and set(document) <= _ANSWER_KEYS:
        document = {"events": document["events"]}
    if isinstance(document, dict) and set(document) <= {"actors", "events"} and document:
        actors, events = document.get("actors") or [], document.get("events") or []
        if isinstance(actors, list) and isinstance(events, list):
            return actors, events
    problem = "expected a list of events, or a mapping with 'actors' and 'events' lists"
    raise ImportRejected([Problem(name, None, None, None, problem)])
