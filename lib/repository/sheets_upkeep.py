"""Upkeep of the Google Sheet's change log: compaction and scrubbing (a mixin of
SheetsRepository in lib/repository/sheets.py, whose requests it uses).

`compact_log` brings every readable worksheet up to date with the log and
summarises the log's old rows in a basis row (lib/repository/sheets_log.py);
`scrub_history` takes redacted text out of the log rows written before the redact.
"""

from __future__ import annotations

import logging
import time
import uuid

from lib.repository import sheets_log
from lib.repository.sheets_cells import column_letter, log_row_range, quote
from lib.repository.sheets_log import Fold
from lib.repository.sheets_plan import Sheet, mended, overlay
from lib.schema import TABLES

COMPACT_AGE = 3600.0  # seconds: compact_log summarises only log rows older than this
LOG_TAIL = "{title}!A{start}:" + column_letter(sheets_log.WIDTH)
_log = logging.getLogger("kivido.sheets")


class SheetsUpkeep:
    """compact_log and scrub_history; the requests are SheetsRepository's."""

    def compact_log(self, min_age: float = COMPACT_AGE) -> list[str]:
        """Bring every worksheet up to date with the log, and summarise its old rows.

        One request writes every row the worksheets lag behind on and appends a
        basis row (sheets_log: the numbers and unique keys as they stood after the
        last row older than `min_age` seconds, the row it covers). A process
        starting afresh then begins at the basis; the covered rows are cleared in
        a second request, which a crash may skip without harm (they are skipped
        by every reader that starts at the basis; a process that read them keeps
        its state, which the basis repeats). Rows are cleared, never deleted: the
        positions of the later rows stay, so no process, verdict or in-place
        scrub loses its place. Safe beside writers: their appends land after the
        basis or before it, and both orders fold alike. `min_age` must exceed the
        longest time a commit can take from its read to its append landing
        (Google ends a request after minutes; an hour is the default).
        """
        sheets, behind, known = self._lagging()
        (values,) = self._batch_get([LOG_TAIL.format(title=quote(sheets_log.TITLE), start=1)])
        values = values[:known]
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - min_age))
        covers = len(values)
        for number, cells in enumerate(values[1:], start=2):
            entry = sheets_log.parse(cells)
            if entry is not None and entry.kind == sheets_log.COMMIT and entry.at > cutoff:
                covers = number - 1  # the first row younger than min_age
                break
        done = sheets_log.Fold(count=1)
        done.start(values)  # the rows the last basis covers already
        entry = None
        if covers > done.count:
            base = sheets_log.fold_through(values, covers)
            entry = sheets_log.basis(base, f"basis-{uuid.uuid4().hex}", self._clock())
        self._send(entry, sheets, behind, mend_required=True)
        lines = [f"Werkbladen bijgewerkt: {len(behind)} rij(en) liepen achter op het log."]
        if entry is None:
            return [*lines, "Het wijzigingenlog had geen nieuwe oude rijen om samen te vatten."]
        self._verdict(entry.change_id)
        end = column_letter(sheets_log.WIDTH)
        clear = {"ranges": [f"{quote(sheets_log.TITLE)}!A2:{end}{covers}"]}
        self._call(self._http.values_batch_clear, self.key, None, clear)
        return [
            *lines,
            f"Wijzigingenlog samengevat tot en met rij {covers}; die rijen zijn leeg gemaakt.",
        ]

    def _lagging(self) -> tuple[dict[str, Sheet], dict[tuple[str, str], dict], int]:
        """Every worksheet, every row where the log is ahead of it, and the log row read up to."""
        names = list(TABLES)
        sheets, fold = self._fetch(names)
        with self._shared.lock:
            behind = {}
            for name in names:
                lagging = overlay(name, sheets[name], fold)[1]
                behind.update(self._behind(name, sheets[name], fold, lagging))
            return sheets, behind, fold.count

    @staticmethod
    def _behind(name: str, sheet: Sheet, fold: Fold, lagging: list[str]) -> dict:
        """The rows to write where the worksheet lags, with fixes made there by hand kept
        (in the columns read: the others as the log has them)."""
        return {
            (name, i): mended(
                sheet.rows.get(i), fold.rows[name][i], fold.previous.get((name, i)), sheet.omitted
            )
            for i in lagging
        }

    def scrub_history(self) -> None:
        """Take text that winning redacts overwrote out of the earlier log rows too, and
        bring the worksheets up to date, so the redacted text leaves them at once."""
        self._scrub(rounds=3)
        sheets, behind, _ = self._lagging()
        self._send(None, sheets, behind, mend_required=True)
        # A purged archived row came back to its live worksheet; its archive copy
        # still holds the old text until it is moved again.
        self.move_archived()

    def _scrub(self, rounds: int) -> None:
        """Rewrite the log rows that still hold redacted text (sheets_log.Fold.scrub).

        The log rows are rewritten in place, never removed: every process keeps
        its folded copy and its verdicts (see Fold.scrub). Two purges at once may
        each write a row with only its own redactions; so the rows are read again
        after the write, with the log caught up, until none needs a rewrite.
        """
        for _ in range(rounds):
            _, fold = self._fetch([])
            with self._shared.lock:
                count = fold.count
            if count < 2:
                return
            (found,) = self._batch_get([f"{quote(sheets_log.TITLE)}!A2:Z{count}"])
            data = []
            with self._shared.lock:
                for number, cells in enumerate(found, start=2):
                    clean = fold.scrub(sheets_log.parse(cells), number)
                    if clean is None:
                        continue
                    try:
                        written = clean.cells()
                    except ValueError:  # the marker made a change near the limit too long
                        _log.warning("Log row %s is too long to rewrite; left as it is.", number)
                        continue
                    padded = written + [""] * (sheets_log.WIDTH - len(written))
                    data.append({"range": log_row_range(number), "values": [padded]})
            if not data:
                return
            body = {"valueInputOption": "RAW", "data": data}
            self._call(self._http.values_batch_update, self.key, body)
