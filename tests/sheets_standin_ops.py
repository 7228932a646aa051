"""The spreadsheet as a whole in the Sheets stand-in: metadata and spreadsheets.batchUpdate.

A mixin of `Spreadsheet` (tests/sheets_standin_book.py), which holds the state.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.sheets_standin_a1 import apply_fields, parse_fields
from tests.sheets_standin_cells import known
from tests.sheets_standin_errors import DEFAULT_FORMAT, MAX_CELLS, THEME, ApiError, bad, flag
from tests.sheets_standin_grid import Sheet, grid_data, new_sheet_id


class SpreadsheetOps:
    """The requests on the spreadsheet and its sheets, as opposed to their values."""

    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    locale: str
    time_zone: str

    def metadata(self, params: dict) -> dict:
        sheets = []
        for index, sheet in enumerate(self.sheets):
            entry: dict = {"properties": sheet.properties(index)}
            if sheet.protected:
                entry["protectedRanges"] = copy.deepcopy(sheet.protected)
            if flag(params.get("includeGridData")):
                entry["data"] = [grid_data(sheet)]
            sheets.append(entry)
        answer = {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
                "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                "spreadsheetTheme": copy.deepcopy(THEME),
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }
        if params.get("fields"):
            answer = apply_fields(answer, parse_fields(params["fields"]))
        return answer

    def check_size(self, prefix: str) -> None:
        if sum(s.rows * s.cols for s in self.sheets) > MAX_CELLS:
            raise bad(
                f"{prefix}This action would increase the number of cells in the "
                f"workbook above the limit of {MAX_CELLS} cells."
            )

    def by_id(self, sheet_id: Any) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise bad(f"No grid with id: {sheet_id}")

    def check_title(self, title: str, sheet: Sheet | None = None) -> None:
        if any(s is not sheet and s.title.casefold() == title.casefold() for s in self.sheets):
            raise bad(f'A sheet with the name "{title}" already exists. Please enter another name.')

    def batch_update(self, body: dict) -> dict:
        requests = body.get("requests") or []
        if not requests:
            raise bad("Must specify at least one request.")
        replies = []
        for i, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise bad(f"Invalid requests[{i}]: exactly one kind of request is required.")
            [(name, spec)] = request.items()
            handler = getattr(self, f"_req_{name}", None)
            prefix = f"Invalid requests[{i}].{name}: "
            if handler is None:
                raise bad(f"{prefix}the Sheets stand-in does not implement this request.")
            try:
                replies.append(handler(spec or {}))
                self.check_size("")
            except ApiError as err:
                raise err.prefixed(prefix) from None
        answer = {"spreadsheetId": self.spreadsheet_id, "replies": replies}
        if flag(body.get("includeSpreadsheetInResponse")):
            answer["updatedSpreadsheet"] = self.updated_spreadsheet(body)
        return answer

    def _req_addSheet(self, spec: dict) -> dict:  # Google's request names
        known("addSheet", spec, "add_sheet")
        props = spec.get("properties") or {}
        known("properties", props, "add_sheet.properties")
        known(
            "gridProperties",
            props.get("gridProperties") or {},
            "add_sheet.properties.grid_properties",
        )
        taken = {s.title.casefold() for s in self.sheets}
        title = props.get("title") or next(
            f"Sheet{n}" for n in range(1, 10_000) if f"sheet{n}" not in taken
        )
        self.check_title(title)
        ids = {s.sheet_id for s in self.sheets}
        sheet_id = props.get("sheetId")
        if sheet_id in ids:
            raise bad(f"A sheet with the id {sheet_id} already exists.")
        if sheet_id is None:
            sheet_id = new_sheet_id(ids)
        grid = props.get("gridProperties") or {}
        sheet = Sheet(
            sheet_id,
            title,
            grid.get("rowCount", 1000),
            grid.get("columnCount", 26),
            grid.get("frozenRowCount", 0),
            grid.get("frozenColumnCount", 0),
            {k: v for k, v in props.items() if k in ("hidden", "rightToLeft")},
        )
        index = props.get("index", len(self.sheets))
        self.sheets.insert(min(max(index, 0), len(self.sheets)), sheet)
        return {"addSheet": {"properties": sheet.properties(self.sheets.index(sheet))}}

    def _req_deleteSheet(self, spec: dict) -> dict:
        sheet = self.by_id(spec.get("sheetId"))
        if len(self.sheets) == 1:
            raise bad("You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        return {}

    def _req_updateSheetProperties(self, spec: dict) -> dict:
        props = spec.get("properties") or {}
        sheet = self.by_id(props.get("sheetId", 0))
        fields = [f.strip().replace(".", "/") for f in str(spec.get("fields") or "").split(",")]
        fields = [f for f in fields if f]
        if not fields:
            raise bad("At least one field must be specified in 'fields'.")
        if "*" in fields:
            fields = ["title", "index", "gridProperties"]
        grid = props.get("gridProperties") or {}
        size = {"rowCount": sheet.rows, "columnCount": sheet.cols}
        frozen = {"frozenRowCount": "frozen_rows", "frozenColumnCount": "frozen_cols"}
        for path in fields:
            if path == "title":
                self.check_title(props.get("title") or "", sheet)
                sheet.title = props.get("title") or ""
            elif path == "index":
                self.sheets.remove(sheet)
                self.sheets.insert(min(max(props.get("index", 0), 0), len(self.sheets)), sheet)
            elif path == "gridProperties" or path.startswith("gridProperties/"):
                keys = [*size, *frozen] if path == "gridProperties" else [path.split("/", 1)[1]]
                for key in keys:
                    if key in size:
                        size[key] = grid.get(key, 0)
                    elif key in frozen:
                        setattr(sheet, frozen[key], grid.get(key, 0))
            else:
                sheet.extra[path] = props.get(path)
        if size["rowCount"] < 1 or size["columnCount"] < 1:
            raise bad("A sheet needs at least one row and one column.")
        sheet.resize(size["rowCount"], size["columnCount"])
        if sheet.frozen_rows and sheet.frozen_rows >= sheet.rows:
            raise bad("You can't freeze all visible rows on the sheet.")
        if sheet.frozen_cols and sheet.frozen_cols >= sheet.cols:
            raise bad("You can't freeze all visible columns on the sheet.")
        return {}

    def _req_appendDimension(self, spec: dict) -> dict:
        sheet = self.by_id(spec.get("sheetId", 0))
        length = spec.get("length", 0)
        if not isinstance(length, int) or length <= 0:
            raise bad("length must be greater than 0.")
        if spec.get("dimension") == "ROWS":
            sheet.rows += length
        elif spec.get("dimension") == "COLUMNS":
            sheet.cols += length
        else:
            raise bad("dimension must be ROWS or COLUMNS.")
        return {}

    def _dimension(self, spec: dict, *, inserting: bool) -> tuple[Sheet, str, int, int]:
        rng = spec.get("range") or {}
        sheet, dim = self.by_id(rng.get("sheetId", 0)), rng.get("dimension")
        if dim not in ("ROWS", "COLUMNS"):
            raise bad("range.dimension must be ROWS or COLUMNS.")
        start, end = rng.get("startIndex", 0), rng.get("endIndex")
        size = sheet.rows if dim == "ROWS" else sheet.cols
        if end is None or not 0 <= start < end or (not inserting and end > size) or start > size:
            raise bad(f"Invalid range: startIndex {start}, endIndex {end} ({size} {dim.lower()}).")
        return sheet, dim, start, end

    def _req_insertDimension(self, spec: dict) -> dict:
        sheet, dim, start, end = self._dimension(spec, inserting=True)
        sheet.move(dim, start, start, end - start)
        if dim == "ROWS":
            sheet.rows += end - start
        else:
            sheet.cols += end - start
        return {}

    def _req_deleteDimension(self, spec: dict) -> dict:
        sheet, dim, start, end = self._dimension(spec, inserting=False)
        size = sheet.rows if dim == "ROWS" else sheet.cols
        if end - start >= size:
            raise bad(f"You can't delete all the {dim.lower()} on the sheet.")
        sheet.move(dim, start, end, start - end)
        if dim == "ROWS":
            sheet.rows -= end - start
        else:
            sheet.cols -= end - start
        return {}
