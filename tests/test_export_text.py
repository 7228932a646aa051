"""Exports of text that is already in the store (older rows, hand edits in the Sheet).

The one text check keeps such characters out of new input; rows that hold them
anyway must still give an xlsx that opens and a CSV whose rows stay whole.
"""

from __future__ import annotations

import csv

import openpyxl

from lib import transfer
from lib.repository import Insert
from lib.safe_text import for_export

STORED = {
    "t1": "regel\r=cmd|' /C calc'!A0",
    "t2": "a\ufffeb\uffff",
    "t3": "bel\x07 en NUL\x00 weg",
    "t4": "=1+1",
}


def test_for_export_makes_text_every_format_accepts():
    assert for_export("regel\r=cmd") == "regel\n=cmd"
    assert for_export("regel 1\r\nregel 2") == "regel 1\nregel 2"  # one line break, not two
    assert for_export("a\ufffeb") == "a\ufffdb"
    assert for_export("x\ud800") == "x\ufffd"
    assert for_export("=1+1") == "'=1+1"
    assert for_export("\r=1+1") == "\n=1+1"  # no longer a formula, and no row break
    assert for_export("gewoon\nmeerdere regels\tmet tab") == "gewoon\nmeerdere regels\tmet tab"


def test_export_of_stored_bad_text_opens_and_keeps_rows_whole(sql_repo, tmp_path):
    sql_repo.commit(
        [
            Insert("tickets", {"id": tid, "description": text, "reporter_name": text}, "T-")
            for tid, text in STORED.items()
        ]
    )
    transfer.export(sql_repo, tmp_path)
    book = openpyxl.load_workbook(next(tmp_path.glob("*.xlsx")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    with (tmp_path / "tickets.csv").open(encoding="utf-8-sig", newline="") as f:
        records = list(csv.reader(f))
    assert len(records) == 1 + len(STORED)
    assert not [v for r in records for v in r if v.startswith(("=", "+", "-", "@", "\r"))]
