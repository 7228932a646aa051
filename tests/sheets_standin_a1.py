"""Helpers of the Sheets stand-in below its HTTP layer (tests/sheets_standin.py).

Errors, A1 ranges, cell values, field masks, request routes, Google's fixed
answers, and the grid of one sheet. All of it follows what Google's answers show
in the recordings under shared/reference/google-sheets-api-recordings.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import operator
import random
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote


class ApiError(Exception):
    """An error answer, shaped like Google's: {"error": {"code", "message", "status"}}."""

    STATUS = {
        400: "INVALID_ARGUMENT",
        404: "NOT_FOUND",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        503: "UNAVAILABLE",
    }

    def __init__(self, code: int, message: str, status: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.status = status or self.STATUS.get(code, "UNKNOWN")

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}

    def prefixed(self, prefix: str) -> ApiError:
        return ApiError(self.code, prefix + self.message, self.status)


def bad(message: str) -> ApiError:
    return ApiError(400, message)


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


# -- cell values ---------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    text: str


SKIP = object()  # a JSON null in the values: Google leaves that cell as it is
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def stored(value, option: str):
    """What a cell holds after writing `value` with valueInputOption `option`.

    Returns "" for "clear this cell" and SKIP for "leave it".
    """
    if value is None:
        return SKIP
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return _plain_number(value)
    if not isinstance(value, str):
        raise bad(f"Invalid values: {type(value).__name__} is not a cell value.")
    if option == "RAW" or value == "":
        return value
    if value.startswith("'"):
        return value[1:]
    if value.startswith("=") and len(value) > 1:
        return Formula(value)
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    if _NUMBER.fullmatch(value.strip()):
        return _plain_number(float(value)) if any(ch in value for ch in ".eE") else int(value)
    return value


def _plain_number(value: int | float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def format_number(value: int | float) -> str:
    """Google's automatic number format, close enough: 1 -> "1", 1.45 -> "1.45"."""
    value = _plain_number(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return "#NUM!"
    text = format(value, ".10g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa.upper()}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text


def rendered(value, render: str):
    """A stored cell as values.get shows it under valueRenderOption `render`."""
    if isinstance(value, Formula):
        if render == "FORMULA":
            return value.text
        result = evaluate(value.text)
        value = value.text if result is None else result
    if render == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int | float):
            return format_number(value)
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _plain_number(value)
    return value


_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def evaluate(formula: str) -> int | float | None:
    """Plain arithmetic formulas only ('=1+1'); anything else is left as text (None)."""
    source = formula[1:].replace("^", "**")
    if not re.fullmatch(r"[0-9.+\-*/() \t]+", source):
        return None
    try:
        return _plain_number(_eval(ast.parse(source, mode="eval").body))
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError, KeyError):
        return None


def _eval(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.BinOp):
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp):
        return _OPS[type(node.op)](_eval(node.operand))
    raise ValueError(node)


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


# -- Google's fixed answers, routes, parameters -----------------------------------

RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATETIME = ("SERIAL_NUMBER", "FORMATTED_STRING")
MAX_CELLS = 10_000_000

# Google's answer to a new spreadsheet, copied from the recordings.
DEFAULT_FORMAT = json.loads(
    '{"backgroundColor": {"red": 1, "green": 1, "blue": 1}, "padding": {"top": 2, "right": 3, '
    '"bottom": 2, "left": 3}, "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL", '
    '"textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, '
    '"bold": false, "italic": false, "strikethrough": false, "underline": false, '
    '"foregroundColorStyle": {"rgbColor": {}}}, "backgroundColorStyle": {"rgbColor": '
    '{"red": 1, "green": 1, "blue": 1}}}'
)
_THEME_COLORS = [
    ("TEXT", {}),
    ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
THEME = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": t, "color": {"rgbColor": c}} for t, c in _THEME_COLORS],
}

_READS = ("spreadsheets.get", "values.get", "values.batchGet")


def fault_answer(fault: str, kind: str) -> tuple[int, dict]:
    """Google's own error bodies for a rate limit (429) and its 500 / 503 answers."""
    if fault == "500":
        return 500, ApiError(500, "Internal error encountered.").body()
    if fault == "503":
        return 503, ApiError(503, "The service is currently unavailable.").body()
    metric = "Read" if kind in _READS else "Write"
    body = ApiError(
        429,
        f"Quota exceeded for quota metric '{metric} requests' and limit '{metric} requests "
        f"per minute per user' of service 'sheets.googleapis.com' for consumer "
        f"'project_number:0'.",
    ).body()
    body["error"]["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "sheets.googleapis.com",
                "quota_metric": f"sheets.googleapis.com/{metric.lower()}_requests",
                "quota_limit": f"{metric}RequestsPerMinutePerUser",
                "consumer": "projects/0",
            },
        }
    ]
    return 429, body


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


# -- the model ------------------------------------------------------------------


def new_sheet_id(taken: set[int]) -> int:
    """Google numbers added sheets at random below 2**31 (the first sheet is 0)."""
    while True:
        sheet_id = random.randint(1, 2**31 - 1)
        if sheet_id not in taken:
            return sheet_id


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int
    cols: int
    frozen_rows: int = 0
    frozen_cols: int = 0
    extra: dict = field(default_factory=dict)  # other properties, echoed as given
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)  # only filled cells

    def properties(self, index: int) -> dict:
        grid = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        props = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        props.update(self.extra)
        return props

    def box(self, r0: int, c0: int, r1: int, c1: int, render: str, major: str = "ROWS") -> list:
        """The values of a box as Google sends them: trailing empties left out."""
        filled = [(r, c) for (r, c) in self.cells if r0 <= r <= r1 and c0 <= c <= c1]
        if not filled:
            return []
        columns = major == "COLUMNS"
        last = max(c if columns else r for r, c in filled)
        inner = range(r0, r1 + 1) if columns else range(c0, c1 + 1)
        result = []
        for o in range(c0 if columns else r0, last + 1):
            line = [self.cells.get((i, o) if columns else (o, i)) for i in inner]
            while line and line[-1] is None:
                line.pop()
            result.append(["" if v is None else rendered(v, render) for v in line])
        return result

    def clone(self) -> Sheet:
        return dataclasses.replace(self, extra=dict(self.extra), cells=dict(self.cells))

    def resize(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        self.cells = {k: v for k, v in self.cells.items() if k[0] < rows and k[1] < cols}

    def move(self, dimension: str, start: int, end: int, delta: int) -> None:
        """Drop the rows/columns in [start, end), then move those from `end` on by `delta`."""
        axis = 0 if dimension == "ROWS" else 1
        moved = {}
        for key, value in self.cells.items():
            pos = key[axis]
            if start <= pos < end:
                continue
            if pos >= end:
                pos += delta
            moved[(pos, key[1]) if axis == 0 else (key[0], pos)] = value
        self.cells = moved


@dataclass
class Target:
    """A range resolved on a sheet: inclusive corners, clamped to the grid."""

    sheet: Sheet
    r0: int
    c0: int
    r1: int
    c1: int
    single: bool  # one cell named, which writes treat as an anchor

    @property
    def text(self) -> str:
        return span_text(self.sheet.title, self.r0, self.c0, self.r1, self.c1)


def grid_error(sheet: Sheet, cells: str) -> ApiError:
    return bad(
        f"Range ({quote_title(sheet.title)}!{cells}) exceeds grid limits. "
        f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
    )


def as_rows(values: Any, major: str) -> list[list]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise bad("Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue)")
    if major != "COLUMNS":
        return values
    height = max((len(col) for col in values), default=0)
    return [[col[i] if i < len(col) else None for col in values] for i in range(height)]


def enum(value: str | None, name: str, allowed: tuple[str, ...], default: str | None) -> str:
    if value is None or value == "":
        if default is None:
            raise bad(f"'{name}' is required but not specified")
        return default
    if value not in allowed:
        snake = re.sub(r"([A-Z])", r"_\1", name).lower()
        raise bad(f"Invalid value at '{snake}', \"{value}\"")
    return value


def flag(value: Any) -> bool:
    return str(value).lower() == "true"


def grid_data(sheet: Sheet) -> dict:
    """includeGridData=true: userEnteredValue / effectiveValue / formattedValue per cell."""

    def typed(value: Any) -> dict:
        if isinstance(value, bool):
            return {"boolValue": value}
        if isinstance(value, int | float):
            return {"numberValue": value}
        return {"stringValue": value}

    rows = []
    for r, line in enumerate(sheet.box(0, 0, sheet.rows - 1, sheet.cols - 1, "FORMULA")):
        cells = []
        for c in range(len(line)):
            raw = sheet.cells.get((r, c))
            if raw is None:
                cells.append({})
                continue
            entered = {"formulaValue": raw.text} if isinstance(raw, Formula) else typed(raw)
            cells.append(
                {
                    "userEnteredValue": entered,
                    "effectiveValue": typed(rendered(raw, "UNFORMATTED_VALUE")),
                    "formattedValue": rendered(raw, "FORMATTED_VALUE"),
                }
            )
        rows.append({"values": cells} if cells else {})
    return {"rowData": rows} if rows else {}
