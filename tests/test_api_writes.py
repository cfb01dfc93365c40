"""API tokens on the account page, and writing events through /api with one."""

import hashlib
import json
import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_actor, make_event
from timeline.domain import ApiToken, Event, Revision, Role, User
from timeline.services.accounts import tokens as api_tokens
from timeline.web.api.openapi import Schemas, describe
from timeline.web.api.writes import EventChanges, EventInput

EVENT = {
    "title": "Northlight signs AI dubbing deal",
    "summary": "The studio will dub its back catalogue with synthetic voices.",
    "category": "studio-deal",
    "start": "2024-03",
    "actors": [
        {"name": "Northlight Pictures", "kind": "studio", "role": "party"},
        {"name": "Vocalis", "kind": "ai-company", "role": "vendor"},
    ],
    "sources": [
        {"url": "https://news.example.org/northlight-vocalis", "title": "Northlight picks Vocalis",
         "publisher": "Example News"},
    ],
}  # fmt: skip
_SECRET = re.compile(r'<code id="token-secret">(tl_[\w-]+)</code>')


def new_token(client, name: str = "import script") -> str:
    """A token made on the account page by the logged-in `client`; its secret, as shown."""
    data = {"name": name, "csrf_token": csrf_token(client, "/admin/account")}
    response = client.post("/admin/account/tokens", data=data)
    assert response.status_code == 201
    return _SECRET.search(response.get_data(as_text=True)).group(1)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def post_event(client, secret: str, **fields):
    return client.post("/api/events", json=EVENT | fields, headers=bearer(secret))


def error_fields(response) -> dict[str, str]:
    body = response.get_json()
    assert set(body["error"]) == {"status", "message", "fields"}
    assert body["error"]["status"] == response.status_code
    return body["error"]["fields"]


def test_a_token_is_shown_once_and_only_its_hash_is_stored(editor, session):
    page = editor.get("/admin/account").get_data(as_text=True)
    assert 'href="/admin/account"' in page and "You have no API token." in page
    data = {"name": "laptop", "csrf_token": csrf_token(editor, "/admin/account")}
    created = editor.post("/admin/account/tokens", data=data)
    html = created.get_data(as_text=True)
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    assert "Copy your new token now" in html
    secret = _SECRET.search(html).group(1)
    assert len(secret) > 40
    token = session.scalars(select(ApiToken)).one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[: api_tokens.SHOWN] and token.user.username == "edna"
    assert secret not in {token.name, token.prefix, token.token_hash}
    again = editor.get("/admin/account").get_data(as_text=True)
    assert secret not in again and f"{token.prefix}…" in again and "laptop" in again


def test_a_token_needs_a_name_and_a_csrf_token(editor, session):
    blank = {"name": " ", "csrf_token": csrf_token(editor, "/admin/account")}
    assert editor.post("/admin/account/tokens", data=blank).status_code == 400
    assert editor.post("/admin/account/tokens", data={"name": "x"}).status_code == 400
    assert session.scalars(select(ApiToken)).all() == []


def test_an_editors_token_writes_a_draft_that_waits_for_review(editor, client, session):
    secret = new_token(editor)
    response = post_event(client, secret)  # no cookie and no CSRF token: the bearer suffices
    assert response.status_code == 201
    event = response.get_json()["event"]
    assert event["status"] == "draft" and event["start"] == "2024-03"
    assert [a["role"] for a in event["actors"]] == ["party", "vendor"]
    assert response.headers["Location"] == f"http://timeline.test/api/events/{event['slug']}"
    assert event["title"] in editor.get("/admin/").get_data(as_text=True)
    assert client.get("/api/events").get_json()["events"] == []
    assert client.get(f"/api/events/{event['slug']}").status_code == 404
    revision = session.scalars(select(Revision)).one()
    assert revision.action == "create" and revision.user.username == "edna"
    assert session.scalars(select(ApiToken)).one().last_used_at is not None


def test_an_editors_token_may_neither_publish_nor_delete(editor, client, session):
    secret = new_token(editor)
    refused = post_event(client, secret, status="published")
    assert refused.status_code == 403 and "Only an admin may publish" in refused.get_data(True)
    event = make_event(session)
    deleting = client.delete(f"/api/events/{event.slug}", headers=bearer(secret))
    assert deleting.status_code == 403 and error_fields(deleting) == {}
    assert session.scalars(select(Event)).one().slug == event.slug


def test_an_admins_token_publishes_and_deletes(admin, client, session):
    secret = new_token(admin)
    created = post_event(client, secret, status="published")
    slug = created.get_json()["event"]["slug"]
    assert created.status_code == 201 and created.get_json()["event"]["status"] == "published"
    assert [e["slug"] for e in client.get("/api/events").get_json()["events"]] == [slug]
    deleted = client.delete(f"/api/events/{slug}", headers=bearer(secret))
    assert deleted.status_code == 204 and deleted.get_data() == b""
    assert client.get(f"/api/events/{slug}").status_code == 404
    assert client.delete(f"/api/events/{slug}", headers=bearer(secret)).status_code == 404
    actions = [r.action for r in session.scalars(select(Revision).order_by(Revision.id))]
    assert actions == ["create", "delete"]


def test_without_a_live_token_every_write_is_a_401(editor, client, session):
    secret = new_token(editor)
    event = make_event(session)
    tries = [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic ZWRuYTpwYXNzd29yZA=="},
        bearer("tl_not-a-token"),
        bearer(secret[:-1]),
        bearer("x" * 10_000),
    ]
    for headers in tries:
        for method, url in (("POST", "/api/events"), ("PATCH", f"/api/events/{event.slug}"),
                            ("DELETE", f"/api/events/{event.slug}")):  # fmt: skip
            response = client.open(url, method=method, json=EVENT, headers=headers)
            assert response.status_code == 401, (headers, method)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert error_fields(response) == {}
    assert session.scalars(select(Revision)).all() == []


def test_a_logged_in_session_never_authorises_a_write(editor, admin):
    for client in (editor, admin):
        token = csrf_token(client, "/admin/account")
        response = client.post("/api/events", json=EVENT, headers={"X-CSRFToken": token})
        assert response.status_code == 401
        assert "Authorization: Bearer" in response.get_json()["error"]["message"]


def test_the_token_decides_who_writes_not_the_cookie(editor, admin, session):
    secret = new_token(editor)
    as_editor = post_event(admin, secret, status="published")  # an admin's browser, edna's token
    assert as_editor.status_code == 403
    assert post_event(admin, secret).get_json()["event"]["status"] == "draft"
    assert session.scalars(select(Revision)).one().user.username == "edna"


def test_a_revoked_token_stops_working_and_stays_listed(editor, client, session):
    secret = new_token(editor)
    assert post_event(client, secret).status_code == 201
    token = session.scalars(select(ApiToken)).one()
    page = "/admin/account"
    revoke = editor.post(
        f"/admin/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(editor, page)}
    )
    assert revoke.status_code == 302
    listed = editor.get(page).get_data(as_text=True)
    assert "is revoked" in listed and re.search(r"<td>revoked <time", listed)
    refused = post_event(client, secret, title="Another deal", confirm_duplicate=True)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_nobody_revokes_another_accounts_token(editor, admin, session):
    new_token(editor)
    token = session.scalars(select(ApiToken)).one()
    data = {"csrf_token": csrf_token(admin, "/admin/account")}
    assert admin.post(f"/admin/account/tokens/{token.id}/revoke", data=data).status_code == 404
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is None


def test_a_token_name_is_escaped_on_the_account_page(editor):
    new_token(editor, "<script>alert(1)</script>")
    html = editor.get("/admin/account").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_each_bad_field_is_named_with_the_forms_message(editor, client):
    secret = new_token(editor)
    bad = {
        "title": "", "start": "2024-05", "end": "2024-03", "category": "no-such-thing",
        "sources": [{"url": "notaurl"}, {"url": "https://ok.example.org/", "title": 7}],
        "actors": [{"name": "Vocalis", "kind": "robot"}, 3, {"role": "vendor"}],
        "ongoing": "yes", "status": "live", "confirm_duplicate": 1, "colour": "red",
    }  # fmt: skip
    response = post_event(client, secret, **bad)
    fields = error_fields(response)
    assert response.status_code == 400
    assert fields["title"] == "This field is required."
    assert "before the start" in fields["end"]
    assert fields["category"] == "Not a valid choice."
    assert "is not a web address" in fields["sources[0].url"]
    assert fields["sources[1].title"] == "must be text, got int"
    assert "no kind 'robot'" in fields["actors[0].kind"]
    assert fields["actors[1]"].startswith("must be an object")
    assert "'slug' of an actor, or a 'name'" in fields["actors[2]"]
    assert {"ongoing", "status", "confirm_duplicate", "colour"} <= set(fields)
    missing = client.post("/api/events", json={"summary": "x"}, headers=bearer(secret))
    assert {"title", "category", "start"} <= set(error_fields(missing))
    typed = post_event(client, secret, title=["a"], start=2024, actors={"name": "x"}, sources="")
    assert error_fields(typed) == {
        "title": "must be text, got list", "start": "must be text, got int",
        "actors": "must be a list, got dict", "sources": "must be a list, got str",
    }  # fmt: skip
    nulls = post_event(client, secret, end=None, notes=None, ongoing=None, status=None)
    assert nulls.status_code == 201


def test_a_body_nobody_could_save_is_a_400_or_413_never_a_500(editor, client):
    headers = bearer(new_token(editor)) | {"Content-Type": "application/json"}
    bodies = {
        b"{not json": 400, b"": 400, b"[1, 2]": 400, b'"text"': 400, b"\xff\xfe": 400,
        b"[" * 100_000 + b"]" * 100_000: 400,
        json.dumps(EVENT | {"title": "A\x00B"}).encode(): 400,
        json.dumps(EVENT | {"notes": "\ud800"}).encode(): 400,
        json.dumps(EVENT | {"notes": "x" * 300_000}).encode(): 413,
        json.dumps(EVENT | {"actors": [{"name": f"n{i}", "kind": "studio"} for i in range(21)]})
        .encode(): 400,
    }  # fmt: skip
    for body, status in bodies.items():
        response = client.post("/api/events", data=body, headers=headers)
        assert response.status_code == status, body[:40]
        assert response.get_json()["error"]["status"] == status


def test_a_new_actor_needs_a_kind_and_a_slug_must_name_an_actor(editor, client):
    secret = new_token(editor)
    actors = [{"name": "Vocalis"}, {"slug": "nobody-here"}]
    fields = error_fields(post_event(client, secret, actors=actors))
    assert fields["actors[1].slug"].startswith("no actor 'nobody-here'")
    kindless = error_fields(post_event(client, secret, actors=actors[:1]))
    assert kindless == {"actors": "'Vocalis' is a new actor: give its 'kind'"}


def test_a_slug_sent_is_kept_unless_taken(editor, client, session):
    secret = new_token(editor)
    taken = make_event(session, title="Old news")
    fields = error_fields(post_event(client, secret, slug=taken.slug))
    assert fields == {"slug": f"The address /events/{taken.slug} is taken by “Old news”."}
    assert "lower-case" in error_fields(post_event(client, secret, slug="Not A Slug"))["slug"]
    response = post_event(client, secret, slug="northlight-dub")
    assert response.get_json()["event"]["slug"] == "northlight-dub"


def test_a_likely_duplicate_is_409_until_confirmed(editor, client, session):
    make_event(session, "2024-03-10", title="Northlight signs AI dubbing deal!")
    secret = new_token(editor)
    conflict = post_event(client, secret)
    message = conflict.get_json()["error"]["message"]
    assert conflict.status_code == 409 and "has a similar title and a nearby date" in message
    assert '"confirm_duplicate": true' in message
    assert post_event(client, secret, confirm_duplicate=True).status_code == 201


def test_a_patch_changes_one_field_keeps_the_rest_and_records_who(editor, client, session):
    studio = make_actor(session, name="Northlight Pictures")
    event = make_event(session, "2024-03-01", title="Old title", actors=[(studio, Role.VENDOR)])
    before = client.get(f"/api/events/{event.slug}").get_json()["event"]
    secret = new_token(editor)
    response = client.patch(
        f"/api/events/{event.slug}", json={"title": "New title"}, headers=bearer(secret)
    )
    assert response.status_code == 200
    answer = response.get_json()
    # The published event stays as it was; the change waits for review.
    assert answer["event"] == before | {"updated_at": answer["event"]["updated_at"]}
    assert answer["pending"]["changes"] == {"title": ["Old title", "New title"]}
    assert answer["pending"]["proposed_by"] == "edna"
    history = session.scalars(select(Revision).order_by(Revision.id)).all()
    assert [r.action for r in history] == ["as found", "propose"]
    assert history[-1].user.username == "edna"
    assert history[-1].changes["title"] == ["Old title", "New title"]


def test_a_patch_keeps_an_actors_role_when_none_is_sent(admin, client, session):
    studio = make_actor(session, name="Northlight Pictures")
    event = make_event(session, "2024-03-01", actors=[(studio, Role.SUBJECT)])
    secret = new_token(admin)
    actors = [{"slug": studio.slug}, {"name": "Vocalis", "kind": "ai-company"}]
    body = {"actors": actors, "status": "published", "ongoing": True}
    response = client.patch(f"/api/events/{event.slug}", json=body, headers=bearer(secret))
    changed = response.get_json()["event"]
    assert [(a["name"], a["role"]) for a in changed["actors"]] == [
        ("Northlight Pictures", "subject"), ("Vocalis", "participant"),
    ]  # fmt: skip
    assert changed["status"] == "published" and changed["ongoing"] is True


def test_a_patch_answers_404_for_no_event_and_400_for_a_new_slug(editor, client, session):
    secret = new_token(editor)
    missing = client.patch("/api/events/nothing", json={}, headers=bearer(secret))
    assert missing.status_code == 404 and error_fields(missing) == {}
    event = make_event(session)
    moved = client.patch(f"/api/events/{event.slug}", json={"slug": "x"}, headers=bearer(secret))
    assert error_fields(moved) == {"slug": "an event's address does not change"}


def test_deleting_an_account_deletes_its_tokens(admin, editor, session):
    new_token(editor)
    edna = session.scalars(select(User).where(User.username == "edna")).one()
    data = {"csrf_token": csrf_token(admin, "/admin/account")}
    assert admin.post(f"/admin/users/{edna.id}/delete", data=data).status_code == 302
    assert session.scalars(select(ApiToken)).all() == []


def test_the_writes_are_described_for_openapi(app):
    for endpoint, status in (("create_event", 201), ("update_event", 200), ("delete_event", 204)):
        doc = describe(app.view_functions[f"api_writes.{endpoint}"])
        assert doc.token and doc.tag == "writes" and doc.status == status
    schemas = Schemas()
    schemas.ref(EventInput)
    schemas.ref(EventChanges)
    assert set(schemas.found["EventInput"]["required"]) == {"title", "category", "start"}
    assert "required" not in schemas.found["EventChanges"]
    assert "confirm_duplicate" in describe(app.view_functions["api_writes.create_event"]).summary
