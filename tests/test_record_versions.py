"""Each event and actor answer names the record's version (its ETag); a write naming an older
one with If-Match is refused, and an editor's form saved over a newer version shows both
versions instead of overwriting."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_actor, make_event
from tests.test_admin_actors import actor_data
from tests.test_admin_events import form_data
from tests.test_api_writes import bearer, new_token
from timeline.domain import Actor, Event, Role, Status


def test_one_events_read_and_write_carry_its_version(admin, client, session):
    event = make_event(session, "2024-03-01", title="Old title")
    url = f"/api/events/{event.slug}"
    read = client.get(url)
    assert read.headers["ETag"] == f'"event-{event.id}-v1"'
    assert client.get(url, headers={"If-None-Match": read.headers["ETag"]}).status_code == 304
    secret = bearer(new_token(admin))
    body = {"title": "New title", "status": "published"}
    written = client.patch(url, json=body, headers=secret | {"If-Match": read.headers["ETag"]})
    assert written.status_code == 200
    assert written.headers["ETag"] not in (read.headers["ETag"], None)
    assert client.get(url).headers["ETag"] == written.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": read.headers["ETag"]}).status_code == 200


def test_a_stale_if_match_is_a_412_naming_the_current_version(admin, client, session):
    event = make_event(session, "2024-03-01", title="Old title")
    url = f"/api/events/{event.slug}"
    stale = client.get(url).headers["ETag"]
    secret = bearer(new_token(admin))
    current = client.patch(url, json={"title": "Theirs", "status": "published"}, headers=secret)
    mine = client.patch(url, json={"title": "Mine"}, headers=secret | {"If-Match": stale})
    assert mine.status_code == 412 and mine.headers["ETag"] == current.headers["ETag"]
    assert mine.get_json()["error"]["fields"]["If-Match"]
    gone = client.delete(url, headers=secret | {"If-Match": stale})
    assert gone.status_code == 412 and client.get(url).get_json()["event"]["title"] == "Theirs"
    fresh = client.delete(url, headers=secret | {"If-Match": current.headers["ETag"]})
    assert fresh.status_code == 204


def test_an_actors_read_carries_its_version(client, session):
    actor = make_actor(session, name="Northlight Pictures")
    make_event(session, "2024-03-01", actors=[(actor, Role.SUBJECT)])  # public: a published event
    read = client.get(f"/api/actors/{actor.slug}")
    assert read.headers["ETag"] == f'"actor-{actor.id}-v1"'


def _conflict_cells(html: str) -> list[tuple[str, str, str]]:
    notice = html[html.index('id="edit-conflict"') :]
    row = (
        r'<tr><th scope="row">([^<]+)</th>'
        r'<td class="before">([^<]*)</td><td class="after">([^<]*)</td>'
    )
    return re.findall(row, notice[: notice.index("</table>")])


def test_two_editors_on_one_event_the_second_sees_both_versions(editor, admin, session):
    actor = make_actor(session, name="Northlight Pictures")
    event = make_event(
        session,
        "2024-03-01",
        title="Old title",
        actors=[(actor, Role.SUBJECT)],
        status=Status.DRAFT,
    )
    page = f"/admin/events/{event.slug}/edit"
    theirs = form_data(admin, page, title="Their title", start="2024-03-01")
    mine = form_data(editor, page, title="My title", start="2024-03-01")  # opened before theirs
    assert admin.post(page, data=theirs).status_code == 302
    refused = editor.post(page, data=mine)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "changed by ada since you opened it" in html
    # Only the field that differs: the actor rows the form names without a slug are the same.
    assert _conflict_cells(html) == [("title", "Their title", "My title")]
    session.expire_all()
    assert session.get(Event, event.id).title == "Their title"
    # Saving the re-shown form (now carrying the current version) is deliberate: it goes in.
    version = re.search(r'name="loaded_version" type="hidden" value="(\d+)"', html).group(1)
    again = editor.post(
        page, data=mine | {"loaded_version": version, "csrf_token": csrf_token(editor, page)}
    )
    assert again.status_code == 302
    session.expire_all()
    assert session.get(Event, event.id).title == "My title"


def test_two_editors_on_one_actor_the_second_sees_both_versions(editor, admin, session):
    editor.post("/admin/actors/new", data=actor_data(editor, "/admin/actors/new"))
    page = "/admin/actors/northlight-pictures/edit"
    theirs = actor_data(admin, page, description="Their description.")
    mine = actor_data(editor, page, description="My description.")
    assert admin.post(page, data=theirs).status_code == 302
    refused = editor.post(page, data=mine)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "changed by ada since you opened it" in html
    assert ("description", "Their description.", "My description.") in _conflict_cells(html)
    session.expire_all()
    actor = session.scalars(select(Actor)).one()
    assert actor.description == "Their description."
