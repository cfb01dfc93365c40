"""Template helpers: dates in words."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

from timeline.domain import Event


def when(event: Event) -> str:
    """An event's dates as a reader says them: '2 May – 27 Sep 2023', 'March 2024'."""
    return event.span.in_words()


def short_url(url: str, limit: int = 60) -> str:
    """A link's host and path without the scheme, 'www.' or tracking query, cut to fit a line."""
    parts = urlsplit(url)
    text = parts.netloc.removeprefix("www.") + parts.path.rstrip("/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(short_url)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
