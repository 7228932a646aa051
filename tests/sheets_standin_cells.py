"""Cell-level requests of spreadsheets.batchUpdate in the Sheets stand-in.

appendCells, updateCells and addProtectedRange, and the `updatedSpreadsheet` a
batchUpdate returns with includeSpreadsheetInResponse. No recording under
shared/reference holds any of them, so they follow Google's API reference
(spreadsheets/request, spreadsheets/batchUpdate, CellData, GridData): a reply of
appendCells and updateCells is the empty object `{}`; addProtectedRange replies
with the range and the id Google gave it; GridData leaves out `startRow` and
`startColumn` when they are 0 (proto3 JSON) and lists rows up to the last one
with data in the asked range. Cells are taken as userEnteredValue with no parsing
(as valueInputOption RAW): stringValue is stored as it is, a CellData without a
userEnteredValue clears the cell when `fields` names userEnteredValue.
A name the API does not know, in the request or in its `fields` mask, is refused
as Google's JSON parsing refuses it ("Invalid JSON payload received. Unknown
name ...": 400), so a misspelt key cannot pass here unnoticed.

A mixin of `Spreadsheet` (tests/sheets_standin_book.py).
"""

from __future__ import annotations

import random
from typing import Any

from tests.sheets_standin_a1 import cell_name
from tests.sheets_standin_errors import ApiError, bad, flag
from tests.sheets_standin_grid import Sheet, grid_error, grid_rows
from tests.sheets_standin_values import CELL_LIMIT, Formula

# The fields of the messages these requests take (Google's API reference).
KNOWN = {
    "appendCells": {"sheetId", "rows", "fields", "tableId"},
    "updateCells": {"start", "range", "rows", "fields"},
    "start": {"sheetId", "rowIndex", "columnIndex"},
    "range": {
        "sheetId",
        "startRowIndex",
        "endRowIndex",
        "startColumnIndex",
        "endColumnIndex",
    },
    "rows": {"values"},
    "addSheet": {"properties"},
    "properties": {
        "sheetId",
        "title",
        "index",
        "sheetType",
        "gridProperties",
        "hidden",
        "tabColor",
        "tabColorStyle",
        "rightToLeft",
        "dataSourceSheetProperties",
    },
    "gridProperties": {
        "rowCount",
        "columnCount",
        "frozenRowCount",
        "frozenColumnCount",
        "hideGridlines",
        "rowGroupControlAfter",
        "columnGroupControlAfter",
    },
}
CELL_FIELDS = {
    "userEnteredValue",
    "effectiveValue",
    "formattedValue",
    "userEnteredFormat",
    "effectiveFormat",
    "hyperlink",
    "note",
    "textFormatRuns",
    "dataValidation",
    "pivotTable",
    "dataSourceTable",
    "dataSourceFormula",
    "chipRuns",
}


def known(message: str, spec: dict, where: str) -> None:
    """Refuse a field name `message` (a key of KNOWN) does not have, as Google does."""
    for name in spec:
        if name not in KNOWN[message]:
            raise bad(
                f'Invalid JSON payload received. Unknown name "{name}" at '
                f"'requests[0].{where}': Cannot find field."
            )


def mask(fields: str) -> None:
    """The `fields` mask, each of its names a field of CellData (or `*`)."""
    for path in (f.strip() for f in fields.split(",")):
        if path != "*" and path.split(".")[0] not in CELL_FIELDS:
            raise bad(f"Invalid requests[0]: field mask names an unknown field: {path}")


def entered(cell: Any) -> Any:
    """The value a CellData's userEnteredValue stores; None clears the cell."""
    if not isinstance(cell, dict):
        raise bad("Invalid value at 'rows.values': a CellData object is required.")
    value = cell.get("userEnteredValue")
    if not value:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        raise bad("Invalid userEnteredValue: exactly one kind of value is required.")
    [(kind, raw)] = value.items()
    if kind == "stringValue":
        if len(str(raw)) > CELL_LIMIT:
            raise bad(
                f"Your input contains more than the maximum of {CELL_LIMIT} characters "
                "in a single cell."
            )
        return str(raw) if raw != "" else None
    if kind == "numberValue":
        number = float(raw)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == "boolValue":
        return bool(raw)
    if kind == "formulaValue":
        return Formula(str(raw))
    raise bad(f"Invalid userEnteredValue: unknown kind {kind}.")


class CellRequests:
    """appendCells, updateCells, addProtectedRange; `updated_spreadsheet` for the answer."""

    # by_id and metadata come from SpreadsheetOps, resolve from Spreadsheet.
    sheets: list[Sheet]

    def _put_rows(self, sheet: Sheet, r0: int, c0: int, rows: list, fields: str) -> None:
        mask(fields)
        if "userEnteredValue" not in fields and fields != "*":
            raise bad("fields must name userEnteredValue (the stand-in stores values only).")
        for i, row in enumerate(rows):
            known("rows", row or {}, "rows")
            cells = (row or {}).get("values") or []
            if cells and (r0 + i >= sheet.rows or c0 + len(cells) > sheet.cols):
                last = cell_name(r0 + i, c0 + len(cells) - 1)
                raise grid_error(sheet, f"{cell_name(r0 + i, c0)}:{last}")
            for j, cell in enumerate(cells):
                value = entered(cell)
                if value is None:
                    sheet.cells.pop((r0 + i, c0 + j), None)
                else:
                    sheet.cells[(r0 + i, c0 + j)] = value

    def _req_appendCells(self, spec: dict) -> dict:  # Google's request names
        known("appendCells", spec, "append_cells")
        sheet = self.by_id(spec.get("sheetId", 0))
        rows = spec.get("rows") or []
        start = max((r for r, _ in sheet.cells), default=-1) + 1
        sheet.rows = max(sheet.rows, start + len(rows))  # "inserting new rows if necessary"
        self._put_rows(sheet, start, 0, rows, str(spec.get("fields") or ""))
        return {}

    def _req_updateCells(self, spec: dict) -> dict:
        known("updateCells", spec, "update_cells")
        if "start" in spec:
            where = spec["start"] or {}
            known("start", where, "update_cells.start")
            sheet = self.by_id(where.get("sheetId", 0))
            r0, c0 = where.get("rowIndex", 0), where.get("columnIndex", 0)
        elif "range" in spec:
            where = spec["range"] or {}
            known("range", where, "update_cells.range")
            sheet = self.by_id(where.get("sheetId", 0))
            r0, c0 = where.get("startRowIndex", 0), where.get("startColumnIndex", 0)
        else:
            raise bad("Either start or range must be specified.")
        self._put_rows(sheet, r0, c0, spec.get("rows") or [], str(spec.get("fields") or ""))
        return {}

    def _req_addProtectedRange(self, spec: dict) -> dict:
        given = dict(spec.get("protectedRange") or {})
        grid = given.get("range") or {}
        sheet = self.by_id(grid.get("sheetId", 0))
        if "editors" in given and given.get("warningOnly"):
            raise bad("Editors cannot be set on a warning-only protected range.")
        given.setdefault("protectedRangeId", random.randint(1, 2**31 - 1))
        given["range"] = {"sheetId": sheet.sheet_id, **grid}
        sheet.protected.append(given)
        return {"addProtectedRange": {"protectedRange": dict(given)}}

    def updated_spreadsheet(self, body: dict) -> dict:
        """What includeSpreadsheetInResponse adds: the spreadsheet after the update."""
        answer = self.metadata({})
        if not flag(body.get("responseIncludeGridData")):
            return answer
        for text in body.get("responseRanges") or []:
            try:
                t = self.resolve(str(text))
            except ApiError as err:
                raise err.prefixed("Invalid responseRanges: ") from None
            data: dict = {}
            if t.r0:
                data["startRow"] = t.r0
            if t.c0:
                data["startColumn"] = t.c0
            rows = grid_rows(t.sheet, t.r0, t.c0, t.r1, t.c1)
            if rows:
                data["rowData"] = rows
            index = self.sheets.index(t.sheet)
            answer["sheets"][index].setdefault("data", []).append(data)
        return answer
