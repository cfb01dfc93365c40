"""An actor that only unreviewed drafts name stays off the public site until one is published."""

from tests.factories import make_actor, make_event
from timeline.domain import Role, Status


def _draft_only(session):
    """An actor a draft names, one a published event names, and one with no event yet."""
    hidden = make_actor(session, "Quietframe Labs", "ai-company")
    shown = make_actor(session, "Northlight Pictures", "ai-company")
    alone = make_actor(session, "Lonely Guild", "ai-company")
    make_event(session, status=Status.DRAFT, actors=[(hidden, Role.VENDOR), (shown, Role.PARTY)])
    make_event(session, "2024-07-01", actors=[(shown, Role.SUBJECT)])
    return hidden, shown, alone


def test_an_actor_only_a_draft_names_has_no_public_page(client, session):
    hidden, shown, _ = _draft_only(session)
    assert client.get(f"/actors/{hidden.slug}").status_code == 404
    assert client.get(f"/api/actors/{hidden.slug}").status_code == 404
    assert client.get(f"/actors/{shown.slug}").status_code == 200
    assert client.get(f"/api/actors/{shown.slug}").get_json()["actor"]["name"] == shown.name


def test_an_actor_only_a_draft_names_is_neither_listed_nor_counted(client, session):
    hidden, shown, alone = _draft_only(session)
    listed = client.get("/api/actors?kind=ai-company").get_json()["actors"]
    assert {a["name"]: a["events"] for a in listed} == {shown.name: 1, alone.name: 0}
    assert client.get("/api/actors?q=quietframe").get_json()["actors"] == []
    kinds = {k["slug"]: k["actors"] for k in client.get("/api/kinds").get_json()["kinds"]}
    assert kinds["ai-company"] == 2
    page = client.get("/kinds").get_data(as_text=True)
    assert shown.name in page and hidden.name not in page
    refused = client.get(f"/api/events?actor={hidden.slug}")
    assert refused.status_code == 400 and "actor" in refused.get_json()["error"]["fields"]


def test_publishing_the_draft_makes_its_actor_public(admin, client, session):
    hidden, _, _ = _draft_only(session)
    for draft in [link.event for link in hidden.links]:
        draft.status = Status.PUBLISHED
    session.commit()
    assert client.get(f"/actors/{hidden.slug}").status_code == 200
    assert [a["name"] for a in client.get("/api/actors?q=quietframe").get_json()["actors"]] == [
        hidden.name
    ]


def test_editors_still_see_an_actor_only_a_draft_names(editor, session):
    hidden, _, _ = _draft_only(session)
    assert hidden.name in editor.get("/admin/actors").get_data(as_text=True)
