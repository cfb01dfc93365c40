"""Admin pages for the cost model's reference data: GPU rental prices, observed API prices and
scenarios. Editors add and change rows, only an admin deletes one; every row is checked by the
rules `flask import-costs` applies (see services.costs.edits), each problem shown at its field.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms import FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from timeline.db import db
from timeline.services.costs import edits as cost_edits
from timeline.services.costs.data import REFERENCE_MODEL
from timeline.services.costs.edits import CostEditRejected, Problems
from timeline.web.admin import bp
from timeline.web.admin.event_form import DATE_HINT
from timeline.web.forms import PageForm
from timeline.web.security import admin_required

SOURCE_HINT = "A web address (http:// or https://), or a citation in words."
Choices = list[tuple[str, str]]  # (slug, name)


def _number(label: str, hint: str = "", **kwargs) -> FloatField:
    unreadable = f"{label} must be a number."
    return FloatField(
        label, [Optional()], description=hint, invalid_value_message=unreadable, **kwargs
    )


def _whole(label: str, hint: str = "", **kwargs) -> IntegerField:
    unreadable = f"{label} must be a whole number."
    return IntegerField(
        label, [Optional()], description=hint, invalid_value_message=unreadable, **kwargs
    )


def _choices(pairs: Choices) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _sentence(label: str, message: str) -> str:
    """An importer message ("must be above zero, got -1.0") as a sentence at its field."""
    if message.startswith(("is ", "must ", "has ")):
        message = f"{label} {message}"
    return message[0].upper() + message[1:].rstrip(".") + "."


class CostForm(PageForm):
    """A row's form: fields named as in the seed file, so the importer's problems find them."""

    section: ClassVar[str]
    noun: ClassVar[str]
    endpoint: ClassVar[str]
    # (legend, hint, field names): how the page groups the fields.
    groups: ClassVar[tuple[tuple[str | None, str | None, tuple[str, ...]], ...]]
    note = TextAreaField("Note", [Optional()], render_kw={"rows": 2})
    source = StringField("Source", [Optional()], description=SOURCE_HINT)
    save = SubmitField("Save")

    def offer(self, gpus: Choices, models: Choices) -> None:
        """Fill the choices that come from the database."""

    def values(self) -> dict[str, Any]:
        return {f.name: f.data for f in self if f.name not in ("csrf_token", "save")}

    def show(self, problems: Problems) -> None:
        """Put each problem at its field, unless the field already says it cannot be read."""
        for name, messages in problems.items():
            field = self[name] if name in self else self[self.groups[0][2][0]]
            if not field.errors:
                field.errors = [_sentence(field.label.text, m) for m in messages]


class GpuPriceForm(CostForm):
    section, noun, endpoint = "gpu_prices", "GPU price", "admin.gpu_price"
    groups = (
        (None, None, ("gpu", "observed")),
        ("Rental price", "US dollars per GPU-hour: a range across providers, a typical, or both.",
         ("usd_low", "usd_typical", "usd_high")),
        (None, None, ("note", "source")),
    )  # fmt: skip
    gpu = SelectField("GPU", validate_choice=False)
    observed = StringField("Observed", description=DATE_HINT)
    usd_low = _number("Low price")
    usd_typical = _number("Typical price")
    usd_high = _number("High price")

    def offer(self, gpus: Choices, models: Choices) -> None:
        self.gpu.choices = _choices([("", "Choose a GPU"), *gpus])

    @staticmethod
    def label(row: Any) -> str:
        return f"{row.gpu.name}, {row.observed}"


class ApiPriceForm(CostForm):
    section, noun, endpoint = "api_prices", "API price", "admin.api_price"
    groups = (
        (None, None, ("provider", "product")),
        ("Output", None, ("resolution", "width", "height")),
        (None, None, ("usd_per_second", "observed")),
        (None, None, ("note", "source")),
    )
    provider = StringField("Provider", description="OpenAI, Google, Runway…")
    product = StringField("Product", description="The model as priced: sora-2, veo-3…")
    resolution = StringField("Resolution", description="As the provider names it: 720p, 1080p.")
    width = _whole("Width", "Pixels.")
    height = _whole("Height", "Pixels.")
    usd_per_second = _number("Price", "US dollars per second of video.")
    observed = StringField("Observed", description=DATE_HINT)

    @staticmethod
    def label(row: Any) -> str:
        return f"{row.provider} {row.product} at {row.resolution}, {row.observed}"


class ScenarioForm(CostForm):
    section, noun, endpoint = "scenarios", "scenario", "admin.scenario"
    groups = (
        (None, None, ("slug", "claim", "observed", "bound")),
        ("The figure claimed", "Give one: a price, GPU-hours, wall hours with the number of "
         "GPUs, or an LLM price with a ratio. Without a GPU, the reference GPU is assumed.",
         ("usd_per_video_minute", "gpu_hours_per_video_minute", "wall_hours", "gpus", "gpu",
          "llm_usd_per_1k", "price_ratio")),
        ("Reference workload", "The generator and clip the claim is held against.",
         ("model", "width", "height", "fps", "clip_seconds")),
        (None, None, ("note", "source")),
    )  # fmt: skip
    slug = StringField("Slug", description="Lowercase letters, digits, . and -; in the API's URLs.")
    claim = TextAreaField("Claim", render_kw={"rows": 2})
    observed = StringField("Observed", description=DATE_HINT)
    bound = SelectField(
        "The figure is",
        choices=_choices([("about", "about"), ("at_least", "at least"), ("at_most", "at most")]),
        validate_choice=False,
    )
    usd_per_video_minute = _number("USD per video-minute")
    gpu_hours_per_video_minute = _number("GPU-hours per video-minute")
    wall_hours = _number("Wall hours per video-minute")
    gpus = _whole("Number of GPUs")
    gpu = SelectField("GPU", validate_choice=False)
    llm_usd_per_1k = _number("LLM price", "US dollars per 1,000 tokens.")
    price_ratio = _number("Price ratio", "A video-minute costs this many times the LLM price.")
    # A new claim starts from the reference workload every seeded claim is held against.
    model = SelectField("Video model", validate_choice=False, default=REFERENCE_MODEL)
    width = _whole("Width", "Pixels.", default=1280)
    height = _whole("Height", "Pixels.", default=720)
    fps = _number("Frames per second", default=16)
    clip_seconds = _number("Clip length", "Seconds in one window of the generator.", default=5)

    def offer(self, gpus: Choices, models: Choices) -> None:
        self.gpu.choices = _choices([("", "(none given)"), *gpus])
        self.model.choices = _choices([("", "Choose a model"), *models])

    @staticmethod
    def label(row: Any) -> str:
        return row.slug


FORMS: dict[str, type[CostForm]] = {
    form.section: form for form in (GpuPriceForm, ApiPriceForm, ScenarioForm)
}


@bp.get("/costs")
def cost_data():
    return render_template("admin/costs/index.html", rows=cost_edits.listing(db.session))


def _row_or_404(section: str, row_id: int) -> Any:
    row = cost_edits.get_row(db.session, section, row_id)
    if row is None:
        abort(404, description=f"There is no {FORMS[section].noun} {row_id}.")
    return row


def _form(section: str, row: Any) -> CostForm:
    record = cost_edits.record_of(section, row) if row is not None else None
    form = FORMS[section](data=record)
    gpus = cost_edits.options(db.session, "gpus")
    form.offer(gpus, cost_edits.options(db.session, "video_models"))
    return form


def _render(form: CostForm, row: Any, status: int = 200):
    return render_template("admin/costs/form.html", form=form, row=row), status


def _edit(section: str, row: Any):
    """Show the form; on a submit, save and go back to the list, or show what is wrong."""
    form = _form(section, row)
    if request.method == "GET":
        return _render(form, row)
    if not form.validate():
        form.show(cost_edits.problems(db.session, section, form.values(), row))
        return _render(form, row, 400)
    try:
        saved = cost_edits.save(db.session, section, form.values(), row)
    except CostEditRejected as exc:
        form.show(exc.problems)
        return _render(form, row, 400)
    db.session.commit()
    flash(f"Saved the {form.noun} {form.label(saved)}.")
    return redirect(url_for("admin.cost_data"))


def _delete(section: str, row_id: int):
    row = _row_or_404(section, row_id)
    form = FORMS[section]
    label = form.label(row)
    try:
        cost_edits.delete(db.session, row)
    except CostEditRejected as exc:
        flash(f"The {form.noun} {label} is kept: {exc}.")
        return redirect(url_for(f"{form.endpoint}_edit", id=row_id))
    db.session.commit()
    flash(f"Deleted the {form.noun} {label}.")
    return redirect(url_for("admin.cost_data"))


@bp.route("/costs/gpu-prices/new", methods=["GET", "POST"])
def gpu_price_new():
    return _edit("gpu_prices", None)


@bp.route("/costs/gpu-prices/<int:id>/edit", methods=["GET", "POST"])
def gpu_price_edit(id: int):
    return _edit("gpu_prices", _row_or_404("gpu_prices", id))


@bp.post("/costs/gpu-prices/<int:id>/delete")
@admin_required
def gpu_price_delete(id: int):
    return _delete("gpu_prices", id)


@bp.route("/costs/api-prices/new", methods=["GET", "POST"])
def api_price_new():
    return _edit("api_prices", None)


@bp.route("/costs/api-prices/<int:id>/edit", methods=["GET", "POST"])
def api_price_edit(id: int):
    return _edit("api_prices", _row_or_404("api_prices", id))


@bp.post("/costs/api-prices/<int:id>/delete")
@admin_required
def api_price_delete(id: int):
    return _delete("api_prices", id)


@bp.route("/costs/scenarios/new", methods=["GET", "POST"])
def scenario_new():
    return _edit("scenarios", None)


@bp.route("/costs/scenarios/<int:id>/edit", methods=["GET", "POST"])
def scenario_edit(id: int):
    return _edit("scenarios", _row_or_404("scenarios", id))


@bp.post("/costs/scenarios/<int:id>/delete")
@admin_required
def scenario_delete(id: int):
    return _delete("scenarios", id)
