"""Full-text search: the `q` parameter's small syntax, matched by SQLite FTS5 or PostgreSQL.

A query is words and "quoted phrases", all of which must match; `OR` between two of them
accepts either; a leading `-` excludes a word or phrase. Both databases stem English words, so
"strikes" finds "strike". The search covers titles, summaries and the names and aliases of
the actors (the FTS5 table and the GIN index are made by migration 7c1d9e4a2b65).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, column, func, literal_column, not_, select, text

from timeline.domain import Event

MAX_LENGTH = 200
MAX_TERMS = 12
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w")


class SearchError(ValueError):
    """A search a person typed that cannot be run, with the reason in words."""


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Groups that must all match (each group: terms of which one must match) and exclusions."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    @classmethod
    def parse(cls, typed: str) -> SearchQuery:
        """Read what a person typed; raise SearchError when nothing is left to look for."""
        if len(typed) > MAX_LENGTH:
            raise SearchError(f"a search is at most {MAX_LENGTH} characters long")
        groups: list[list[Term]] = []
        excluded: list[Term] = []
        join_next = False
        for negated, quoted, word in _TOKEN.findall(typed):
            if word == "OR":
                join_next = bool(groups)
                continue
            term = _term(quoted, word)
            if term is None:
                continue
            if negated or (word.startswith("-") and len(word) > 1):
                excluded.append(term)
            elif join_next:
                groups[-1].append(term)
            else:
                groups.append([term])
            join_next = False
        return cls._checked(groups, excluded)

    @classmethod
    def _checked(cls, groups: list[list[Term]], excluded: list[Term]) -> SearchQuery:
        if not groups:
            raise SearchError("give at least one word to look for ('-word' only excludes)")
        if sum(map(len, groups)) + len(excluded) > MAX_TERMS:
            raise SearchError(f"a search has at most {MAX_TERMS} words and phrases")
        return cls(tuple(map(tuple, groups)), tuple(excluded))

    def __str__(self) -> str:
        shown = " ".join(" OR ".join(map(_shown, group)) for group in self.groups)
        return " ".join([shown, *(f"-{_shown(t)}" for t in self.excluded)])


def _term(quoted: str, word: str) -> Term | None:
    """A word or a phrase, or None when it holds nothing a search index keeps (only signs)."""
    raw = quoted if quoted else word.lstrip("-")
    if not _WORD.search(raw):
        return None
    return Term(raw.strip(), phrase=bool(quoted) and " " in raw.strip())


def _shown(term: Term) -> str:
    return f'"{term.text}"' if term.phrase else term.text


def matches(dialect: str, query: SearchQuery) -> ColumnElement[bool]:
    """A WHERE clause on events that holds for the events the query finds."""
    if dialect == "postgresql":
        return _postgresql(query)
    return _fts5(query)


def matching_ids(dialect: str, query: SearchQuery, most: int):
    """A statement for the ids of at most `most` events the query finds. On SQLite it reads
    the FTS table alone, so it stops after `most` rows instead of gathering every match."""
    if dialect == "postgresql":
        return select(Event.id).where(_postgresql(query)).limit(most)
    found = text("SELECT rowid FROM events_fts WHERE events_fts MATCH :fts LIMIT :most")
    return found.bindparams(fts=fts5_expression(query), most=most)


def _fts5_string(term: Term) -> str:
    # Inside double quotes FTS5 reads everything as text to tokenize: no operator can sneak in.
    return '"' + term.text.replace('"', '""') + '"'


def fts5_expression(query: SearchQuery) -> str:
    """The FTS5 MATCH text for a query."""
    wanted = " AND ".join(
        "(" + " OR ".join(map(_fts5_string, group)) + ")" for group in query.groups
    )
    if not query.excluded:
        return wanted
    return f"({wanted}) NOT (" + " OR ".join(map(_fts5_string, query.excluded)) + ")"


def _fts5(query: SearchQuery) -> ColumnElement[bool]:
    found = text("SELECT rowid FROM events_fts WHERE events_fts MATCH :fts").bindparams(
        fts=fts5_expression(query)
    )
    return Event.id.in_(found.columns(column("rowid", Integer)))


ENGLISH = literal_column("'english'::regconfig")


def search_document() -> ColumnElement:
    """The tsvector of an event's title, summary and actors' names: on PostgreSQL a column the
    database generates and the GIN index ix_events_search holds (migration b6f1d2e8c4a7), so
    no query computes it again."""
    return literal_column("events.search_document")


def _tsquery(term: Term) -> ColumnElement:
    make = func.phraseto_tsquery if term.phrase else func.plainto_tsquery
    return make(ENGLISH, term.text)


def _any_of(terms: tuple[Term, ...]) -> ColumnElement:
    combined = _tsquery(terms[0])
    for term in terms[1:]:
        combined = func.tsquery_or(combined, _tsquery(term))
    return combined


def _postgresql(query: SearchQuery) -> ColumnElement[bool]:
    wanted = _any_of(query.groups[0])
    for group in query.groups[1:]:
        wanted = func.tsquery_and(wanted, _any_of(group))
    found = search_document().op("@@", is_comparison=True)(wanted)
    if not query.excluded:
        return found
    return found & not_(search_document().op("@@", is_comparison=True)(_any_of(query.excluded)))
