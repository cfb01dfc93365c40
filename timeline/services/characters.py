"""Which characters a stored text may hold: one rule for the forms, the JSON bodies, the query
strings and the import files, so no way in stores what another refuses.

NUL is refused by PostgreSQL (SQLite would keep it), a lone surrogate cannot be encoded as
UTF-8 by any driver, and the other C0 control characters are invisible on a page and not
allowed in XML at all, which the Atom feed is.
"""

from __future__ import annotations

import re

# Tab, line feed and carriage return are the only control characters a multi-line text keeps.
_SINGLE_LINE = re.compile("[\x00-\x1f\ud800-\udfff]")
_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def text_problem(value: str, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored or searched for, in words; None when it can."""
    found = (_MULTI_LINE if multiline else _SINGLE_LINE).search(value)
    if found is None:
        return None
    character = found.group()
    if character in "\t\n\r":
        return "holds a tab or line break: keep it on one line"
    if "\ud800" <= character <= "\udfff":
        return "holds half of a surrogate pair (\\ud800 to \\udfff), which is not text: remove it"
    name = "a NUL character" if character == "\x00" else "the control character"
    return f"holds {name} \\u{ord(character):04x}, which is not text: remove it"
