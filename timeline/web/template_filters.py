"""Template helpers: dates in words, and quantities as a reader wants them."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import Flask

from timeline.dates import PartialDate
from timeline.domain import Event
from timeline.services.events.facets import FacetValue
from timeline.web.event_params import view_url


def when(event: Event) -> str:
    """An event's dates as a reader says them: '2 May – 27 Sep 2023', 'March 2024'."""
    return event.span.in_words()


def short_url(url: str, limit: int = 60) -> str:
    """A link's host and path without the scheme, 'www.' or tracking query, cut to fit a line."""
    parts = urlsplit(url)
    text = parts.netloc.removeprefix("www.") + parts.path.rstrip("/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sig(value: float | None, digits: int = 3) -> str:
    """A number to a few significant figures with thousands separators: 75,600 or 0.0123."""
    if value is None:
        return "–"
    if abs(value) >= 10**digits:
        return f"{value:,.0f}"
    return f"{float(f'{value:.{digits}g}'):,g}"


def usd(value: float | None) -> str:
    if value is None:
        return "–"
    return f"${value:,.2f}" if value >= 0.995 else f"${float(f'{value:.2g}'):g}"


def flops(value: float) -> str:
    """FLOPs in the unit a reader knows: 680 PFLOP, 1.2 EFLOP."""
    for size, unit in ((1e18, "EFLOP"), (1e15, "PFLOP"), (1e12, "TFLOP")):
        if value >= size:
            return f"{sig(value / size)} {unit}"
    return f"{sig(value)} FLOP"


def duration(seconds: float) -> str:
    """'41 s', '30 min 38 s', '3.2 h'."""
    if seconds < 60:
        return f"{sig(seconds)} s"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest} s"
    return f"{sig(seconds / 3600)} h"


def params(value: float) -> str:
    return f"{sig(value / 1e9)}B" if value >= 1e9 else f"{sig(value / 1e6)}M"


def day(value: dt.date) -> str:
    """'5 March 2024'."""
    return PartialDate.parse(value).in_words()


def revision_value(value: object) -> str:
    """A revision's field value as text: lists of actors or sources one per line."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "; ".join(_item(v) for v in value) or "—"
    return str(value)


def _item(value: object) -> str:
    if isinstance(value, dict):
        name = value.get("name") or value.get("url")
        role = value.get("role")
        return f"{name} ({role})" if role else str(name)
    return str(value)


def plain_choices(labels: dict[str, str], chosen: list[str]) -> list[FacetValue]:
    """A facet's choices without counts, for a form shown with errors and no results."""
    return [FacetValue(slug, label, None, slug in chosen) for slug, label in labels.items()]


def init_app(app: Flask) -> None:
    for helper in (when, short_url, sig, usd, flops, duration, params, day, revision_value):
        app.add_template_filter(helper)
    app.add_template_global(view_url)
    app.add_template_global(plain_choices)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
