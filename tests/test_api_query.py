"""/api/events beyond filters: sort orders walked page by page, chosen fields, the total."""

import pytest

from tests.factories import make_event
from timeline.services.events.ordering import Cursor


def walk(client, url: str) -> list[dict]:
    """Every event of a listing, following `next` links to the end."""
    events = []
    while url:
        body = client.get(url).get_json()
        events += body["events"]
        url = body["next"]
    return events


@pytest.fixture
def ties(session):
    """Events that share starts, titles and categories, so every sort needs its tie-breaks."""
    rows = [("2024-03-01", "Beta", "demo"), ("2024-03-01", "Alpha", "studio-deal"),
            ("2024-03", "Alpha", "demo"), ("2024", "Gamma", "lawsuit"),
            ("2023-11-05", "Beta", "studio-deal"), ("2024-03-01", "Alpha", "demo")] * 3  # fmt: skip
    return [make_event(session, start, title=title, category=c) for start, title, c in rows]


# Each sort's full order as a Python key: the id breaks ties in the last key's direction.
ORDERS = {
    "title,-start": lambda e: (e["title"], _neg(e["earliest"]), -e["id"]),
    "-category,title": lambda e: (_neg(e["category"]), e["title"], e["id"]),
    "category,-title,start": lambda e: (e["category"], _neg(e["title"]), e["earliest"], e["id"]),
}


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)  # descending; no value here is a prefix of another


@pytest.mark.parametrize("sort", ["start", "-start", "-updated", *ORDERS])
def test_every_sort_walks_each_event_once_in_order(ties, session, client, sort):
    ids = {e.slug: e.id for e in ties}
    events = walk(client, f"/api/events?sort={sort}&limit=4")
    for event in events:
        event["id"] = ids[event["slug"]]
    assert sorted(e["slug"] for e in events) == sorted(ids)
    first_key = sort.split(",")[0]
    descending = first_key.startswith("-")
    name = first_key.lstrip("-")
    field = {"start": "earliest", "updated": "updated_at"}.get(name, name)
    firsts = [e[field] for e in events]
    assert firsts == sorted(firsts, reverse=descending)
    if sort in ORDERS:
        assert events == sorted(events, key=ORDERS[sort])


def test_newest_first(seeded, client):
    events = client.get("/api/events?sort=-start&limit=5").get_json()["events"]
    starts = [e["earliest"] for e in events]
    assert starts == sorted(starts, reverse=True)
    everything = walk(client, "/api/events?limit=500")
    assert starts[0] == max(e["earliest"] for e in everything)


def test_a_cursor_from_another_sort_is_refused(seeded, client):
    page = client.get("/api/events?sort=-start&limit=3").get_json()
    token = page["next"].split("cursor=")[1].split("&")[0]
    response = client.get(f"/api/events?sort=title&cursor={token}")
    assert response.status_code == 400
    assert "sort=-start" in response.get_json()["error"]["fields"]["cursor"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("sort=when", "sort"),
        ("sort=start,start", "sort"),
        ("sort=-", "sort"),
        ("sort=a,b,c,d,e", "sort"),
        ("fields=slug,colour", "fields"),
        ("total=maybe", "total"),
        ("cursor=" + Cursor("start,end", ("2024-01-01", "x"), 1).encode(), "cursor"),
        ("cursor=" + Cursor("start,end", ("2024-01-01", "2024-01-02"), 2**70).encode(), "cursor"),
    ],
)
def test_bad_sort_fields_total_and_cursor_are_named(client, query, field):
    response = client.get(f"/api/events?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]


def test_every_bad_parameter_is_named_at_once(client):
    response = client.get("/api/events?sort=when&fields=colour&total=maybe&limit=0&from=x")
    assert set(response.get_json()["error"]["fields"]) == {
        "sort", "fields", "total", "limit", "from"
    }  # fmt: skip


def test_fields_chooses_what_each_event_carries(seeded, client):
    body = client.get("/api/events?fields=slug,start,title&limit=3").get_json()
    assert [list(e) for e in body["events"]] == [["slug", "start", "title"]] * 3
    follow = client.get(body["next"]).get_json()["events"]
    assert list(follow[0]) == ["slug", "start", "title"]


def test_the_total_counts_every_page_and_follows_the_filters(seeded, client):
    everything = walk(client, "/api/events?limit=500")
    body = client.get("/api/events?limit=2&total=true").get_json()
    assert body["total"] == len(everything) and len(body["events"]) == 2
    labor = client.get("/api/events?category=labor-action&total=true").get_json()
    assert labor["total"] == sum(e["category"] == "labor-action" for e in everything) > 0
    assert "total" not in client.get("/api/events?limit=2").get_json()


def test_the_json_suffix_is_the_same_listing(seeded, client):
    plain = client.get("/api/events?category=lawsuit").get_json()
    suffixed = client.get("/api/events.json?category=lawsuit").get_json()
    assert plain == suffixed and plain["events"]
