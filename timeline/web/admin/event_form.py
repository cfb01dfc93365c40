"""The event form: its fields, read into the event contract and checked there
(services/events/body.py), so the form and the JSON API refuse the same values with the same
messages, each shown at its field.

Dates are typed as "2024", "2024-03" or "2024-03-25" and keep that precision. Actors are
named (an existing actor's name, alias or slug; a new one needs a kind) and sources are rows;
"Add another" buttons grow the lists without JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from timeline.domain.events import ROLE_MEANINGS
from timeline.services.events import schema
from timeline.services.events.body import check_body
from timeline.services.events.schema import EventRecord
from timeline.services.imports.documents import Problem
from timeline.web.admin.conflicts import version_field
from timeline.web.forms import PageForm, PlainForm

DATE_HINT = "2024, 2024-03 or 2024-03-25: the precision follows what you type."
_ROW_KEY = re.compile(r"(actors|sources)\[(\d+)\]\.(\w+)")


def _limit(longest: int, **more: Any) -> dict[str, Any]:
    """What a browser is told of a field the contract checks: its longest text."""
    return {"maxlength": longest, **more}


class ActorRow(PlainForm):
    name = StringField(
        "Actor", render_kw=_limit(schema.MAX_NAME, list="actor-names", autocomplete="off")
    )
    role = SelectField(
        "Role",
        choices=[SelectChoice(r.value, f"{r.value}: {m}") for r, m in ROLE_MEANINGS.items()],
        validate_choice=False,
    )
    kind = SelectField("Kind, for a new actor", choices=[], validate_choice=False)


class SourceRow(PlainForm):
    url = StringField("URL", render_kw=_limit(schema.MAX_URL))
    title = StringField("Page title", render_kw=_limit(schema.MAX_SOURCE_TITLE))
    publisher = StringField("Publisher", render_kw=_limit(schema.MAX_PUBLISHER))
    published = StringField("Published")


class EventForm(PageForm):
    title = StringField("Title", render_kw=_limit(schema.LIMITS["title"], required=True))
    slug = StringField("Address (slug)", render_kw=_limit(schema.LIMITS["slug"]))
    summary = TextAreaField("Summary", render_kw=_limit(schema.LIMITS["summary"]))
    category = SelectField("Category", validate_choice=False, render_kw={"required": True})
    start = StringField("Start", render_kw={"required": True})
    end = StringField("End")
    ongoing = BooleanField("Ongoing (no end yet)")
    notes = TextAreaField("Notes on the dates or sources")
    actors = FieldList(FormField(ActorRow), min_entries=2, max_entries=schema.MAX_ACTORS)
    sources = FieldList(FormField(SourceRow), min_entries=1, max_entries=schema.MAX_SOURCES)
    add_actor = SubmitField("Add another actor")
    add_source = SubmitField("Add another source")
    save_anyway = BooleanField("It is not a duplicate: save anyway")
    loaded_version = version_field()  # the event's version when the form was opened
    save = SubmitField("Save as draft")
    publish = SubmitField("Save and publish")
    list_problems: dict[str, list[str]] | None = None
    checked: EventRecord | None = None
    kinds: dict[str, str]

    def validate(self, extra_validators=None) -> bool:
        """The CSRF token as every form checks it, then the fields against the contract."""
        super().validate(extra_validators)
        categories = [choice.value for choice in self.category.choices or ()]
        checked = check_body(self._body(), categories, self.kinds, lambda _slug: True)
        for key, message in checked.errors.items():
            field = self._field_at(key)
            if not field.errors:  # a text no column can store was refused as the form read it
                field.errors.append(message)
        for rows in (self.actors, self.sources):  # a row's problems make its list's, as WTForms'
            rows.errors = [row.form.errors for row in rows if row.form.errors]
        self.checked = checked.record
        return not self.errors

    def _rows(self, name: str, key: str) -> list[PlainForm]:
        """The rows of a list that are filled in: blank rows are left out."""
        return [row.form for row in getattr(self, name) if (row.form[key].data or "").strip()]

    def _body(self) -> dict[str, Any]:
        """The fields as a JSON body gives them."""
        body: dict[str, Any] = {name: self[name].data for name in schema.TEXTS}
        body["ongoing"] = bool(self.ongoing.data)
        body["actors"] = [
            {"name": row.name.data, "role": row.role.data, "kind": row.kind.data or None}
            for row in self._rows("actors", "name")
        ]
        body["sources"] = [
            {name: row[name].data or None for name in ("url", "title", "publisher", "published")}
            for row in self._rows("sources", "url")
        ]
        return body

    def _field_at(self, key: str):
        """The field a contract path names: `title`, or `actors[1].role` in the second
        filled-in actor row; a path naming no field marks the title."""
        if (match := _ROW_KEY.fullmatch(key)) is not None:
            name, index, part = match.group(1), int(match.group(2)), match.group(3)
            rows = self._rows(name, "name" if name == "actors" else "url")
            if index < len(rows) and part in rows[index]:
                return rows[index][part]
        return self._fields.get(key, self.title)

    def growing(self) -> bool:
        """True when the submit only asked for another row, and grows the list."""
        if self.add_actor.data and len(self.actors) < schema.MAX_ACTORS:
            self.actors.append_entry()
            return True
        if self.add_source.data and len(self.sources) < schema.MAX_SOURCES:
            self.sources.append_entry()
            return True
        return False

    def record(self, slug: str) -> EventRecord:
        """What the importer writes, at `slug`: the record the contract read from the form."""
        assert self.checked is not None, "validate() first"
        return replace(self.checked, slug=slug)

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


def _lay_out_contract_texts(form: type[EventForm]) -> None:
    """A text field of the contract the form does not lay out itself gets a text box, named
    after the field, so a field added to the contract is on the form (its template places it)."""
    for name in schema.TEXTS:
        if not hasattr(form, name):
            label = name.replace("_", " ").capitalize()
            setattr(form, name, StringField(label, render_kw=_limit(schema.LIMITS.get(name, 0))))


_lay_out_contract_texts(EventForm)


def event_form(categories: dict[str, str], kinds: dict[str, str], **kwargs) -> EventForm:
    form = EventForm(**kwargs)
    form.kinds = kinds
    form.category.choices = choices(categories)
    for row in form.actors:
        row.form.kind.choices = kind_choices(kinds)
    return form


def choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(slug, label) for slug, label in labels.items()]


def kind_choices(kinds: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice("", "(an existing actor)"), *choices(kinds)]
