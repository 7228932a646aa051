"""Keep user text from ever becoming a formula, in the Sheet and in exports.

Spreadsheet programs (Google Sheets with USER_ENTERED, Excel and LibreOffice
opening a CSV/XLSX export) treat a cell that starts with = + - @, tab or CR as
a formula or command ("CSV injection"). A leading apostrophe makes them read
the cell as plain text. Text that already starts with an apostrophe gets one
more, so `restore` can always strip exactly one and the round trip is exact:
restore(neutralise(x)) == x for every string x.
"""

from __future__ import annotations

import re

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


# What XML 1.0 (so xlsx) cannot hold: C0 controls but tab/newline/CR, lone
# surrogates, and the noncharacters U+FFFE/U+FFFF (openpyxl writes them, and
# then neither openpyxl nor Excel can open the file).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def for_export(text: str) -> str:
    """Text as it goes into an xlsx or CSV export: readable by every spreadsheet program.

    New text can no longer hold such characters (lib/validation.py), but older
    rows and hand edits in the Sheet can: they become U+FFFD, and a CR becomes a
    newline, so no CSV reader starts a new row in the middle of a cell. Then the
    formula guard (`neutralise`).
    """
    cleaned = _NOT_IN_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    return neutralise(cleaned)
