"""Bulk import from a file: upload it, preview what would change (nothing is written), then
confirm to apply exactly the previewed file, all or nothing."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField

from timeline.db import db
from timeline.services.imports import bulk as bulk_import
from timeline.services.imports.bulk import MAX_BYTES, SUFFIXES
from timeline.services.imports.documents import ImportRejected, Problem
from timeline.web.admin import bp
from timeline.web.forms import PageForm

MAX_MB = MAX_BYTES // (1024 * 1024)


class UploadForm(PageForm):
    file = FileField(
        "File to import",
        validators=[
            FileRequired("Choose a file to import."),
            FileAllowed(
                [suffix.lstrip(".") for suffix in SUFFIXES],
                f"Choose a YAML, JSON or CSV file: its name ends in {', '.join(SUFFIXES)}.",
            ),
            FileSize(MAX_BYTES, message=f"The file is over {MAX_MB} MB: split it in parts."),
        ],
        render_kw={"accept": ",".join(SUFFIXES)},
    )


class ConfirmForm(PageForm):
    token = HiddenField()
    publish = BooleanField("Publish on import: new and changed events go public at once")


def _stash() -> Path:
    """Where previewed files wait for confirmation: on the server, never in the browser."""
    return Path(current_app.instance_path) / "imports"


def _upload_page(form: UploadForm, problems: list[Problem] | None = None, status: int = 200):
    page = dict(form=form, problems=problems or [], max_mb=MAX_MB)
    return render_template("admin/imports/upload.html", **page), status


@bp.get("/imports")
def imports():
    return _upload_page(UploadForm())


@bp.post("/imports")
def import_preview():
    form = UploadForm()
    if not form.validate():
        return _upload_page(form, status=400)
    try:
        upload = bulk_import.read_upload(form.file.data.filename, form.file.data.read())
        report = bulk_import.preview(db.session, upload)
    except ImportRejected as exc:
        return _upload_page(form, exc.problems, 400)
    confirm = ConfirmForm(token=bulk_import.stash(_stash(), upload, current_user.id))
    return render_template("admin/imports/preview.html", upload=upload, report=report, form=confirm)


@bp.post("/imports/confirm")
def import_confirm():
    form = ConfirmForm()
    if not form.validate():
        abort(400, description="The confirmation was incomplete: upload the file again.")
    if form.publish.data and not current_user.is_admin:
        abort(403, description="Only an admin may publish.")
    upload = bulk_import.take(_stash(), form.token.data or "", current_user.id)
    if upload is None:
        flash("That preview has expired or was imported already: upload the file again.")
        return redirect(url_for("admin.imports"))
    try:
        report = bulk_import.import_upload(db.session, upload, current_user, form.publish.data)
    except ImportRejected as exc:
        db.session.rollback()
        return _upload_page(UploadForm(), exc.problems, 400)
    db.session.commit()
    where = "are published" if form.publish.data else "wait as drafts in the review queue"
    flash(f"Imported “{upload.name}”: {report.summary()}. New and changed events {where}.")
    return redirect(url_for("admin.dashboard"))
