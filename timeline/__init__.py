"""The Hollywood AI-adoption timeline.

`create_app` loads Flask and the database only when it is called, so the dates and the cost
model (`timeline.dates`, `timeline.costmodel`) import as plain Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application (timeline.app): what `flask --app timeline` calls."""
    from timeline.app import build

    return build(test_config)
