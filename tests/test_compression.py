"""Brotli and gzip for text answers: smaller, the same bytes once decoded, as the client asks,
never for a 304, and with an ETag that names the encoded copy apart from the plain one."""

import gzip

import brotli
import pytest

from tests.test_api_writes import bearer, new_token

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}
TEXT_ANSWERS = ["/", "/docs/api", "/cost", "/api/events", "/api/events.csv", "/api/events.ics",
                "/api/events.atom", "/categories"]  # fmt: skip


def fetch(client, url: str, coding: str | None = None, **headers):
    if coding:
        headers["Accept-Encoding"] = coding
    response = client.get(url, headers=headers)
    response.close()
    return response


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_text_answers_shrink_and_decode_to_the_same_bytes(seeded, client, coding):
    for url in TEXT_ANSWERS:
        plain = fetch(client, url)
        packed = fetch(client, url, coding)
        assert "Content-Encoding" not in plain.headers, url
        assert packed.headers["Content-Encoding"] == coding, url
        assert len(packed.data) < len(plain.data) / 2, url
        assert DECODE[coding](packed.data) == plain.data, url
        assert (
            "Accept-Encoding" in packed.headers["Vary"]
            and "Accept-Encoding" in plain.headers["Vary"]
        )


def test_static_files_are_compressed_too(app, client):
    css = "/static/" + app.extensions["assets"].digested["css/site.css"]
    plain, packed = fetch(client, css), fetch(client, css, "br")
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == plain.data
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)


def test_the_client_preference_is_honoured(seeded, client):
    assert fetch(client, "/", "gzip;q=1, br;q=0.5").headers["Content-Encoding"] == "gzip"
    assert fetch(client, "/", "gzip, br").headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in fetch(client, "/", "identity").headers
    assert "Content-Encoding" not in fetch(client, "/", "br;q=0, gzip;q=0").headers


def test_small_answers_are_left_alone(client):
    small = fetch(client, "/api/events?limit=1&fields=slug", "br")
    assert len(small.data) < 500 and "Content-Encoding" not in small.headers


def test_an_encoded_copy_has_a_weak_tag_and_still_earns_a_304(seeded, client):
    plain = fetch(client, "/api/events")
    packed = fetch(client, "/api/events", "gzip")
    assert packed.headers["ETag"] == "W/" + plain.headers["ETag"]
    again = fetch(client, "/api/events", "gzip", **{"If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert "Content-Encoding" not in again.headers
    assert again.headers["ETag"] == packed.headers["ETag"]


def test_kept_answers_hold_the_plain_body(seeded, app, client):
    packed = fetch(client, "/api/events?category=lawsuit", "br")  # built, kept, then encoded
    kept = app.extensions["answers"].get(packed.headers["ETag"].removeprefix("W/").strip('"'))
    assert kept is not None and kept.get_data() == brotli.decompress(packed.data)
    plain = fetch(client, "/api/events?category=lawsuit")  # answered from the kept body
    assert "Content-Encoding" not in plain.headers and plain.data == kept.get_data()


def test_a_streamed_export_is_encoded_as_it_streams(seeded, client):
    plain = fetch(client, "/api/events.csv")
    packed = fetch(client, "/api/events.csv", "gzip")
    assert "Content-Length" not in packed.headers  # sent as it is made, not held whole
    assert gzip.decompress(packed.data) == plain.data


def test_a_tag_read_from_an_encoded_answer_still_allows_a_write(seeded, admin, client):
    url = "/api/events/writers-guild-of-america-strike"
    secret = new_token(admin)
    read = fetch(client, url, "gzip")  # as most HTTP libraries ask by default
    assert read.headers["Content-Encoding"] == "gzip" and read.headers["ETag"].startswith("W/")
    headers = {**bearer(secret), "If-Match": read.headers["ETag"]}
    changed = client.patch(
        url, json={"notes": "Dates from the guild's own notices."}, headers=headers
    )
    assert changed.status_code == 200, changed.get_json()
    stale = client.patch(url, json={"notes": "Again."}, headers=headers)
    assert stale.status_code == 412  # the encoded copy's tag names that version, and only it
