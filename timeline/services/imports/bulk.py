"""Bulk imports, one path for `flask import` and the upload page: read a file (the seed format
as YAML or JSON, or CSV rows of events), check every record, then apply them all in the
caller's transaction with a revision for each event that changed. A preview applies and rolls
back, so it shows exactly what the import would do.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from timeline.db import is_lock_wait
from timeline.domain import Event, Status, Subject, User
from timeline.services import revisions
from timeline.services.events.schema import EventRecord
from timeline.services.imports.checks import Bundle, check_document
from timeline.services.imports.csv_rows import csv_events
from timeline.services.imports.documents import ImportRejected, Problem, parse_text
from timeline.services.imports.writer import Importer, Progress, Report
from timeline.services.vocabulary import Vocabulary, load_vocabulary

MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".yaml", ".yml", ".json", ".csv")
ACTION = "import"
STASH_SECONDS = 24 * 3600  # a preview not confirmed within a day is forgotten
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True, slots=True)
class Upload:
    """A file to import: its name, which messages show, and its text."""

    name: str
    text: str


def _refused(
    name: str, message: str, index: int | None = None, title: Any = None
) -> ImportRejected:
    label = title if isinstance(title, str) else None
    return ImportRejected([Problem(name, index, label, None, message)])


def read_path(path: Path) -> Upload:
    """A file on disk, named by its path as given."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _refused(str(path), f"cannot read the file: {exc}") from None
    return read_bytes(str(path), data)


def read_upload(filename: str, data: bytes) -> Upload:
    """An uploaded file, named by its base name only (a browser may send a whole path)."""
    return read_bytes(PurePosixPath(filename.replace("\\", "/")).name or "upload", data)


def read_bytes(name: str, data: bytes) -> Upload:
    """Bytes that must be UTF-8 text; a byte-order mark, as spreadsheets write, is dropped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"cannot read the file: it is not UTF-8 text (byte {exc.start} is not)"
        raise _refused(name, message) from None
    if "\x00" in text:
        raise _refused(name, "cannot read the file: it holds NUL characters, so is not text")
    return Upload(name, text)


def parse(upload: Upload) -> Any:
    """The document a file holds, by its extension."""
    suffix = PurePosixPath(upload.name).suffix.lower()
    if suffix == ".csv":
        return csv_events(upload.name, upload.text)
    if suffix in SUFFIXES:
        return parse_text(upload.name, upload.text, json_text=suffix == ".json")
    expected = ", ".join(SUFFIXES)
    raise _refused(upload.name, f"unknown file type {suffix or '(none)'!r}: expected {expected}")


def check(session: Session, uploads: Iterable[Upload]) -> list[Bundle]:
    """Every file parsed and every record checked; raises ImportRejected naming each problem."""
    vocab = load_vocabulary(session)
    return [_checked(session, upload, vocab) for upload in uploads]


def _checked(session: Session, upload: Upload, vocab: Vocabulary) -> Bundle:
    bundle = check_document(upload.name, parse(upload), vocab)
    if upload.name.lower().endswith(".csv"):
        # A cell cannot tell "no notes" from "not given", and the export has no notes column:
        # keep what is stored rather than erase it.
        bundle.events = [_with_stored_notes(session, r) for r in bundle.events]
    return bundle


def _with_stored_notes(session: Session, record: EventRecord) -> EventRecord:
    if record.notes is not None:
        return record
    if record.slug:  # matched as the importer matches: by slug, else by title and start
        where = Event.slug == record.slug
    else:
        where = (func.lower(Event.title) == record.title.lower()) & (
            Event.start == str(record.span.start)
        )
    return replace(record, notes=session.scalars(select(Event.notes).where(where)).first())


def apply(
    session: Session,
    bundles: list[Bundle],
    status: Status,
    user: User | None = None,
    progress: Progress | None = None,
    review: bool = False,
) -> Report:
    """Write checked files in the caller's transaction, with a revision for each event created
    or updated. New events get `status`; with `review`, so do updated ones, as a save from
    the event form does (an editor's change waits for an admin)."""
    importer = Importer(session, status, bulk=True)
    importer.run(*bundles, progress=progress)
    changed = importer.changed_events()
    for event in changed:
        if review:
            event.status = status
    snapshots = [(event.id, ACTION, user, revisions.event_snapshot(event)) for event in changed]
    revisions.record_many(session, Subject.EVENT, snapshots)
    session.flush()
    return importer.report


def preview(session: Session, upload: Upload) -> Report:
    """What importing the file would do, found by importing it and rolling back. The whole
    transaction is discarded: call it with nothing else pending."""
    try:
        return _run(session, upload, Status.DRAFT, None)
    finally:
        session.rollback()


def import_upload(session: Session, upload: Upload, user: User, publish: bool) -> Report:
    """Apply the file: new and changed events become drafts for review, or are published when
    an admin says so. The caller commits, or rolls back on ImportRejected."""
    return _run(session, upload, Status.PUBLISHED if publish else Status.DRAFT, user)


def _run(session: Session, upload: Upload, status: Status, user: User | None) -> Report:
    try:
        return apply(session, check(session, [upload]), status, user, review=True)
    except DBAPIError as exc:  # a value the checks did not foresee; still all or nothing
        session.rollback()
        if is_lock_wait(exc):
            raise  # another write held the database too long: a 503, not the file's fault
        raise _refused(upload.name, f"the database refused a value: {exc.orig}") from None


def stash(folder: Path, upload: Upload, user_id: int) -> str:
    """Keep a previewed file on the server until its user confirms it; returns its token."""
    folder.mkdir(parents=True, exist_ok=True)
    _forget_old(folder)
    token = secrets.token_urlsafe(24)
    saved = json.dumps({"user": user_id, **asdict(upload)})
    (folder / f"{token}.json").write_text(saved, encoding="utf-8")
    return token


def take(folder: Path, token: str, user_id: int) -> Upload | None:
    """The file this user stashed under the token, removed so it is imported once; None when
    there is none (never stashed, someone else's, expired or taken already)."""
    path = folder / f"{token}.json"
    if not _TOKEN.fullmatch(token) or not path.is_file():
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if saved.pop("user") != user_id:
        return None
    try:
        path.unlink()  # of two confirmations at once, only one removes the file
    except FileNotFoundError:
        return None
    return Upload(**saved)


def _forget_old(folder: Path) -> None:
    cutoff = time.time() - STASH_SECONDS
    for path in folder.glob("*.json"):
        with suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
