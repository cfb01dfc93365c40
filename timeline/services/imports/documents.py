"""Import files: reading YAML or JSON, and the problems that refuse a file, each named by
file, record and field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# A record of the format lies at most five levels down (a mapping, its events list, an event,
# its sources, a source); deeper is no import file, and would only run the checks out of stack.
MAX_DEPTH = 16
TOO_DEEP = f"the file is nested more than {MAX_DEPTH} lists or mappings deep, which no record is"


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
    """Parse YAML (or JSON) text; a syntax error is refused as a problem naming its line, and
    so is a document nested deeper than any record of the format goes."""
    try:
        document = json.loads(text) if json_text else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        message = f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        message = f"malformed YAML{at}: {getattr(exc, 'problem', None) or exc}"
    except RecursionError:
        message = TOO_DEEP
    except ValueError as exc:  # Python reads no integer of more than 4,300 digits
        message = f"a number in the file cannot be read: {exc}"
    else:
        if not _nested_within(document, MAX_DEPTH):
            raise ImportRejected([Problem(name, None, None, None, TOO_DEEP)])
        return document
    raise ImportRejected([Problem(name, None, None, None, message)])


def _nested_within(document: Any, depth: int) -> bool:
    """Whether no list or mapping lies more than `depth` levels down, looked at level by level.
    YAML's aliases can repeat one container a billion times over in a short file, so each is
    opened once a level (and at most `depth` times in all)."""
    level = [document]
    for _ in range(depth):
        opened: dict[int, Any] = {
            id(value): value for value in level if isinstance(value, dict | list)
        }
        level = [item for value in opened.values() for item in _inside(value)]
    return not any(isinstance(value, dict | list) for value in level)


def _inside(container: dict | list) -> list:
    return list(container.values()) if isinstance(container, dict) else container


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
