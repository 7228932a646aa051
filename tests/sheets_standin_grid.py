"""The grid of one sheet of the Sheets stand-in, and a range resolved on it."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import Any

from tests.sheets_standin_a1 import quote_title, span_text
from tests.sheets_standin_errors import ApiError, bad
from tests.sheets_standin_values import Formula, rendered


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
    protected: list[dict] = field(default_factory=list)  # addProtectedRange, as given

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
        return dataclasses.replace(
            self, extra=dict(self.extra), cells=dict(self.cells), protected=list(self.protected)
        )

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


def _typed(value: Any) -> dict:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": value}


def grid_rows(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> list[dict]:
    """GridData.rowData of a box: userEnteredValue / effectiveValue / formattedValue per cell."""
    rows = []
    for i, line in enumerate(sheet.box(r0, c0, r1, c1, "FORMULA")):
        cells = []
        for j in range(len(line)):
            raw = sheet.cells.get((r0 + i, c0 + j))
            if raw is None:
                cells.append({})
                continue
            entered = {"formulaValue": raw.text} if isinstance(raw, Formula) else _typed(raw)
            cells.append(
                {
                    "userEnteredValue": entered,
                    "effectiveValue": _typed(rendered(raw, "UNFORMATTED_VALUE")),
                    "formattedValue": rendered(raw, "FORMATTED_VALUE"),
                }
            )
        rows.append({"values": cells} if cells else {})
    return rows


def grid_data(sheet: Sheet) -> dict:
    """includeGridData=true: the whole sheet as GridData."""
    rows = grid_rows(sheet, 0, 0, sheet.rows - 1, sheet.cols - 1)
    return {"rowData": rows} if rows else {}
