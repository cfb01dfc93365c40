"""The timeline page's counts (facets, the window's extent, the drawing's buckets) are kept per
process by filter and data version: another page or sort of the same filter reuses them, and
a write shows at once."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_event
from tests.test_write_costs import statements


def _lawsuits(client, url: str) -> int:
    """The count beside the Lawsuit category, and the drawing's title says the same."""
    page = client.get(url).get_data(as_text=True)
    facet = re.search(r'value="lawsuit">\s*Lawsuit <span class="n">(\d+)</span>', page)
    drawn = re.search(r"Timeline of (\d+) events?", page)
    assert facet and drawn and facet[1] == drawn[1]
    return int(facet[1])


def _counting(statement: str) -> bool:
    """A count by SQL, or the reading of the facet index's arrays."""
    return "COUNT(" in statement or "MAX(" in statement or "CAST(EVENTS.STARTS_ON" in statement


@pytest.mark.parametrize("by_index", [False, True], ids=["by SQL", "by the facet index"])
def test_another_page_of_the_same_filter_counts_nothing_again(
    app, client, session, monkeypatch, by_index
):
    monkeypatch.setitem(app.config, "FACET_INDEX", by_index)
    for day in range(1, 29):
        make_event(session, f"2024-02-{day:02d}", category="lawsuit")
    first = statements(app, lambda: client.get("/?from=2024-02-01&to=2024-02-29&limit=10"))
    again = statements(app, lambda: client.get("/?from=2024-02-01&to=2024-02-29&limit=20"))
    assert [s for s in first if _counting(s)]  # the first page counted
    assert not [s for s in again if _counting(s)]


def test_a_write_shows_in_the_counts_at_once(app, client, session):
    make_event(session, "2024-02-03", category="lawsuit")
    url = "/?from=2024-02-01&to=2024-02-29"
    assert _lawsuits(client, url) == 1
    make_event(session, "2024-02-04", category="lawsuit")
    make_event(session, "2024-02-05", category="lawsuit")
    assert _lawsuits(client, url) == 3
    assert _lawsuits(client, url + "&limit=5") == 3  # and the kept counts are the new ones
