"""Setting up the Google Sheet: one worksheet per table with its header row, and the
change log `_wijzigingen`, hidden and protected with a warning (a mixin of
SheetsRepository in lib/repository/sheets.py, whose requests it uses).
"""

from __future__ import annotations

from lib.repository import sheets_log
from lib.repository.base import StoreUnavailable
from lib.repository.sheets_archive import worksheets
from lib.repository.sheets_cells import (
    LOG_HEADER_RANGE,
    add_sheet,
    append_dimension,
    dims,
    row_range,
    trimmed,
)


class SheetsSetup:
    """setup and the structural requests (addSheet, appendDimension, protection)."""

    def setup(self) -> list[str]:
        with self._shared.lock:
            try:
                return self._setup()
            except StoreUnavailable as err:
                # addSheet is the one request that is not idempotent: after a lost
                # answer its retry meets the sheet it made itself. Look again.
                if "already exists" not in str(err.__cause__):
                    raise
                return self._setup()

    def _setup(self) -> list[str]:
        grid = self._load_grid()
        headers = self._headers([name for name in worksheets() if name in grid], grid)
        lines, problems, add, grow, write = [], [], [], [], []
        for name, table in worksheets().items():
            names = table.column_names
            if name not in grid:
                add.append(add_sheet(table.name, len(table.columns)))
                write.append(name)
                lines.append(f"Werkblad '{name}' aangemaakt.")
                continue
            if grid[name]["columnCount"] < len(names):
                grow.append(
                    append_dimension(grid[name], "COLUMNS", len(names) - grid[name]["columnCount"])
                )
            got = headers[name]
            if got[: len(names)] == names:
                lines.append(f"Werkblad '{name}' bestond al.")
            elif got == names[: len(got)]:  # empty, or the schema gained columns
                write.append(name)
                done = f"aangevuld ({', '.join(names[len(got) :])})" if got else "geschreven"
                lines.append(f"Werkblad '{name}': kopregel {done}.")
            else:
                problems.append(f"'{name}' heeft {got}, verwacht {names}")
        log_line, log_header = self._setup_log(grid, add)
        lines.append(log_line)
        if problems:
            raise ValueError(
                "De Google Sheet heeft niet de verwachte kopregels; er is niets veranderd. "
                "Herstel de eerste rij van deze werkbladen: " + "; ".join(problems) + "."
            )
        guard = self._guard_log(grid, add)
        if guard:
            lines.append(f"Werkblad '{sheets_log.TITLE}' verborgen en beveiligd (waarschuwing).")
        if add or grow or guard:
            self._restructure(add + grow + guard)
        if write or log_header:
            data = [
                {"range": row_range(worksheets()[n], 1), "values": [worksheets()[n].column_names]}
                for n in write
            ]
            if log_header:
                data.append({"range": LOG_HEADER_RANGE, "values": [sheets_log.HEADER]})
            self._call(
                self._http.values_batch_update, self.key, {"valueInputOption": "RAW", "data": data}
            )
        return lines

    def _guard_log(self, grid: dict[str, dict], add: list[dict]) -> list[dict]:
        """Hide the log and protect it with a warning, where it is not yet.

        A warning, not a lock: the service account writes through the API, which a
        warning never stops, and the owner can still repair the log by hand. What
        it prevents is an edit by accident (the README says what not to do there).
        """
        made = next(
            (
                a["addSheet"]["properties"]
                for a in add
                if "addSheet" in a and a["addSheet"]["properties"]["title"] == sheets_log.TITLE
            ),
            None,
        )
        if made is not None:
            taken = {d["sheetId"] for d in grid.values()}
            made["sheetId"] = next(i for i in range(1_000_001, 2**31) if i not in taken)
            made["hidden"] = True
            found = {"sheetId": made["sheetId"], "hidden": True, "protected": False}
        else:
            found = grid[sheets_log.TITLE]
        requests = []
        if not found["hidden"]:
            properties = {"sheetId": found["sheetId"], "hidden": True}
            requests.append(
                {"updateSheetProperties": {"properties": properties, "fields": "hidden"}}
            )
        if not found["protected"]:
            protection = {
                "range": {"sheetId": found["sheetId"]},
                "description": "Wijzigingenlog van de app: niet bewerken (zie de handleiding).",
                "warningOnly": True,
            }
            requests.append({"addProtectedRange": {"protectedRange": protection}})
        return requests

    def _setup_log(self, grid: dict[str, dict], add: list[dict]) -> tuple[str, bool]:
        """The change log worksheet: made when missing, its header written when empty."""
        if sheets_log.TITLE not in grid:
            add.append(add_sheet(sheets_log.TITLE, sheets_log.WIDTH))
            return f"Werkblad '{sheets_log.TITLE}' aangemaakt.", True
        (found,) = self._batch_get([LOG_HEADER_RANGE], {})
        header = trimmed([str(c).strip() for c in (found or [[]])[0]])
        if header == sheets_log.HEADER:
            return f"Werkblad '{sheets_log.TITLE}' bestond al.", False
        if not header:
            return f"Werkblad '{sheets_log.TITLE}': kopregel geschreven.", True
        raise ValueError(
            f"Werkblad '{sheets_log.TITLE}' heeft niet de verwachte kopregel "
            f"({header}, verwacht {sheets_log.HEADER}); er is niets veranderd."
        )

    def _headers(self, names: list[str], grid: dict[str, dict]) -> dict[str, list[str]]:
        if not names:
            return {}
        # Never ask beyond the grid: Google refuses ranges past the last column.
        ranges = [
            row_range(worksheets()[n], 1, min(len(worksheets()[n].columns), grid[n]["columnCount"]))
            for n in names
        ]
        rows = [(values or [[]])[0] for values in self._batch_get(ranges, {})]
        return {n: trimmed([str(c).strip() for c in r]) for n, r in zip(names, rows, strict=True)}

    def _restructure(self, requests: list[dict]) -> None:
        """Send addSheet/appendDimension requests and keep the cached sizes true."""
        answer = self._call(self._http.batch_update, self.key, {"requests": requests})
        grid = self._shared.grid
        try:
            for req, reply in zip(requests, answer["replies"], strict=True):
                if "addSheet" in req:
                    props = reply["addSheet"]["properties"]
                    grid[props["title"]] = dims(props)
        except (KeyError, TypeError, ValueError):
            self._shared.grid = None  # unsure: look again the next time sizes matter
        self._count_growth(requests)
