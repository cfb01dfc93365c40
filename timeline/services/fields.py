"""Checks and keys of single values that every kind of record shares: web addresses, and the
slugs made from titles and names."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from slugify import slugify


def event_slug(title: str) -> str:
    """The slug an event gets from its title when none is given."""
    return slugify(title, max_length=80, word_boundary=True)


# "Disney+" is not "Disney": keep the signs that tell names apart when punctuation goes.
_NAME_REPLACEMENTS = [["+", " plus "], ["&", " and "]]


@lru_cache(maxsize=8192)  # an import asks for the same few names thousands of times
def name_slug(name: str) -> str:
    """The key an actor's name or alias is matched by: case, accents and punctuation ignored."""
    return slugify(name, max_length=100, replacements=_NAME_REPLACEMENTS)


def url_problem(url: object) -> str | None:
    """Why a text is not a web address a reader can follow, or None when it is one."""
    if not isinstance(url, str) or not url.strip():
        return "a URL is required"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or "." not in host:
        return f"{url!r} is not a web address: it must start with http:// or https:// and a host"
    if any(ch.isspace() for ch in url) or len(url) > 2048:
        return f"{url!r} is not a web address: no spaces, at most 2048 characters"
    return None
