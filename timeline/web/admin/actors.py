"""Admin pages for actors: a searchable list, add and edit with aliases, each actor's history,
and (admins only) merging one actor into another."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from timeline.db import db
from timeline.domain import Actor, Subject
from timeline.services.actors import edits as actor_edits
from timeline.services.actors import queries as actor_queries
from timeline.services.actors.edits import MergePreview
from timeline.services.actors.queries import LIST_LIMIT
from timeline.services.actors.schema import ActorRecord, actor_plain
from timeline.services.events import edits as event_edits
from timeline.services.events import queries as event_service
from timeline.services.fields import name_slug, url_problem
from timeline.services.revisions import VersionConflict, actor_snapshot
from timeline.services.vocabulary import load_vocabulary
from timeline.web.admin import bp
from timeline.web.admin.conflicts import Conflict, conflict, loaded_version, version_field
from timeline.web.admin.history import history_page, restored, revision_or_404
from timeline.web.forms import PageForm, PlainForm
from timeline.web.security import admin_required

MAX_ALIASES, MAX_NAME = 50, 200


class ActorSearch(PlainForm):
    """The list's filters, read from the query string (a GET form needs no CSRF token)."""

    q = StringField("Name or alias", validators=[Optional(), Length(max=MAX_NAME)])
    kind = SelectField("Kind", validators=[Optional()])


class ActorForm(PageForm):
    name = StringField(
        "Name", validators=[DataRequired("Give the actor a name."), Length(max=MAX_NAME)]
    )
    kind = SelectField("Kind", validators=[DataRequired("Choose a kind.")])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    homepage = StringField("Homepage", validators=[Optional(), Length(max=2048)])
    aliases = TextAreaField("Aliases", render_kw={"rows": 5})
    loaded_version = version_field()  # the actor's version when the form was opened
    save = SubmitField("Save")

    def validate_name(self, field) -> None:
        if not name_slug(field.data):
            raise ValidationError("A name needs at least one letter or digit.")

    def validate_homepage(self, field) -> None:
        if field.data and (problem := url_problem(field.data.strip())):
            raise ValidationError(problem)

    def validate_aliases(self, _field) -> None:
        names = self.alias_lines()
        if len(names) > MAX_ALIASES:
            raise ValidationError(f"At most {MAX_ALIASES} aliases.")
        for alias in names:
            if len(alias) > MAX_NAME or not name_slug(alias):
                raise ValidationError(
                    f"“{alias[:60]}” is not a name: at most {MAX_NAME} characters, "
                    "with at least one letter or digit."
                )

    def alias_lines(self) -> list[str]:
        return [line.strip() for line in (self.aliases.data or "").splitlines() if line.strip()]

    def changes(self) -> ActorRecord:
        return ActorRecord(
            name=self.name.data.strip(),
            kind=self.kind.data,
            description=(self.description.data or "").strip() or None,
            homepage=(self.homepage.data or "").strip() or None,
            aliases=self.alias_lines(),
        )

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """Put the service's refusals at the fields they name."""
        for name, messages in problems.items():
            target = getattr(self, name)
            target.errors = [*target.errors, *messages]


class MergeForm(PageForm):
    into = StringField(
        "Actor to keep",
        validators=[DataRequired("Name the actor to keep."), Length(max=MAX_NAME)],
        render_kw={"list": "actor-names", "autocomplete": "off"},
    )
    preview = SubmitField("Preview the merge")
    confirm = SubmitField("Merge")


def _kind_choices(kinds: dict[str, str], blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank), *(SelectChoice(s, label) for s, label in kinds.items())]


def _actor_or_404(slug: str) -> Actor:
    actor = event_service.get_actor(db.session, slug)
    if actor is None:
        abort(404, description=f"There is no actor {slug!r}.")
    return actor


@bp.get("/actors")
def actors():
    kinds = load_vocabulary(db.session).kinds
    search = ActorSearch(request.args)
    search.kind.choices = _kind_choices(kinds, "Any kind")
    search.validate()
    q = "" if search.q.errors else search.q.data or ""
    kind = None if search.kind.errors else search.kind.data or None
    listing = actor_queries.actor_list(db.session, q, kind)
    page = dict(search=search, listing=listing, kinds=kinds, limit=LIST_LIMIT)
    return render_template("admin/actors/list.html", **page)


def _actor_form(actor: Actor | None) -> ActorForm:
    initial = None
    if actor is not None:
        aliases = "\n".join(dict.fromkeys(alias.name for alias in actor.aliases))
        initial = dict(
            name=actor.name, kind=actor.kind, description=actor.description,
            homepage=actor.homepage, aliases=aliases,
        )  # fmt: skip
    form = ActorForm(data=initial)
    form.kind.choices = _kind_choices(load_vocabulary(db.session).kinds, "Choose a kind")
    return form


def _render_form(form: ActorForm, actor: Actor | None, clash: Conflict | None = None):
    status = 409 if clash else 400 if form.errors else 200
    page = dict(form=form, actor=actor, conflict=clash)
    return render_template("admin/actors/form.html", **page), status


def _conflict(form: ActorForm, actor: Actor, changes: ActorRecord):
    """The form again, carrying the actor's current version, with both versions side by side."""
    clash = conflict(Subject.ACTOR, actor.id, actor_snapshot(actor), actor_plain(changes))
    form.loaded_version.data = str(actor.version)
    return _render_form(form, actor, clash)


def _save(form: ActorForm, actor: Actor | None):
    """Check the fields and the names other actors hold (all at once, so one round shows
    every problem); save and commit, or show the form again with each problem at its field."""
    form.validate()
    if not (form.name.errors or form.aliases.errors):
        form.show_problems(actor_edits.clashes(db.session, form.changes(), actor))
    if form.errors:
        return _render_form(form, actor)
    changes = form.changes()
    if actor is None:
        saved = actor_edits.create(db.session, changes, current_user)
    else:
        expected = loaded_version(form.loaded_version)
        if expected != actor.version:
            return _conflict(form, actor, changes)
        try:
            saved = actor_edits.update(db.session, actor, changes, current_user, expected)
        except VersionConflict:  # another save came between the check above and this one
            db.session.rollback()
            return _conflict(form, _actor_or_404(actor.slug), changes)
    db.session.commit()
    flash(f"“{saved.name}” is saved.")
    return redirect(url_for("admin.actor_edit", slug=saved.slug))


@bp.route("/actors/new", methods=["GET", "POST"])
def actor_new():
    form = _actor_form(None)
    if request.method == "GET":
        return _render_form(form, None)
    return _save(form, None)


@bp.route("/actors/<slug>/edit", methods=["GET", "POST"])
def actor_edit(slug: str):
    actor = _actor_or_404(slug)
    form = _actor_form(actor)
    if request.method == "GET":
        form.loaded_version.data = str(actor.version)
        return _render_form(form, actor)
    return _save(form, actor)


@bp.get("/actors/<slug>/history")
def actor_history(slug: str):
    actor = _actor_or_404(slug)
    return history_page(Subject.ACTOR, actor.id, actor.name, actor.slug)


@bp.post("/actors/<slug>/restore/<int:revision_id>")
@admin_required
def actor_restore(slug: str, revision_id: int):
    actor = _actor_or_404(slug)
    revision = revision_or_404(Subject.ACTOR, actor.id, revision_id)
    problems = actor_edits.restore(db.session, actor, revision, current_user)
    return restored(Subject.ACTOR, slug, revision_id, " ".join(problems))


def _render_merge(form: MergeForm, merged: Actor, preview: MergePreview | None = None):
    names = event_edits.actor_names(db.session)
    page = dict(form=form, merged=merged, preview=preview, names=names)
    return render_template("admin/actors/merge.html", **page), 400 if form.errors else 200


def _actor_to_keep(form: MergeForm, merged: Actor) -> Actor | None:
    """The actor the form names, or None with the reason put at the field."""
    kept = actor_edits.resolve(db.session, form.into.data)
    if kept is None:
        problem = f"No actor has the name, alias or slug “{form.into.data.strip()}”."
    elif kept.id == merged.id:
        problem = f"That is “{merged.name}” itself: choose another actor to keep."
    else:
        return kept
    form.into.errors = [*form.into.errors, problem]
    return None


@bp.route("/actors/<slug>/merge", methods=["GET", "POST"])
@admin_required
def actor_merge(slug: str):
    merged = _actor_or_404(slug)
    form = MergeForm()
    if not form.validate_on_submit():
        return _render_merge(form, merged)
    kept = _actor_to_keep(form, merged)
    if kept is None:
        return _render_merge(form, merged)
    if not form.confirm.data:
        form.into.data = kept.slug
        return _render_merge(form, merged, actor_edits.merge_preview(db.session, merged, kept))
    name = merged.name
    actor_edits.merge(db.session, merged, kept, current_user)
    db.session.commit()
    flash(f"“{name}” is merged into “{kept.name}”.")
    return redirect(url_for("admin.actor_edit", slug=kept.slug))
