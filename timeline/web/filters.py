"""Template helpers: dates in words."""

from __future__ import annotations

from flask import Flask

from timeline.domain import Event


def when(event: Event) -> str:
    """An event's dates as a reader says them: '2 May – 27 Sep 2023', 'March 2024'."""
    return event.span.in_words()


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
