"""Cells, ranges and requests of the Sheet driver: pure helpers (no requests sent).

A worksheet's values parsed into typed rows (`parse_sheet`), rows back into cells,
A1 ranges, and the spreadsheets.batchUpdate requests the driver sends: rows written
at their position (updateCells), a log row appended (appendCells), grid growth,
and the log rows read back from the batchUpdate's answer (`answered_rows`).
"""

from __future__ import annotations

from typing import Any

from gspread.exceptions import APIError

from lib.repository import sheets_log
from lib.repository.base import StoreUnavailable
from lib.repository.sheets_plan import Sheet
from lib.safe_text import neutralise, restore
from lib.schema import TABLES, Column, Table

NEW_SHEET_ROWS = 1000  # Google's own default for a new worksheet
_TRUE = {"true", "1", "ja", "yes", "waar", "x"}
_FALSE = {"false", "0", "nee", "no", "onwaar", ""}


def parse_sheet(table: Table, values: list[list], omitted: frozenset[str] = frozenset()) -> Sheet:
    header = trimmed([str(c).strip() for c in values[0]]) if values else []
    names = table.column_names
    if header[: len(names)] != names:
        raise StoreUnavailable(
            f"Werkblad '{table.name}' heeft niet de verwachte kopregel. "
            "Voer de installatie (setup) uit of herstel de eerste rij."
        )
    sheet = Sheet(rows={}, position={}, next_row=len(values) + 1, omitted=omitted)
    for number, cells in enumerate(values[1:], start=2):
        if all(isinstance(c, str) and not c.strip() for c in cells):
            sheet.free.append(number)  # blanked (moved to the archive): reused for new rows
            continue
        try:
            row = {
                c.name: from_cell(c, cells[i] if i < len(cells) else "")
                for i, c in enumerate(table.columns)
            }
        except ValueError as err:
            raise StoreUnavailable(f"Werkblad '{table.name}', rij {number}: {err}") from err
        # Rows without an id are notes someone typed by hand; a second row with
        # the same id is a hand-made copy. Neither is ours to show or change.
        if row["id"] and row["id"] not in sheet.rows:
            sheet.rows[row["id"]] = row
            sheet.position[row["id"]] = number
    return sheet


def from_cell(col: Column, value: Any) -> Any:
    """A cell as UNFORMATTED_VALUE gives it (also when typed by hand) to its column type."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if col.type == "text":
        return restore(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool | int):
        return int(value) if col.type == "int" else bool(value)
    word = str(value).strip().lower()
    if col.type == "bool" and (word in _TRUE or word in _FALSE):
        return word in _TRUE
    if col.type == "int" and (word == "" or word.removeprefix("-").isdecimal()):
        return int(word or 0)
    kind = "geheel getal" if col.type == "int" else "ja/nee-waarde"
    raise ValueError(f"'{value}' in kolom '{col.name}' is geen {kind}")


def row_cells(table: str, row: dict) -> list:
    return [
        neutralise(row[c.name]) if c.type == "text" else row[c.name] for c in TABLES[table].columns
    ]


def trimmed(cells: list) -> list:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def column_letter(number: int) -> str:
    """A1's letters of the 1-based column `number` (1 is A, 27 is AA)."""
    if number < 1:  # a wrong index: refused, not looped on for ever
        raise ValueError(f"column {number} does not exist")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def row_range(table: Table, number: int, width: int | None = None) -> str:
    return f"{quote(table.name)}!A{number}:{column_letter(width or len(table.columns))}{number}"


def dims(props: dict, protected: bool = False) -> dict:
    """A worksheet's id, size, and whether it is hidden and protected (the log is)."""
    grid = props.get("gridProperties", {})
    return {
        "sheetId": props["sheetId"],
        "rowCount": grid.get("rowCount", 0),
        "columnCount": grid.get("columnCount", 0),
        "hidden": bool(props.get("hidden")),
        "protected": protected,
    }


def add_sheet(title: str, width: int) -> dict:
    grid = {"rowCount": NEW_SHEET_ROWS, "columnCount": width, "frozenRowCount": 1}
    return {"addSheet": {"properties": {"title": title, "gridProperties": grid}}}


LOG_HEADER_RANGE = f"{quote(sheets_log.TITLE)}!A1:{column_letter(len(sheets_log.HEADER))}1"


def log_row_range(number: int) -> str:
    return f"{quote(sheets_log.TITLE)}!A{number}:{column_letter(sheets_log.WIDTH)}{number}"


def append_dimension(dims: dict, dimension: str, length: int) -> dict:
    spec = {"sheetId": dims["sheetId"], "dimension": dimension, "length": length}
    return {"appendDimension": spec}


def beyond_grid(err: APIError) -> bool:
    return err.code == 400 and "grid limits" in str(err.error.get("message", "")).lower()


def refusal_message(err: APIError) -> str:
    status = err.response.status_code  # err.code is -1 for a proxy's HTML page
    message = str(err.error.get("message", ""))
    if status == 403:
        return (
            "Geen toegang tot de Google Sheet. Deel de sheet als bewerker met het "
            "e-mailadres van het service-account."
        )
    if status == 404:
        return "De Google Sheet is niet gevonden. Controleer de sleutel in de instellingen."
    if status == 400 and "parse range" in message.lower():
        return "Een werkblad ontbreekt in de Google Sheet. Voer eerst de installatie (setup) uit."
    return f"De Google Sheet weigerde het verzoek ({status}): {message}"


# -- spreadsheets.batchUpdate requests ------------------------------------------


def cell_data(value: Any) -> dict:
    """A value as CellData, stored as it is (like valueInputOption RAW); "" clears."""
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    if value in ("", None):
        return {}  # with fields=userEnteredValue: the cell is cleared
    return {"userEnteredValue": {"stringValue": str(value)}}


def update_row(sheet_id: int, number: int, values: list) -> dict:
    """Write one row at sheet row `number` (1-based): sent twice, the same as once."""
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": number - 1, "columnIndex": 0},
            "rows": [{"values": [cell_data(v) for v in values]}],
            "fields": "userEnteredValue",
        }
    }


def append_row(sheet_id: int, values: list) -> dict:
    """Append one row after the last row with data (appendCells)."""
    return append_rows(sheet_id, [values])


def append_rows(sheet_id: int, rows: list[list]) -> dict:
    """Append rows after the last row with data (appendCells), growing the grid as needed."""
    return {
        "appendCells": {
            "sheetId": sheet_id,
            "rows": [{"values": [cell_data(v) for v in values]} for values in rows],
            "fields": "userEnteredValue",
        }
    }


def answered_rows(answer: dict, title: str) -> tuple[int, list[list]] | None:
    """The rows of `title` in a batchUpdate's updatedSpreadsheet: (first row, values).

    The values as values.batchGet gives them with UNFORMATTED_VALUE; None when the
    answer holds no grid data for that sheet.
    """
    for sheet in (answer.get("updatedSpreadsheet") or {}).get("sheets", []):
        if sheet.get("properties", {}).get("title") != title or not sheet.get("data"):
            continue
        grid = sheet["data"][0]
        rows = []
        for row in grid.get("rowData", []):
            cells = [_effective(c) for c in row.get("values", [])]
            rows.append(trimmed(cells))
        return grid.get("startRow", 0) + 1, rows
    return None


def _effective(cell: dict) -> Any:
    value = cell.get("effectiveValue") or cell.get("userEnteredValue") or {}
    for kind in ("stringValue", "numberValue", "boolValue"):
        if kind in value:
            return value[kind]
    return ""
