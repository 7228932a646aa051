"""A1 ranges, field masks and request routes of the Sheets stand-in (tests/sheets_standin.py).

All of it follows what Google's answers show in the recordings under
shared/reference/google-sheets-api-recordings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

# -- A1 notation -------------------------------------------------------------


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    value = 0
    for ch in letters.upper():
        value = value * 26 + ord(ch) - 64
    return value - 1


def cell_name(row: int, col: int) -> str:
    return f"{column_letters(col)}{row + 1}"


_SIMPLE_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*")


def quote_title(title: str) -> str:
    """Google leaves simple titles bare (Sheet1!A1) and quotes the rest ('🌵 x'!A1)."""
    if _SIMPLE_TITLE.fullmatch(title) and not _CELL_LIKE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


_PART = r"([A-Za-z]{1,4})?([0-9]{1,7})?"
_CELLS = re.compile(rf"{_PART}(?::{_PART})?")


@dataclass(frozen=True)
class Corners:
    """0-based, inclusive; None is an open end (to the edge of the grid)."""

    r0: int
    c0: int
    r1: int | None
    c1: int | None


def parse_cells(text: str) -> Corners | None:
    """'A1', 'A1:C3', 'A:A', '2:2', 'A2:C', 'A1:1'; None when it is not A1 notation."""
    m = _CELLS.fullmatch(text)
    if not m:
        return None
    col_a, row_a, col_b, row_b = m.groups()
    if ":" not in text:
        if not (col_a and row_a):
            return None
        c, r = column_index(col_a), int(row_a) - 1
        return Corners(r, c, r, c) if r >= 0 else None
    if not (col_a or row_a) or not (col_b or row_b):
        return None
    if (col_a is None) != (col_b is None) and (row_a is None) != (row_b is None):
        return None  # 'A:1' or '1:A'
    if (row_a and int(row_a) == 0) or (row_b and int(row_b) == 0):
        return None
    r0 = int(row_a) - 1 if row_a else 0
    c0 = column_index(col_a) if col_a else 0
    r1 = int(row_b) - 1 if row_b else None
    c1 = column_index(col_b) if col_b else None
    if r1 is not None and r1 < r0:
        r0, r1 = r1, r0
    if c1 is not None and c1 < c0:
        c0, c1 = c1, c0
    return Corners(r0, c0, r1, c1)


def split_range(text: str) -> tuple[str | None, str | None]:
    """Split "'My sheet'!A1:B2" into (title, cells). Either may be None.

    Raises ValueError when the text cannot be a range at all.
    """
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(text[i])
            i += 1
        else:
            raise ValueError(text)
        rest = text[i + 1 :]
        if rest == "":
            return "".join(title), None
        if not rest.startswith("!") or rest == "!":
            raise ValueError(text)
        return "".join(title), rest[1:]
    if "!" in text:
        title, _, cells = text.rpartition("!")
        if not title or not cells:
            raise ValueError(text)
        return title, cells
    if parse_cells(text) is not None:
        return None, text
    return text, None


def span_text(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    """Google's normalised range: unquoted when possible, one cell without a colon."""
    if (r0, c0) == (r1, c1):
        return f"{quote_title(title)}!{cell_name(r0, c0)}"
    return f"{quote_title(title)}!{cell_name(r0, c0)}:{cell_name(r1, c1)}"


# -- field masks (?fields=sheets.properties,sheets(data)) --------------------------


def parse_fields(text: str) -> dict:
    """'a,b.c,d(e,f/g)' -> {'a': {}, 'b': {'c': {}}, 'd': {'e': {}, 'f': {'g': {}}}}."""
    pos = 0

    def parse_list() -> dict:
        nonlocal pos
        tree: dict = {}
        while pos < len(text):
            match = _FIELD_PATH.match(text, pos)
            pos = match.end()
            node = tree
            for part in filter(None, re.split(r"[./]", match.group(0).strip())):
                node = node.setdefault(part, {})
            if text[pos : pos + 1] == "(":
                pos += 1
                node.update(parse_list())
                pos += text[pos : pos + 1] == ")"
            if text[pos : pos + 1] != ",":
                break
            pos += 1
        return tree

    return parse_list()


_FIELD_PATH = re.compile(r"[^,()]*")


def apply_fields(value, tree: dict):
    """Keep only what the mask names; an empty subtree (or '*') keeps everything below."""
    if not tree or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply_fields(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    return {k: apply_fields(v, tree[k]) for k, v in value.items() if k in tree}


# -- request routes ----------------------------------------------------------------


def route(method: str, path: str) -> tuple[str, str | None, str | None]:
    """(kind, spreadsheet id, range) of a request path as Google spells it."""
    m = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(.*)", path)
    if not m:
        return "unknown", None, None
    sid, rest = unquote(m[1]), m[2]
    fixed = {
        ("GET", ""): "spreadsheets.get",
        ("POST", ":batchUpdate"): "spreadsheets.batchUpdate",
        ("GET", "/values:batchGet"): "values.batchGet",
        ("POST", "/values:batchUpdate"): "values.batchUpdate",
        ("POST", "/values:batchClear"): "values.batchClear",
    }
    if (method, rest) in fixed:
        return fixed[method, rest], sid, None
    if rest.startswith("/values/") and len(rest) > len("/values/"):
        tail = rest[len("/values/") :]
        for suffix, kind in ((":append", "values.append"), (":clear", "values.clear")):
            if method == "POST" and tail.endswith(suffix):
                return kind, sid, unquote(tail[: -len(suffix)])
        if method in ("GET", "PUT"):
            return ("values.get" if method == "GET" else "values.update"), sid, unquote(tail)
    return "unknown", sid, None
