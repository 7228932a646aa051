"""A spreadsheet of the Sheets stand-in and the values.* requests on it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tests.sheets_standin_a1 import column_letters, parse_cells, span_text, split_range
from tests.sheets_standin_cells import CellRequests
from tests.sheets_standin_errors import DATETIME, RENDER, ApiError, bad, enum, flag
from tests.sheets_standin_grid import Sheet, Target, grid_error
from tests.sheets_standin_ops import SpreadsheetOps
from tests.sheets_standin_values import SKIP, as_rows, stored


def written_cells(matrix: list, r0: int, c0: int) -> set[tuple[int, int]]:
    """The positions a write really sets: every cell except the nulls it leaves alone."""
    return {
        (r0 + i, c0 + j)
        for i, row in enumerate(matrix)
        for j, value in enumerate(row)
        if value is not None
    }


@dataclass
class Spreadsheet(CellRequests, SpreadsheetOps):
    """One spreadsheet's state; the values.* requests here, the rest in SpreadsheetOps."""

    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"

    def clone(self) -> Spreadsheet:
        return dataclasses.replace(self, sheets=[s.clone() for s in self.sheets])

    # -- ranges --

    def find(self, title: str) -> Sheet | None:
        exact = [s for s in self.sheets if s.title == title]
        loose = [s for s in self.sheets if s.title.casefold() == title.casefold()]
        return (exact or loose or [None])[0]

    def resolve(self, text: str) -> Target:
        try:
            title, cells = split_range(text)
        except ValueError:
            raise bad(f"Unable to parse range: {text}") from None
        sheet = self.sheets[0] if title is None else self.find(title)
        if sheet is not None and cells is None:  # the whole sheet
            return Target(sheet, 0, 0, sheet.rows - 1, sheet.cols - 1, False)
        corners = parse_cells(cells) if cells is not None else None
        if sheet is None or corners is None or cells is None:
            raise bad(f"Unable to parse range: {text}")
        r1 = sheet.rows - 1 if corners.r1 is None else corners.r1
        c1 = sheet.cols - 1 if corners.c1 is None else corners.c1
        if max(corners.r0, r1) >= sheet.rows or max(corners.c0, c1) >= sheet.cols:
            raise grid_error(sheet, cells.upper())
        return Target(sheet, corners.r0, corners.c0, r1, c1, ":" not in cells)

    # -- values --

    def value_range(self, text: str, params: dict) -> dict:
        target = self.resolve(text)
        major = enum(params.get("majorDimension"), "majorDimension", ("ROWS", "COLUMNS"), "ROWS")
        render = enum(
            params.get("valueRenderOption"), "valueRenderOption", RENDER, "FORMATTED_VALUE"
        )
        enum(params.get("dateTimeRenderOption"), "dateTimeRenderOption", DATETIME, "SERIAL_NUMBER")
        t = target
        answer = {"range": t.text, "majorDimension": major}
        values = t.sheet.box(t.r0, t.c0, t.r1, t.c1, render, major)
        if values:
            answer["values"] = values
        return answer

    def plan_write(self, text: str, values: Any, major: str | None) -> tuple[Target, list]:
        """Check a values.update without writing: the target box and the rows to write."""
        major = enum(major, "majorDimension", ("ROWS", "COLUMNS"), "ROWS")
        target = self.resolve(text)
        matrix = as_rows(values, major)
        height, width = len(matrix), max((len(row) for row in matrix), default=0)
        if not height or not width:
            return target, []
        sheet = target.sheet
        if target.single:
            r1, c1 = target.r0 + height - 1, target.c0 + width - 1
            if r1 >= sheet.rows or c1 >= sheet.cols:
                written = span_text(sheet.title, target.r0, target.c0, r1, c1)
                raise grid_error(sheet, written.rpartition("!")[2])
        elif height > target.r1 - target.r0 + 1:
            raise bad(
                f"Requested writing within range [{text}], but tried writing to row "
                f"[{target.r0 + height}]"
            )
        elif width > target.c1 - target.c0 + 1:
            raise bad(
                f"Requested writing within range [{text}], but tried writing to column "
                f"[{column_letters(target.c0 + width - 1)}]"
            )
        return target, matrix

    def write(
        self,
        sheet: Sheet,
        r0: int,
        c0: int,
        matrix: list,
        option: str,
        params: dict,
    ) -> dict:
        """Write rows at (r0, c0); the update answer Google gives for it."""
        answer: dict = {"spreadsheetId": self.spreadsheet_id}
        if not matrix:
            return answer
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                cell = stored(value, option)
                if cell is SKIP:
                    continue
                if isinstance(cell, str) and cell == "":
                    sheet.cells.pop((r0 + i, c0 + j), None)
                else:
                    sheet.cells[(r0 + i, c0 + j)] = cell
        height, width = len(matrix), max(len(row) for row in matrix)
        r1, c1 = r0 + height - 1, c0 + width - 1
        # Google counts the cells it wrote: a null (skipped) cell is not one of them.
        written = written_cells(matrix, r0, c0)
        answer["updatedRange"] = span_text(sheet.title, r0, c0, r1, c1)
        counts = {
            "updatedRows": len({r for r, _ in written}),
            "updatedColumns": len({c for _, c in written}),
            "updatedCells": len(written),
        }
        answer.update({k: v for k, v in counts.items() if v})  # proto3 JSON leaves out zeros
        if flag(params.get("includeValuesInResponse")):
            render = enum(
                params.get("responseValueRenderOption"),
                "responseValueRenderOption",
                RENDER,
                "FORMATTED_VALUE",
            )
            data = {"range": answer["updatedRange"], "majorDimension": "ROWS"}
            values = sheet.box(r0, c0, r1, c1, render)
            if values:
                data["values"] = values
            answer["updatedData"] = data
        return answer

    def values_update(self, text: str, params: dict, body: dict) -> dict:
        option = enum(
            params.get("valueInputOption"), "valueInputOption", ("RAW", "USER_ENTERED"), None
        )
        target, matrix = self.plan_write(text, body.get("values"), body.get("majorDimension"))
        return self.write(target.sheet, target.r0, target.c0, matrix, option, params)

    def values_batch_update(self, body: dict) -> dict:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise bad(f"Invalid valueInputOption: {option or 'INPUT_VALUE_OPTION_UNSPECIFIED'}")
        plans = []
        for i, item in enumerate(body.get("data") or []):
            try:
                if not isinstance(item, dict):
                    raise bad("each data item must be a ValueRange object.")
                plans.append(
                    self.plan_write(
                        str(item.get("range", "")), item.get("values"), item.get("majorDimension")
                    )
                )
            except ApiError as err:
                raise err.prefixed(f"Invalid data[{i}]: ") from None
        answer: dict = {"spreadsheetId": self.spreadsheet_id}
        if not plans:
            return answer
        params = {k: body.get(k) for k in ("includeValuesInResponse", "responseValueRenderOption")}
        responses = [self.write(t.sheet, t.r0, t.c0, m, option, params) for t, m in plans]
        rows, cols, cells, sheets = set(), set(), set(), set()
        for target, matrix in plans:
            sid = target.sheet.sheet_id
            for r, c in written_cells(matrix, target.r0, target.c0):
                rows.add((sid, r))
                cols.add((sid, c))
                cells.add((sid, r, c))
                sheets.add(sid)
        answer.update(
            totalUpdatedRows=len(rows),
            totalUpdatedColumns=len(cols),
            totalUpdatedCells=len(cells),
            totalUpdatedSheets=len(sheets),
            responses=responses,
        )
        return answer

    def values_append(self, text: str, params: dict, body: dict) -> dict:
        option = enum(
            params.get("valueInputOption"), "valueInputOption", ("RAW", "USER_ENTERED"), None
        )
        mode = enum(
            params.get("insertDataOption"),
            "insertDataOption",
            ("OVERWRITE", "INSERT_ROWS"),
            "OVERWRITE",
        )
        target = self.resolve(text)
        matrix = as_rows(body.get("values"), body.get("majorDimension") or "ROWS")
        sheet, answer = target.sheet, {"spreadsheetId": self.spreadsheet_id}
        table = self.table(target)
        row, col = (table[2] + 1, table[1]) if table else (target.r0, target.c0)
        if table:
            answer["tableRange"] = span_text(sheet.title, *table)
        height, width = len(matrix), max((len(r) for r in matrix), default=0)
        if mode == "INSERT_ROWS" and height:
            sheet.move("ROWS", row, row, height)
            sheet.rows += height
        sheet.rows = max(sheet.rows, row + height)
        sheet.cols = max(sheet.cols, col + width)
        self.check_size("")
        answer["updates"] = self.write(sheet, row, col, matrix, option, params)
        return answer

    def table(self, target: Target) -> tuple[int, int, int, int] | None:
        """The table an append goes below: the region around the range's last filled cell."""
        sheet, t = target.sheet, target
        filled = [k for k in sheet.cells if t.r0 <= k[0] <= t.r1 and t.c0 <= k[1] <= t.c1]
        if not filled:
            return None
        r, c = max(filled)
        r0, c0, r1, c1 = r, c, r, c

        def any_filled(rows: range, cols: range) -> bool:
            return any((i, j) in sheet.cells for i in rows for j in cols)

        grown = True
        while grown:
            grown = False
            cols = range(max(c0 - 1, 0), c1 + 2)
            if r0 > 0 and any_filled(range(r0 - 1, r0), cols):
                r0, grown = r0 - 1, True
            if any_filled(range(r1 + 1, r1 + 2), cols):
                r1, grown = r1 + 1, True
            rows = range(max(r0 - 1, 0), r1 + 2)
            if c0 > 0 and any_filled(rows, range(c0 - 1, c0)):
                c0, grown = c0 - 1, True
            if any_filled(rows, range(c1 + 1, c1 + 2)):
                c1, grown = c1 + 1, True
        return r0, c0, r1, c1

    def values_clear(self, text: str) -> dict:
        t = self.resolve(text)
        t.sheet.cells = {
            k: v
            for k, v in t.sheet.cells.items()
            if not (t.r0 <= k[0] <= t.r1 and t.c0 <= k[1] <= t.c1)
        }
        return {"spreadsheetId": self.spreadsheet_id, "clearedRange": t.text}

    def values_batch_clear(self, body: dict) -> dict:
        ranges = [str(r) for r in body.get("ranges") or []]
        for text in ranges:
            self.resolve(text)  # refuse before clearing anything
        cleared = [self.values_clear(text)["clearedRange"] for text in ranges]
        answer: dict = {"spreadsheetId": self.spreadsheet_id}
        if cleared:
            answer["clearedRanges"] = cleared
        return answer

    def values_batch_get(self, params: dict, ranges: list[str]) -> dict:
        answer: dict = {"spreadsheetId": self.spreadsheet_id}
        if ranges:
            answer["valueRanges"] = [self.value_range(text, params) for text in ranges]
        return answer
