"""Editors list, add and edit actors with their aliases; admins merge duplicates."""

import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_actor, make_event
from tests.test_admin_events import loaded_version
from timeline.domain import Actor, ActorAlias, Revision, Role, Subject


def actor_data(client, page: str, **fields) -> dict:
    """A complete submission of the actor form: what a person would type, then `fields`."""
    data = {
        "csrf_token": csrf_token(client, page),
        "loaded_version": loaded_version(client, page),
        "name": "Northlight Pictures",
        "kind": "studio",
        "description": "A studio dubbing its catalogue with synthetic voices.",
        "homepage": "https://northlight.example.com",
        "aliases": "Northlight\nNLP Studios\n",
        "save": "Save",
    }
    return data | fields


def errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p id="([\w-]+)-error" class="error" role="alert">([^<]+)</p>', html))


def revisions_of(session, actor_id: int) -> list[Revision]:
    statement = select(Revision).where(
        Revision.subject == Subject.ACTOR, Revision.record_id == actor_id
    )
    return list(session.scalars(statement.order_by(Revision.id)))


def test_an_editor_adds_an_actor_with_aliases(editor, session, client):
    response = editor.post("/admin/actors/new", data=actor_data(editor, "/admin/actors/new"))
    assert response.status_code == 302
    assert response.location.endswith("/admin/actors/northlight-pictures/edit")
    actor = session.scalars(select(Actor)).one()
    assert (actor.slug, actor.kind) == ("northlight-pictures", "studio")
    assert sorted(alias.name for alias in actor.aliases) == ["NLP Studios", "Northlight"]
    assert client.get("/actors/nlp-studios").location.endswith("/actors/northlight-pictures")
    [revision] = revisions_of(session, actor.id)
    assert revision.action == "create" and revision.user.username == "edna"
    listing = editor.get("/admin/actors?q=nlp").get_data(as_text=True)
    assert "Northlight Pictures" in listing and "NLP Studios" in listing


def test_editing_keeps_the_slug_and_records_the_change(editor, session):
    editor.post("/admin/actors/new", data=actor_data(editor, "/admin/actors/new"))
    page = "/admin/actors/northlight-pictures/edit"
    form = editor.get(page).get_data(as_text=True)
    assert "NLP Studios\nNorthlight</textarea>" in form
    data = actor_data(
        editor, page, name="Northlight Studios", aliases="Northlight\nNorthlight Pictures"
    )
    assert editor.post(page, data=data).status_code == 302
    session.expire_all()
    actor = session.scalars(select(Actor)).one()
    assert (actor.slug, actor.name) == ("northlight-pictures", "Northlight Studios")
    assert [alias.name for alias in actor.aliases] == ["Northlight", "Northlight Pictures"]
    assert [r.action for r in revisions_of(session, actor.id)] == ["create", "update"]
    history = editor.get("/admin/actors/northlight-pictures/history").get_data(as_text=True)
    assert history.index("update") < history.index("create")  # newest first
    assert 'Northlight Pictures</td><td class="after">Northlight Studios' in history
    assert "NLP Studios" in history and "edna" in history


def test_each_bad_value_is_explained_at_its_field(editor):
    page = "/admin/actors/new"
    data = actor_data(editor, page, name="  ", homepage="northlight.example.com", kind="")
    response = editor.post(page, data=data)
    found = errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert found["name"] == "Give the actor a name."
    assert "is not a web address" in found["homepage"]
    assert found["kind"] == "Choose a kind."
    data = actor_data(editor, page, homepage="ftp://northlight.example.com", aliases="ok\n!!!")
    found = errors(editor.post(page, data=data).get_data(as_text=True))
    assert "must start with http:// or https://" in found["homepage"]
    assert "“!!!” is not a name" in found["aliases"]


def test_a_field_error_and_a_name_clash_show_in_one_round(editor, session):
    make_actor(session, name="Vocalis", kind="ai-company")
    session.commit()
    page = "/admin/actors/new"
    data = actor_data(editor, page, homepage="not a url", aliases="vocalis")
    found = errors(editor.post(page, data=data).get_data(as_text=True))
    assert "is not a web address" in found["homepage"]
    assert "“vocalis” is already the name of “Vocalis”" in found["aliases"]


def test_a_name_or_alias_another_actor_goes_by_is_refused_naming_it(editor, session):
    guild = make_actor(session, name="Writers Guild of America", kind="guild")
    guild.aliases.append(ActorAlias(name="WGA", slug="wga"))
    session.commit()
    page, held_by = "/admin/actors/new", f"of “Writers Guild of America” ({guild.slug})."
    response = editor.post(page, data=actor_data(editor, page, aliases="NLP\nwga"))
    assert response.status_code == 400
    assert (
        errors(response.get_data(as_text=True))["aliases"] == f"“wga” is already an alias {held_by}"
    )
    as_name = actor_data(editor, page, name="Wga", aliases="")
    found = errors(editor.post(page, data=as_name).get_data(as_text=True))
    assert found["name"] == f"“Wga” is already an alias {held_by}"
    same_name = actor_data(editor, page, name="writers guild of america", aliases="")
    found = errors(editor.post(page, data=same_name).get_data(as_text=True))
    assert found["name"] == f"“writers guild of america” is already the name {held_by}"
    assert len(session.scalars(select(Actor)).all()) == 1


def test_a_new_actors_slug_may_not_clash_with_an_address(editor, session):
    make_actor(session, name="Old name", kind="studio").slug = "northlight-pictures"
    session.commit()
    page = "/admin/actors/new"
    found = errors(editor.post(page, data=actor_data(editor, page)).get_data(as_text=True))
    assert found["name"] == (
        "“Northlight Pictures” would take the address /actors/northlight-pictures, "
        "which belongs to “Old name”."
    )


def test_an_actor_keeps_its_own_names_when_edited(editor, session):
    actor = make_actor(session, name="Vocalis", kind="ai-company")
    actor.aliases.append(ActorAlias(name="Vocalis AI", slug="vocalis-ai"))
    session.commit()
    page = f"/admin/actors/{actor.slug}/edit"
    data = actor_data(editor, page, name="Vocalis AI", kind="ai-company", aliases="Vocalis AI")
    assert editor.post(page, data=data).status_code == 302


def merge(client, slug: str, into: str, confirm: bool = True):
    page = f"/admin/actors/{slug}/merge"
    data = {"csrf_token": csrf_token(client, page), "into": into}
    data |= {"confirm": "Merge"} if confirm else {"preview": "Preview the merge"}
    return client.post(page, data=data)


def test_merging_moves_links_aliases_and_the_old_address(admin, session, client):
    kept = make_actor(session, name="Northlight Pictures")
    twin = make_actor(session, name="Northlight Pics")
    twin.aliases.append(ActorAlias(name="NLP", slug="nlp"))
    shared = make_event(
        session, title="Shared deal", actors=[(kept, Role.PARTY), (twin, Role.SUBJECT)]
    )
    solo = make_event(session, title="Solo deal", actors=[(twin, Role.VENDOR)])
    kept_slug, twin_slug, twin_id = kept.slug, twin.slug, twin.id

    preview = merge(admin, twin_slug, "Northlight Pictures", confirm=False)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "move 1 event link to “Northlight Pictures”" in html and "Solo deal" in html
    assert "drop 1 link" in html and "Shared deal" in html
    assert session.get(Actor, twin_id) is not None  # a preview changes nothing

    done = merge(admin, twin_slug, kept_slug)
    assert done.status_code == 302
    api = client.get(f"/api/events?actor={kept_slug}").get_json()["events"]
    assert sorted(e["slug"] for e in api) == sorted([shared.slug, solo.slug])
    session.expire_all()
    assert session.get(Actor, twin_id) is None
    old = client.get(f"/actors/{twin_slug}")
    assert old.status_code == 301 and old.location.endswith(f"/actors/{kept_slug}")
    assert client.get("/actors/nlp").location.endswith(f"/actors/{kept_slug}")
    roles = {link.event.title: link.role for link in session.get(Actor, kept.id).links}
    assert roles == {"Shared deal": Role.PARTY, "Solo deal": Role.VENDOR}
    assert "Northlight Pics" in session.get(type(shared), shared.id).actor_names

    [*_, gone] = revisions_of(session, twin_id)
    assert gone.action == f"merged-into:{kept_slug}" and gone.snapshot["merged_into"] == kept_slug
    [*_, came] = revisions_of(session, kept.id)
    assert came.action == "merge" and came.user.username == "ada"
    assert came.changes["merged_from"][1] == f"Northlight Pics ({twin_slug})"
    assert sorted(came.snapshot["aliases"]) == ["NLP", "Northlight Pics"]
    assert "Solo deal (vendor)" in admin.get(f"/admin/actors/{kept_slug}/history").get_data(
        as_text=True
    )

    page = f"/admin/actors/{kept_slug}/edit"
    unchanged = admin.get(page).get_data(as_text=True)
    aliases = re.search(
        r"<textarea [^>]*id=\"aliases\"[^>]*>\s*([^<]*)</textarea>", unchanged
    ).group(1)
    data = actor_data(admin, page, name="Northlight Pictures", description="", homepage="")
    assert admin.post(page, data=data | {"aliases": aliases}).status_code == 302
    assert client.get(f"/actors/{twin_slug}").status_code == 301  # the alias kept its slug


def test_an_actor_cannot_be_merged_into_itself_or_nobody(admin, session):
    actor = make_actor(session, name="Vocalis")
    actor.aliases.append(ActorAlias(name="Vocalis AI", slug="vocalis-ai"))
    session.commit()
    found = errors(merge(admin, actor.slug, "Vocalis AI").get_data(as_text=True))
    assert found["into"] == "That is “Vocalis” itself: choose another actor to keep."
    found = errors(merge(admin, actor.slug, "Nobody at all").get_data(as_text=True))
    assert found["into"] == "No actor has the name, alias or slug “Nobody at all”."
    assert session.get(Actor, actor.id) is not None


def test_an_editor_may_not_merge(editor, session):
    one, two = make_actor(session, name="One"), make_actor(session, name="Two")
    session.commit()
    assert editor.get(f"/admin/actors/{one.slug}/merge").status_code == 403
    token = csrf_token(editor, "/admin/actors")
    data = {"csrf_token": token, "into": two.slug, "confirm": "Merge"}
    assert editor.post(f"/admin/actors/{one.slug}/merge", data=data).status_code == 403
    assert "/merge" not in editor.get(f"/admin/actors/{one.slug}/edit").get_data(as_text=True)


def test_a_post_without_its_csrf_token_is_refused(editor, admin, session):
    one, two = make_actor(session, name="One"), make_actor(session, name="Two")
    session.commit()
    data = actor_data(editor, "/admin/actors/new")
    del data["csrf_token"]
    assert editor.post("/admin/actors/new", data=data).status_code == 400
    assert editor.post(f"/admin/actors/{one.slug}/edit", data=data).status_code == 400
    merged = {"into": two.slug, "confirm": "Merge"}
    assert admin.post(f"/admin/actors/{one.slug}/merge", data=merged).status_code == 400
    assert session.scalars(select(Actor.name).order_by(Actor.name)).all() == ["One", "Two"]


def test_html_in_a_name_is_shown_as_text(editor, session):
    actor = make_actor(session, name="<script>alert(1)</script> Films")
    actor.aliases.append(ActorAlias(name="<b>bold</b>", slug="b-bold-b"))
    session.commit()
    for page in ("/admin/actors", f"/admin/actors/{actor.slug}/edit"):
        html = editor.get(page).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<b>bold" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Films" in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_the_list_filters_by_kind_and_caps_its_length(editor, session):
    make_actor(session, name="Vocalis", kind="ai-company")
    for n in range(201):
        make_actor(session, name=f"Studio {n:03d}", kind="studio")
    session.commit()
    studios = editor.get("/admin/actors?kind=studio").get_data(as_text=True)
    assert "201 actors; the first 200 by name are shown" in studios
    assert "Studio 199" in studios and "Studio 200" not in studios and "Vocalis" not in studios
    found = editor.get("/admin/actors?q=VOCAL&kind=ai-company").get_data(as_text=True)
    assert "Vocalis" in found and "Studio 001" not in found and "1 actor." in found


def test_an_admin_restores_an_earlier_revision_and_an_editor_may_not(admin, editor, session):
    editor.post("/admin/actors/new", data=actor_data(editor, "/admin/actors/new"))
    page = "/admin/actors/northlight-pictures/edit"
    editor.post(page, data=actor_data(editor, page, name="Northlight Studios", aliases=""))
    actor = session.scalars(select(Actor)).one()
    created = revisions_of(session, actor.id)[0]
    url = f"/admin/actors/northlight-pictures/restore/{created.id}"
    assert editor.post(url, data={"csrf_token": csrf_token(editor, page)}).status_code == 403
    assert admin.post(url, data={"csrf_token": csrf_token(admin, page)}).status_code == 302
    session.expire_all()
    actor = session.scalars(select(Actor)).one()
    assert actor.name == "Northlight Pictures"
    assert sorted(alias.name for alias in actor.aliases) == ["NLP Studios", "Northlight"]
    assert [r.action for r in revisions_of(session, actor.id)] == ["create", "update", "restore"]
