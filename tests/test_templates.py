"""Every template renders, each with the context its own view gives it: every page in the URL
map is requested over the seed data, and the few templates shown only after a POST or on an
error are reached by the request that shows them."""

import io
from pathlib import Path

from flask import template_rendered
from sqlalchemy import select

from tests.conftest import addresses, csrf_token
from tests.test_admin_events import form_data
from timeline.domain import Event, Status

IMPORT = b"""
- title: A studio announces an AI previsualisation tool
  start: 2024-06
  category: production-use
  summary: Something happened some day in June 2024.
  sources:
  - https://example.org/june
"""


def template_names(app) -> set[str]:
    folder = Path(app.root_path, app.template_folder)
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*.*")}


def is_page(name: str) -> bool:
    """A template a view renders, rather than a partial or the base it includes or extends."""
    return not Path(name).name.startswith("_") and name != "base.html"


def request_every_view(app, session, admin, client) -> None:
    for url in addresses(app, session, "GET"):
        response = (client if url == "/login" else admin).get(url)
        assert response.status_code == 200, url
    assert client.get("/no-such-page").status_code == 404  # errors/error.html
    token = csrf_token(admin, "/admin/imports")
    preview = {"csrf_token": token, "file": (io.BytesIO(IMPORT), "plan.yaml")}
    assert admin.post("/admin/imports", data=preview).status_code == 200  # imports/preview.html
    slug = session.scalars(select(Event.slug).where(Event.status == Status.PUBLISHED)).first()
    page = f"/admin/events/{slug}/edit"
    change = form_data(admin, page, title="A change waiting for review")
    assert admin.post(page, data=change).status_code == 302
    assert admin.get("/admin/").status_code == 200  # admin/events/_pending.html
    assert admin.post(page, data=change).status_code == 409  # stale: admin/_conflict.html


def test_every_template_is_rendered(seeded, app, session, admin, client, monkeypatch):
    rendered: set[str] = set()  # by a view
    loaded: set[str] = set()  # by a view, or by a template it includes, imports or extends
    get_template = app.jinja_env.get_template

    def loading(name, *args, **kwargs):
        template = get_template(name, *args, **kwargs)
        loaded.add(template.name)
        return template

    def record(_app, template, context, **_extra):
        assert context, template.name
        rendered.add(template.name)

    monkeypatch.setattr(app.jinja_env, "get_template", loading)
    with template_rendered.connected_to(record, app):
        request_every_view(app, session, admin, client)
    assert {name for name in template_names(app) if is_page(name)} - rendered == set()
    assert template_names(app) - loaded == set()
