"""Static files under names that carry a digest of their content: `css/site.3f9a0c1d2b4e.css`.

A file's content fixes its address, so a browser may keep it for a year without asking
again (`immutable`), and a deploy that changes it changes every page's link to it. The
digests are taken once, when the app starts. The plain name (`css/site.css`) still answers,
with a short cache, and so does an old digest after a deploy, so a page cached before it
keeps its looks.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask, current_app, url_for

DIGESTED = re.compile(r"^(?P<stem>.+)\.[0-9a-f]{12}(?P<suffix>\.[^./]+)$")
FOREVER = "public, max-age=31536000, immutable"
BRIEFLY = "public, max-age=300"


def digested_names(folder: Path) -> dict[str, str]:
    """Each file's name under `folder` (with `/` between folders), and the name that carries
    the first 12 hex digits of the SHA-256 of its content."""
    names = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        stem, dot, suffix = name.rpartition(".")
        names[name] = f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else name
    return names


class Assets:
    """The digested name of every static file, and back."""

    def __init__(self, folder: Path):
        self.digested = digested_names(folder)
        self.plain = {digested: name for name, digested in self.digested.items()}

    def resolve(self, requested: str) -> tuple[str, bool]:
        """The file a requested name serves, and whether the name is its current digest."""
        plain = self.plain.get(requested, requested)
        if plain != requested:
            return plain, True
        old = DIGESTED.match(requested)
        if old and (name := old["stem"] + old["suffix"]) in self.digested:
            return name, False
        return requested, False


def asset(filename: str) -> str:
    """The address of a static file under its digested name (for templates)."""
    digested = current_app.extensions["assets"].digested.get(filename, filename)
    return url_for("static", filename=digested)


def _serve(filename: str):
    """A static file by its digested name, kept for a year, or by any other name, briefly."""
    plain, current = current_app.extensions["assets"].resolve(filename)
    response = current_app.send_static_file(plain)
    response.headers["Cache-Control"] = FOREVER if current else BRIEFLY
    return response


def init_app(app: Flask) -> None:
    app.extensions["assets"] = Assets(Path(app.static_folder or ""))
    app.view_functions["static"] = _serve
    app.jinja_env.globals["asset"] = asset
