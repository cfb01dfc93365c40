"""An edit of a published event keeps the published version online: the change waits for
review, shown to admins with its diff, and only an admin's approval makes it public."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_actor, make_event
from tests.test_admin_events import form_data
from tests.test_api_writes import bearer, new_token
from timeline.domain import Event, Revision, Role, Source, User
from timeline.services.events import edits
from timeline.services.events.schema import from_plain


def _published(session, title: str = "Old title") -> Event:
    studio = make_actor(session, name="Northlight Pictures")
    return make_event(session, "2024-03-01", title=title, actors=[(studio, Role.SUBJECT)])


def _public_title(client, slug: str) -> str:
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    api = client.get(f"/api/events/{slug}").get_json()["event"]["title"]
    assert api in page
    return api


def test_an_editors_form_edit_stays_private_until_an_admin_approves(editor, admin, client, session):
    event = _published(session)
    page = f"/admin/events/{event.slug}/edit"
    saved = editor.post(page, data=form_data(editor, page, title="New title", start="2024-03-01"))
    assert saved.status_code == 302
    assert "waits for review" in editor.get(page).get_data(as_text=True)
    assert _public_title(client, event.slug) == "Old title"
    assert "New title" not in client.get("/api/events").get_data(as_text=True)
    # The editor's form shows the change, so a second edit builds on it.
    assert 'value="New title"' in editor.get(page).get_data(as_text=True)
    queue = admin.get("/admin/").get_data(as_text=True)
    assert '<td class="before">Old title</td><td class="after">New title</td>' in queue
    token = {"csrf_token": csrf_token(admin, "/admin/")}
    assert admin.post(f"/admin/events/{event.slug}/approve", data=token).status_code == 302
    assert _public_title(client, event.slug) == "New title"
    assert "No change of a published event is waiting." in admin.get("/admin/").get_data(
        as_text=True
    )
    history = admin.get(f"/admin/events/{event.slug}/history").get_data(as_text=True)
    assert "propose" in history and "approve" in history


def test_a_rejected_change_is_dropped_and_the_published_text_stays(editor, admin, client, session):
    event = _published(session)
    page = f"/admin/events/{event.slug}/edit"
    editor.post(page, data=form_data(editor, page, title="Unwanted title", start="2024-03-01"))
    token = {"csrf_token": csrf_token(admin, "/admin/")}
    assert admin.post(f"/admin/events/{event.slug}/reject", data=token).status_code == 302
    assert _public_title(client, event.slug) == "Old title"
    assert 'value="Old title"' in editor.get(page).get_data(as_text=True)
    actions = session.scalars(select(Revision.action).order_by(Revision.id)).all()
    assert actions == ["as found", "propose", "reject"]
    again = admin.post(f"/admin/events/{event.slug}/approve", data=token)
    assert again.status_code == 302 and _public_title(client, event.slug) == "Old title"


def test_an_editors_patch_waits_and_an_admins_published_patch_applies(
    editor, admin, client, session
):
    event = _published(session)
    url = f"/api/events/{event.slug}"
    editors = bearer(new_token(editor))
    first = client.patch(url, json={"title": "Proposed title"}, headers=editors)
    second = client.patch(url, json={"summary": "Proposed summary."}, headers=editors)
    assert first.status_code == second.status_code == 200
    # The second PATCH builds on the first: both wait together, neither is public.
    assert second.get_json()["pending"]["changes"] == {
        "title": ["Old title", "Proposed title"],
        "summary": ["Something happened.", "Proposed summary."],
    }
    public = client.get(url).get_json()["event"]
    assert (public["title"], public["summary"]) == ("Old title", "Something happened.")
    admins = bearer(new_token(admin))
    applied = client.patch(url, json={"status": "published"}, headers=admins)
    assert applied.status_code == 200 and "pending" not in applied.get_json()
    public = client.get(url).get_json()["event"]
    assert (public["title"], public["summary"]) == ("Proposed title", "Proposed summary.")


def test_withdrawing_takes_the_waiting_change_into_the_draft(editor, admin, session):
    event = _published(session)
    page = f"/admin/events/{event.slug}/edit"
    editor.post(page, data=form_data(editor, page, title="New title", start="2024-03-01"))
    token = {"csrf_token": csrf_token(admin, page)}
    assert admin.post(f"/admin/events/{event.slug}/withdraw", data=token).status_code == 302
    session.expire_all()
    draft = session.get(Event, event.id)
    assert (draft.status.value, draft.title) == ("draft", "New title")
    assert not session.scalars(select(Revision).where(Revision.pending.is_(True))).all()


@pytest.mark.parametrize(
    ("change", "trial"),
    [
        ({"summary": "Only the summary."}, False),
        ({"title": "A new title", "start": "2024-03", "end": "2024-05", "notes": "Wider."}, False),
        ({"start": "2023", "ongoing": True}, False),
        ({"actors": [{"name": "Northlight Pictures"}]}, False),  # by name, its role kept
        ({"actors": [{"slug": "northlight-pictures", "role": "party"}]}, True),  # a new role
        ({"sources": [{"url": "https://news.example.org/a", "title": "A report"}]}, True),
        ({"sources": [{"url": "https://news.example.org/a"}]}, False),  # details kept
    ],
)
def test_a_proposal_worked_out_without_a_trial_is_the_one_the_trial_gives(
    change, trial, admin, session, monkeypatch
):
    """A change of the event's own columns is proposed without writing it in a rolled-back
    savepoint; what it proposes must be what the importer would store on approval."""
    event = _published(session)
    event.sources = [Source(url="https://news.example.org/a", position=0)]
    event.links[0].actor.slug = "northlight-pictures"  # as its name gives it
    session.flush()
    user = session.scalar(select(User).where(User.username == "admin"))
    base = edits.current_text(session, event)
    record = from_plain(base | change, event.slug)
    quick = edits._columns_changed(event, record)
    with session.begin_nested() as savepoint:
        importer = edits._imported(session, record)
        full = edits._proposed(event, importer.report.actors_created)
        savepoint.rollback()
    assert (quick is None) == trial
    assert quick is None or quick == full
    monkeypatch.setattr(edits, "_columns_changed", lambda *_: None)  # the trial, always
    assert edits.propose(session, event, record, user).snapshot == full
