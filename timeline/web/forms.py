"""The base of every form: what a field may hold before its own checks run.

A text with a NUL, half a surrogate pair or another control character, a number beyond
what a database column stores (inf, nan, past 64 bits): each gets a message at its field and
stops that field's checks, so no validator or service ever sends it to the database.
"""

from __future__ import annotations

import math

import wtforms
from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, StringField, TextAreaField
from wtforms.validators import StopValidation

from timeline.services.characters import text_problem

LARGEST_INTEGER = 2**63 - 1  # a signed 64-bit column, on PostgreSQL and SQLite alike


def storable(form: wtforms.Form, field: wtforms.Field) -> None:
    """A validator every field of a form runs first: refuse what no column can store."""
    problem = _problem(field)
    if problem:
        raise StopValidation(problem)


def _problem(field: wtforms.Field) -> str | None:
    data = field.data
    if isinstance(field, StringField) and isinstance(data, str):
        problem = text_problem(data, multiline=isinstance(field, TextAreaField))
        return problem and f"This field {problem}."
    if isinstance(field, FloatField) and data is not None and not math.isfinite(data):
        return f"{field.label.text} must be a finite number."
    if isinstance(field, IntegerField) and data is not None and abs(data) > LARGEST_INTEGER:
        return f"{field.label.text} is too large: at most {LARGEST_INTEGER:,} either way."
    return None


class StorableMeta:
    """Puts `storable` in front of each field's validators as the field is bound."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
        if field.name != getattr(self, "csrf_field_name", None):
            field.validators = [storable, *field.validators]
        return field


class PageForm(FlaskForm):
    """A form posted from a page: a CSRF token, and only storable values."""

    class Meta(StorableMeta):
        pass


class PlainForm(wtforms.Form):
    """A form with no token of its own: a GET form's filters, or rows inside a posted form."""

    class Meta(StorableMeta):
        pass
