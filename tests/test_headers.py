"""Security headers on every answer the site gives: each view in the URL map, errors,
redirects, the API's JSON and CSV, and static files; HSTS over HTTPS only; framing by choice."""

from pathlib import Path

from sqlalchemy import select

from tests.conftest import addresses
from timeline import create_app
from timeline.db import db
from timeline.domain import ActorAlias
from timeline.web.headers import allow_framing

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    directives = response.headers["Content-Security-Policy"].split(";")
    return dict(d.strip().split(" ", 1) for d in directives)


def assert_secured(response, url: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (url, name)
    assert {k: v for k, v in policy(response).items() if k in POLICY} == POLICY, url
    denied = response.headers["Permissions-Policy"]
    assert all(f"{feature}=()" in denied for feature in ("camera", "microphone", "geolocation"))
    assert "Strict-Transport-Security" not in response.headers, url  # plain HTTP


def every_answer(app, session, admin, client) -> list[tuple[str, object]]:
    answers = []
    for url in addresses(app, session, "GET"):
        response = (admin if url.startswith("/admin") else client).get(url)
        assert response.status_code == 200, url
        answers.append((url, response))
    alias = session.scalars(select(ActorAlias.slug)).first()
    static = [f"/static/{name}" for name in app.extensions["assets"].digested.values()]
    others = [
        "/no-such-page",
        "/api/no-such",
        "/events/no-such-event",
        "/admin/",
        f"/actors/{alias}",
        "/static/css/site.css",
        "/static/no-such.css",
        *static,
    ]
    for url in others:
        response = client.get(url)
        response.close()  # a static file's answer holds the file open until closed
        answers.append((url, response))
    post = client.post("/api/events", json={})  # a write refused: 401 in the API's shape
    return [*answers, ("POST /api/events", post)]


def test_every_answer_carries_the_security_headers(seeded, app, session, admin, client):
    answers = every_answer(app, session, admin, client)
    statuses = {response.status_code for _, response in answers}
    assert {200, 302, 404} <= statuses and statuses & {301, 308} and statuses & {401, 403}
    kinds = {response.mimetype for _, response in answers}
    assert {"text/html", "application/json", "text/csv", "image/svg+xml", "text/css"} <= kinds
    for url, response in answers:
        assert_secured(response, url)


def test_hsts_only_over_https(client):
    secure = client.get("/categories", base_url="https://timeline.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/categories").headers


def test_a_view_may_allow_framing_and_the_others_still_refuse(database, app):
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "test-only-key"})  # its own routes

    @app.get("/embed-test")
    @allow_framing
    def embed():
        return "<p>framed</p>"

    client = app.test_client()
    framed = client.get("/embed-test")
    assert "X-Frame-Options" not in framed.headers
    assert policy(framed)["frame-ancestors"] == "*"
    assert policy(framed)["script-src"] == "'self'"  # the rest of the policy stays
    refused = client.get("/categories")
    assert refused.headers["X-Frame-Options"] == "DENY"
    assert policy(refused)["frame-ancestors"] == "'none'"
    with app.app_context():
        db.engine.dispose()


def test_no_template_holds_inline_script_or_style(app):
    folder = Path(app.root_path, app.template_folder)
    for path in folder.rglob("*.html"):
        text = path.read_text()
        for inline in (" style=", "<style", " onsubmit=", " onclick=", " onload=", "javascript:"):
            assert inline not in text, (path.name, inline)
        scripts = text.count("<script")
        assert scripts == text.count("<script src=") + text.count('type="application/ld+json"')
