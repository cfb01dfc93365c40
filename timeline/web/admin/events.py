"""Admin pages for events: add and edit (drafts unless an admin publishes; a change of a
published event waits for review while the published version stays online), approve or
reject a waiting change, publish, withdraw, delete, and the history of changes with restore.
A save against an event changed since its form was opened shows both versions instead."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from timeline.db import db
from timeline.domain import Event, Status, Subject
from timeline.services import revisions
from timeline.services.events import edits as event_edits
from timeline.services.events import review
from timeline.services.events.edits import EditRejected, SlugTaken
from timeline.services.events.schema import EventRecord, from_plain, plain
from timeline.services.revisions import VersionConflict
from timeline.services.vocabulary import load_vocabulary
from timeline.web.admin import bp
from timeline.web.admin.conflicts import Conflict, conflict, loaded_version
from timeline.web.admin.event_form import DATE_HINT, EventForm, event_form, kind_choices
from timeline.web.admin.history import history_page, restored, revision_or_404
from timeline.web.lookups import event_or_404
from timeline.web.security import admin_required


def _form(event: Event | None = None) -> EventForm:
    """The form; on opening an event, filled with its latest text (a change waiting for
    review included) and the version it was opened on."""
    vocabulary = load_vocabulary(db.session)
    if event is None or request.method != "GET":
        return event_form(vocabulary.categories, vocabulary.kinds, obj=event)
    text = event_edits.current_text(db.session, event)
    form = event_form(vocabulary.categories, vocabulary.kinds, data=text)
    _fill_rows(form, text, vocabulary.kinds)
    form.loaded_version.data = str(event.version)
    return form


def _fill_rows(form: EventForm, text: revisions.Snapshot, kinds: dict[str, str]) -> None:
    form.actors.entries.clear()
    for actor in text["actors"]:
        row = {"name": actor["name"], "role": actor.get("role"), "kind": actor.get("kind", "")}
        form.actors.append_entry(row)
    form.actors.append_entry()
    form.sources.entries.clear()
    for source in text["sources"]:
        form.sources.append_entry(source)
    form.sources.append_entry()
    for row in form.actors:
        row.form.kind.choices = kind_choices(kinds)


def _render(
    form: EventForm,
    event: Event | None,
    warnings: list[str],
    status: int = 200,
    clash: Conflict | None = None,
):
    names = event_edits.actor_names(db.session)
    waiting = review.pending_change(db.session, event) if event is not None else None
    page = dict(
        form=form, event=event, warnings=warnings, date_hint=DATE_HINT, names=names,
        conflict=clash, pending=waiting,
    )  # fmt: skip
    return render_template("admin/events/form.html", **page), status


def _submit(form: EventForm, event: Event | None):
    """Validate, warn of likely duplicates, refuse to overwrite a newer version, save; or show
    the form again with what is wrong."""
    if form.growing() or not form.validate():
        return _render(form, event, [], 200 if not form.errors else 400)
    publish = bool(form.publish.data)
    if publish and not current_user.is_admin:
        abort(403, description="Only an admin may publish.")
    slug = event.slug if event else _new_slug(form)
    if slug is None:
        return _render(form, event, [], 400)
    record = form.record(slug)
    expected = loaded_version(form.loaded_version) if event else None
    if event is not None and expected != event.version:
        return _conflict(form, event, record)
    warnings = event_edits.likely_duplicates(db.session, record, event.id if event else None)
    if warnings and not form.save_anyway.data:
        return _render(form, event, warnings, 409)
    try:
        saved = event_edits.save(db.session, record, current_user, publish, expected=expected)
    except EditRejected as exc:
        db.session.rollback()
        form.show_problems(exc.problems)
        return _render(form, event, [], 400)
    except VersionConflict:  # another save came between the check above and this one
        db.session.rollback()
        return _conflict(form, event_or_404(slug), record)
    db.session.commit()
    flash(_saved_as(saved, publish))
    return redirect(url_for("admin.event_edit", slug=saved.slug))


def _saved_as(saved: Event, publish: bool) -> str:
    if publish:
        return f"“{saved.title}” published."
    if saved.status is Status.PUBLISHED:
        return (
            f"Your change of “{saved.title}” waits for review; "
            "the published version stays online until an admin publishes it."
        )
    return f"“{saved.title}” saved as a draft for review."


def _conflict(form: EventForm, event: Event, record: EventRecord):
    """The form again, carrying the event's current version, with both versions side by side:
    saving it now is a deliberate choice to replace theirs."""
    theirs = event_edits.current_text(db.session, event)
    clash = conflict(Subject.EVENT, event.id, theirs, plain(record))
    form.loaded_version.data = str(event.version)
    return _render(form, event, [], 409, clash)


def _new_slug(form: EventForm) -> str | None:
    """The slug typed, or one made from the title; None, with the error at the field, when
    another event holds the one typed."""
    try:
        return event_edits.new_slug(db.session, (form.slug.data or "").strip(), form.title.data)
    except SlugTaken as exc:
        form.slug.errors = [str(exc)]
        return None


@bp.route("/events/new", methods=["GET", "POST"])
def event_new():
    form = _form()
    if request.method == "GET":
        return _render(form, None, [])
    return _submit(form, None)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def event_edit(slug: str):
    event = event_or_404(slug)
    form = _form(event)
    if request.method == "GET":
        return _render(form, event, [])
    return _submit(form, event)


def _set_status(slug: str, status: Status, done: str) -> Event:
    event = event_or_404(slug)
    event_edits.set_status(db.session, event, status, current_user)
    db.session.commit()
    flash(f"“{event.title}” {done}.")
    return event


@bp.post("/events/<slug>/publish")
@admin_required
def event_publish(slug: str):
    _set_status(slug, Status.PUBLISHED, "is published")
    return redirect(url_for("admin.dashboard"))


@bp.post("/events/<slug>/withdraw")
@admin_required
def event_withdraw(slug: str):
    _set_status(slug, Status.DRAFT, "is withdrawn to the drafts")
    return redirect(url_for("admin.event_edit", slug=slug))


@bp.errorhandler(VersionConflict)
def changed_meanwhile(_exc: VersionConflict):
    """Two saves of one record at the same moment (an approval, a restore, a merge): this one
    came second and changed nothing."""
    db.session.rollback()
    flash("Someone else changed this record at the same moment: nothing was saved. Try again.")
    return redirect(url_for("admin.dashboard"))


@bp.post("/events/<slug>/approve")
@admin_required
def event_approve(slug: str):
    """Publish the change waiting for review in place of the public version."""
    event = event_or_404(slug)
    try:
        review.approve(db.session, event, current_user)
    except review.NothingPending:
        flash(f"No change of “{event.title}” is waiting: it was approved or rejected already.")
        return redirect(url_for("admin.dashboard"))
    except EditRejected as exc:
        db.session.rollback()
        refusal = "; ".join(problem.message for problem in exc.problems)
        flash(f"The change of “{event.title}” cannot be published: {refusal}")
        return redirect(url_for("admin.event_edit", slug=slug))
    db.session.commit()
    flash(f"The change of “{event.title}” is published.")
    return redirect(url_for("admin.dashboard"))


@bp.post("/events/<slug>/reject")
@admin_required
def event_reject(slug: str):
    """Discard the change waiting for review; the published version stays."""
    event = event_or_404(slug)
    try:
        review.reject(db.session, event, current_user)
    except review.NothingPending:
        flash(f"No change of “{event.title}” is waiting: it was approved or rejected already.")
        return redirect(url_for("admin.dashboard"))
    db.session.commit()
    flash(f"The change of “{event.title}” is rejected; the published version stays.")
    return redirect(url_for("admin.dashboard"))


@bp.post("/events/<slug>/delete")
@admin_required
def event_delete(slug: str):
    event = event_or_404(slug)
    title = event.title
    event_edits.delete(db.session, event, current_user)
    db.session.commit()
    flash(f"“{title}” is deleted; its history stays.")
    return redirect(url_for("admin.dashboard"))


@bp.get("/events/<slug>/history")
def event_history(slug: str):
    event = event_or_404(slug)
    return history_page(Subject.EVENT, event.id, event.title, event.slug)


@bp.post("/events/<slug>/restore/<int:revision_id>")
@admin_required
def event_restore(slug: str, revision_id: int):
    event = event_or_404(slug)
    revision = revision_or_404(Subject.EVENT, event.id, revision_id)
    record = from_plain(revision.snapshot, event.slug)
    publish = revision.snapshot.get("status") == Status.PUBLISHED.value
    try:
        event_edits.save(db.session, record, current_user, publish, action="restore")
    except EditRejected as exc:
        refusal = "; ".join(problem.message for problem in exc.problems)
        return restored(Subject.EVENT, slug, revision_id, refusal)
    return restored(Subject.EVENT, slug, revision_id, None)
