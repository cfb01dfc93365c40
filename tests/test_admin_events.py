"""Editors add and edit events through the form; admins publish, withdraw, delete, restore."""

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_actor, make_event
from timeline.domain import Event, Revision, Role, Status


def loaded_version(client, page: str) -> str:
    """The version of the record the form on `page` was opened on (empty for a new one)."""
    html = client.get(page).get_data(as_text=True)
    match = re.search(r'name="loaded_version" type="hidden" value="(\d*)"', html)
    assert match, f"no loaded_version on {page}"
    return match.group(1)


def form_data(client, page: str, **fields) -> dict:
    """A complete submission of the event form: defaults a person would type, then `fields`."""
    data = {
        "csrf_token": csrf_token(client, page),
        "loaded_version": loaded_version(client, page),
        "title": "Northlight signs AI dubbing deal",
        "summary": "The studio will dub its back catalogue with synthetic voices.",
        "category": "studio-deal",
        "start": "2024-03",
        "end": "",
        "actors-0-name": "Northlight Pictures",
        "actors-0-role": "party",
        "actors-0-kind": "studio",
        "actors-1-name": "Vocalis",
        "actors-1-role": "vendor",
        "actors-1-kind": "ai-company",
        "sources-0-url": "https://news.example.org/northlight-vocalis",
        "sources-0-title": "Northlight picks Vocalis",
        "sources-0-publisher": "Example News",
        "save": "Save as draft",
    }
    return data | fields


def errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p id="([\w-]+)-error" class="error" role="alert">([^<]+)</p>', html))


def test_an_editor_adds_a_draft_with_two_actors_and_a_source(editor, session, client):
    response = editor.post("/admin/events/new", data=form_data(editor, "/admin/events/new"))
    assert response.status_code == 302
    event = session.scalars(select(Event).where(Event.title.startswith("Northlight"))).one()
    assert event.status is Status.DRAFT and event.start == "2024-03"
    assert [link.actor.name for link in event.links] == ["Northlight Pictures", "Vocalis"]
    assert event.sources[0].publisher == "Example News"
    assert client.get(f"/events/{event.slug}").status_code == 404  # not public yet
    queue = editor.get("/admin/").get_data(as_text=True)
    assert "Northlight signs AI dubbing deal" in queue
    revision = session.scalars(select(Revision).where(Revision.record_id == event.id)).one()
    assert revision.action == "create" and revision.user.username == "edna"


def test_each_bad_value_is_explained_at_its_field(editor):
    data = form_data(
        editor, "/admin/events/new", title="", start="2024-02-30", end="2023",
        **{"sources-0-url": "notaurl"},
    )  # fmt: skip
    response = editor.post("/admin/events/new", data=data)
    found = errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "required" in found["title"].lower()
    assert "February 2024 has no day 30" in found["start"]
    assert "is not a web address" in found["sources-0-url"]
    bad_end = form_data(editor, "/admin/events/new", start="2024-05", end="2024-03")
    found = errors(editor.post("/admin/events/new", data=bad_end).get_data(as_text=True))
    assert "before the start" in found["end"]
    mixed = form_data(editor, "/admin/events/new", start="2024-05", end="2024-06-02")
    found = errors(editor.post("/admin/events/new", data=mixed).get_data(as_text=True))
    assert "to the month" in found["end"]


def test_a_new_actor_needs_a_kind(editor):
    data = form_data(editor, "/admin/events/new", **{"actors-1-kind": ""})
    response = editor.post("/admin/events/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "&#39;Vocalis&#39; is a new actor: give its &#39;kind&#39;" in html


def test_a_likely_duplicate_is_flagged_until_confirmed(editor, session):
    make_event(session, "2024-03-10", title="Northlight signs AI dubbing deal!")
    response = editor.post("/admin/events/new", data=form_data(editor, "/admin/events/new"))
    assert response.status_code == 409
    assert "has a similar title and a nearby date" in response.get_data(as_text=True)
    data = form_data(editor, "/admin/events/new", save_anyway="y")
    assert editor.post("/admin/events/new", data=data).status_code == 302


def test_add_another_row_works_without_javascript(editor):
    data = form_data(editor, "/admin/events/new", add_actor="Add another actor")
    data.pop("save")
    html = editor.post("/admin/events/new", data=data).get_data(as_text=True)
    assert 'name="actors-2-name"' in html and 'value="Vocalis"' in html


def test_an_admin_publishes_and_the_event_is_public(admin, editor, session, client):
    editor.post("/admin/events/new", data=form_data(editor, "/admin/events/new"))
    event = session.scalars(select(Event)).one()
    page = f"/admin/events/{event.slug}/edit"
    refused = editor.post(
        f"/admin/events/{event.slug}/publish", data={"csrf_token": csrf_token(editor, page)}
    )
    assert refused.status_code == 403
    done = admin.post(
        f"/admin/events/{event.slug}/publish", data={"csrf_token": csrf_token(admin, page)}
    )
    assert done.status_code == 302
    assert client.get(f"/events/{event.slug}").status_code == 200
    assert event.slug in [e["slug"] for e in client.get("/api/events").get_json()["events"]]


def test_an_edit_waits_for_review_and_history_shows_the_diff(admin, editor, session):
    actor = make_actor(session, name="Northlight Pictures")
    event = make_event(session, "2024-03-01", title="Old title", actors=[(actor, Role.SUBJECT)])
    page = f"/admin/events/{event.slug}/edit"
    data = form_data(editor, page, title="New title", start="2024-03-01")
    assert editor.post(page, data=data).status_code == 302
    session.expire_all()
    waiting = session.get(Event, event.id)
    assert waiting.status is Status.PUBLISHED and waiting.title == "Old title"
    approve = {"csrf_token": csrf_token(admin, page)}
    assert admin.post(f"/admin/events/{event.slug}/approve", data=approve).status_code == 302
    session.expire_all()
    assert session.get(Event, event.id).title == "New title"
    history = editor.get(f"/admin/events/{event.slug}/history").get_data(as_text=True)
    diff = re.search(r'<th scope="row">title</th><td class="before">([^<]*)</td>'
                     r'<td class="after">([^<]*)</td>', history)  # fmt: skip
    assert diff.groups() == ("Old title", "New title")
    # the event as it was found is kept as a revision; an admin restores it
    found = session.scalars(
        select(Revision).where(Revision.record_id == event.id).order_by(Revision.id)
    ).first()
    assert found.action == "as found"
    token = csrf_token(admin, page)
    restored = admin.post(
        f"/admin/events/{event.slug}/restore/{found.id}", data={"csrf_token": token}
    )
    assert restored.status_code == 302
    session.expire_all()
    restored_event = session.get(Event, event.id)
    assert restored_event.title == "Old title" and restored_event.status is Status.PUBLISHED
    actions = [r.action for r in session.scalars(select(Revision).order_by(Revision.id))]
    assert actions == ["as found", "propose", "approve", "restore"]


def test_an_admin_deletes_and_an_editor_may_not(admin, editor, session, client):
    event = make_event(session, "2024-03-01", title="To delete")
    page = f"/admin/events/{event.slug}/edit"
    assert (
        editor.post(
            f"/admin/events/{event.slug}/delete", data={"csrf_token": csrf_token(editor, page)}
        ).status_code
        == 403
    )
    assert (
        admin.post(
            f"/admin/events/{event.slug}/delete", data={"csrf_token": csrf_token(admin, page)}
        ).status_code
        == 302
    )
    assert client.get(f"/events/{event.slug}").status_code == 404


def test_posts_without_a_csrf_token_are_refused(admin, session):
    event = make_event(session, "2024-03-01", title="Kept")
    for url in (
        "/admin/events/new",
        f"/admin/events/{event.slug}/delete",
        f"/admin/events/{event.slug}/publish",
    ):
        assert admin.post(url, data={"title": "x"}).status_code == 400, url


def test_html_typed_into_any_field_is_shown_escaped(admin, client):
    payload = '<script>alert("x")</script>'
    data = form_data(
        admin, "/admin/events/new", title=payload, summary=payload, publish="Save and publish",
        **{"actors-0-name": payload, "sources-0-title": payload, "sources-0-publisher": payload},
    )  # fmt: skip
    data.pop("save")
    response = admin.post("/admin/events/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    slug = response.location.rsplit("/", 2)[-2]
    for url in ("/", f"/events/{slug}", "/api/events.csv", f"/admin/events/{slug}/edit",
                f"/admin/events/{slug}/history", "/admin/"):  # fmt: skip
        html = (admin if url.startswith("/admin") else client).get(url).get_data(as_text=True)
        assert payload not in html, url


def test_a_typed_address_must_be_free_and_well_formed(editor, session):
    taken = make_event(session, "2024-01-01", title="Already here")
    data = form_data(editor, "/admin/events/new", slug=taken.slug)
    found = errors(editor.post("/admin/events/new", data=data).get_data(as_text=True))
    assert f"/events/{taken.slug} is taken by “Already here”" in found["slug"]
    data = form_data(editor, "/admin/events/new", slug="Not A Slug!")
    found = errors(editor.post("/admin/events/new", data=data).get_data(as_text=True))
    assert "lower-case letters" in found["slug"]
    data = form_data(editor, "/admin/events/new", slug="northlight-vocalis-2024")
    response = editor.post("/admin/events/new", data=data)
    assert response.location.endswith("/admin/events/northlight-vocalis-2024/edit")


def test_an_admin_withdraws_a_published_event_to_the_drafts(admin, session, client):
    event = make_event(session, "2024-03-01", title="Live for now")
    assert client.get(f"/events/{event.slug}").status_code == 200
    token = csrf_token(admin, f"/admin/events/{event.slug}/edit")
    assert (
        admin.post(f"/admin/events/{event.slug}/withdraw", data={"csrf_token": token}).status_code
        == 302
    )
    assert client.get(f"/events/{event.slug}").status_code == 404
    assert "Live for now" in admin.get("/admin/").get_data(as_text=True)
