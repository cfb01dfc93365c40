"""Admin pages for events: add and edit (drafts unless an admin publishes), publish,
withdraw, delete, and the history of changes with restore."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from timeline.db import db
from timeline.domain import Event, Status, Subject
from timeline.services.events import edits as event_edits
from timeline.services.events.edits import EditRejected, SlugTaken
from timeline.services.events.schema import from_plain
from timeline.services.vocabulary import load_vocabulary
from timeline.web.admin import bp
from timeline.web.admin.event_form import DATE_HINT, EventForm, event_form, kind_choices
from timeline.web.admin.history import history_page, restored, revision_or_404
from timeline.web.lookups import event_or_404
from timeline.web.security import admin_required


def _form(event: Event | None = None) -> EventForm:
    vocabulary = load_vocabulary(db.session)
    form = event_form(vocabulary.categories, vocabulary.kinds, obj=event)
    if event is not None and request.method == "GET":
        _fill_rows(form, event, vocabulary.kinds)
    return form


def _fill_rows(form: EventForm, event: Event, kinds: dict[str, str]) -> None:
    form.actors.entries.clear()
    for link in event.links:
        form.actors.append_entry({"name": link.actor.name, "role": link.role.value, "kind": ""})
    form.actors.append_entry()
    form.sources.entries.clear()
    for source in event.sources:
        form.sources.append_entry(source)
    form.sources.append_entry()
    for row in form.actors:
        row.form.kind.choices = kind_choices(kinds)


def _render(form: EventForm, event: Event | None, warnings: list[str], status: int = 200):
    names = event_edits.actor_names(db.session)
    page = dict(form=form, event=event, warnings=warnings, date_hint=DATE_HINT, names=names)
    return render_template("admin/events/form.html", **page), status


def _submit(form: EventForm, event: Event | None):
    """Validate, warn of likely duplicates, save; or show the form again with what is wrong."""
    if form.growing() or not form.validate():
        return _render(form, event, [], 200 if not form.errors else 400)
    if form.publish.data and not current_user.is_admin:
        abort(403, description="Only an admin may publish.")
    slug = event.slug if event else _new_slug(form)
    if slug is None:
        return _render(form, event, [], 400)
    record = form.record(slug)
    warnings = event_edits.likely_duplicates(db.session, record, event.id if event else None)
    if warnings and not form.save_anyway.data:
        return _render(form, event, warnings, 409)
    try:
        saved = event_edits.save(db.session, record, current_user, bool(form.publish.data))
    except EditRejected as exc:
        db.session.rollback()
        form.show_problems(exc.problems)
        return _render(form, event, [], 400)
    db.session.commit()
    state = "published" if saved.status is Status.PUBLISHED else "saved as a draft for review"
    flash(f"“{saved.title}” {state}.")
    return redirect(url_for("admin.event_edit", slug=saved.slug))


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
