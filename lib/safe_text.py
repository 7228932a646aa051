"""Keep user text from ever becoming a formula, in the Sheet and in exports.

Spreadsheet programs (Google Sheets with USER_ENTERED, Excel and LibreOffice
opening a CSV/XLSX export) treat a cell that starts with = + - @, tab or CR as
a formula or command ("CSV injection"). A leading apostrophe makes them read
the cell as plain text. Text that already starts with an apostrophe gets one
more, so `restore` can always strip exactly one and the round trip is exact:
restore(neutralise(x)) == x for every string x.
"""

from __future__ import annotations

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_MARK = "'"


def neutralise(text: str) -> str:
    """Text as it is stored: dangerous or apostrophe-led text gets a leading apostrophe."""
    if text.startswith(_DANGEROUS_START) or text.startswith(_MARK):
        return _MARK + text
    return text


def restore(text: str) -> str:
    """Text as the user typed it: strip exactly one leading apostrophe."""
    return text[1:] if text.startswith(_MARK) else text
