"""The event form: fields, their checks, and the record the importer writes from it.

Dates are typed as "2024", "2024-03" or "2024-03-25" and keep that precision. Actors are
named (an existing actor's name, alias or slug; a new one needs a kind) and sources are rows;
"Add another" buttons grow the lists without JavaScript.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from timeline.dates import DateError, PartialDate, span_of
from timeline.domain.events import ROLE_MEANINGS, Role
from timeline.services.events.body import SLUG, SLUG_HINT
from timeline.services.events.schema import (
    LIMITS,
    MAX_ACTORS,
    MAX_NAME,
    MAX_PUBLISHER,
    MAX_SOURCE_TITLE,
    MAX_SOURCES,
    MAX_SUMMARY,
    MAX_URL,
    ActorLink,
    Citation,
    EventRecord,
)
from timeline.services.fields import url_problem
from timeline.services.imports.documents import Problem

DATE_HINT = "2024, 2024-03 or 2024-03-25: the precision follows what you type."


def _partial_date(_form, field) -> None:
    if field.data:
        try:
            PartialDate.parse(field.data)
        except DateError as exc:
            raise ValidationError(str(exc)) from exc


class ActorRow(Form):
    name = StringField(
        "Actor",
        validators=[Optional(), Length(max=MAX_NAME)],
        render_kw={"list": "actor-names", "autocomplete": "off"},
    )
    role = SelectField(
        "Role", choices=[SelectChoice(r.value, f"{r.value}: {m}") for r, m in ROLE_MEANINGS.items()]
    )
    kind = SelectField("Kind, for a new actor", choices=[], validate_choice=False)


class SourceRow(Form):
    url = StringField("URL", validators=[Optional(), Length(max=MAX_URL)])
    title = StringField("Page title", validators=[Optional(), Length(max=MAX_SOURCE_TITLE)])
    publisher = StringField("Publisher", validators=[Optional(), Length(max=MAX_PUBLISHER)])
    published = StringField("Published", validators=[Optional(), _partial_date])

    def validate_url(self, field) -> None:
        if field.data and (problem := url_problem(field.data.strip())):
            raise ValidationError(problem)


class EventForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=LIMITS["title"])])
    slug = StringField("Address (slug)", validators=[Optional(), Length(max=LIMITS["slug"])])
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=MAX_SUMMARY)])
    category = SelectField("Category", validators=[DataRequired()])
    start = StringField("Start", validators=[DataRequired(), _partial_date])
    end = StringField("End", validators=[Optional(), _partial_date])
    ongoing = BooleanField("Ongoing (no end yet)")
    notes = TextAreaField("Notes on the dates or sources", validators=[Optional()])
    actors = FieldList(FormField(ActorRow), min_entries=2, max_entries=MAX_ACTORS)
    sources = FieldList(FormField(SourceRow), min_entries=1, max_entries=MAX_SOURCES)
    add_actor = SubmitField("Add another actor")
    add_source = SubmitField("Add another source")
    save_anyway = BooleanField("It is not a duplicate: save anyway")
    save = SubmitField("Save as draft")
    publish = SubmitField("Save and publish")
    list_problems: dict[str, list[str]] | None = None

    def validate_slug(self, field) -> None:
        if field.data and not SLUG.fullmatch(field.data.strip()):
            raise ValidationError(SLUG_HINT)

    def validate_end(self, field) -> None:
        if not field.data or self.start.errors or not self.start.data:
            return
        if self.ongoing.data:
            raise ValidationError("An ongoing event has no end: clear one of the two.")
        try:
            span_of(self.start.data.strip(), field.data.strip())
        except DateError as exc:
            raise ValidationError(f"{exc}.") from exc
        first, last = PartialDate.parse(self.start.data), PartialDate.parse(field.data)
        if first.precision is not last.precision:
            raise ValidationError(
                f"Give the end to the {first.precision.value}, like the start ({first})."
            )

    def growing(self) -> bool:
        """True when the submit only asked for another row, and grows the list."""
        if self.add_actor.data and len(self.actors) < MAX_ACTORS:
            self.actors.append_entry()
            return True
        if self.add_source.data and len(self.sources) < MAX_SOURCES:
            self.sources.append_entry()
            return True
        return False

    def record(self, slug: str) -> EventRecord:
        """What the importer writes: blank actor and source rows are left out."""
        start, end = self.start.data.strip(), (self.end.data or "").strip() or None
        return EventRecord(
            slug=slug, title=self.title.data.strip(), summary=self.summary.data or "",
            start=start, end=end, ongoing=bool(self.ongoing.data), category=self.category.data,
            notes=(self.notes.data or "").strip() or None,
            actors=[
                ActorLink(row.form.name.data.strip(), row.form.kind.data or None,
                          Role(row.form.role.data))
                for row in self.actors if (row.form.name.data or "").strip()
            ],
            sources=[
                Citation(row.form.url.data.strip(), row.form.title.data or None,
                         row.form.publisher.data or None, row.form.published.data or None)
                for row in self.sources if (row.form.url.data or "").strip()
            ],
        )  # fmt: skip

    def show_problems(self, problems: list[Problem]) -> None:
        """Put the importer's refusals at the fields they name; those about the actor or
        source lists go to `list_problems`, shown at the top of their group."""
        self.list_problems: dict[str, list[str]] = {}
        for problem in problems:
            name = problem.field or "title"
            if name in ("actors", "sources"):
                self.list_problems.setdefault(name, []).append(problem.message)
            else:
                target = getattr(self, name, None) or self.title
                target.errors = [*target.errors, problem.message]


def event_form(categories: dict[str, str], kinds: dict[str, str], **kwargs) -> EventForm:
    form = EventForm(**kwargs)
    form.category.choices = choices(categories)
    for row in form.actors:
        row.form.kind.choices = kind_choices(kinds)
    return form


def choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(slug, label) for slug, label in labels.items()]


def kind_choices(kinds: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice("", "(an existing actor)"), *choices(kinds)]
