"""The purge's scrub of the Sheet's change log (lib/repository/sheets_upkeep.py) at its
edges: a log row the marker would make too long, and worksheets Google will not let
it bring up to date."""

from __future__ import annotations

import json
import logging
import time

import pytest

from lib import privacy
from lib.repository import Insert, Redact, StoreUnavailable, Update
from lib.repository.sheets_cells import column_letter
from lib.repository.sheets_plan import CELL_LIMIT
from tests.sheets_support import LOG, other_process, refusing_rows, ticket

NOTE = "Juf Anna belde vanaf 06-12345678"


def log_cells(standin, repo) -> list[str]:
    return [str(c) for row in standin.values(repo.key, LOG) for c in row]


def test_a_log_row_too_long_for_the_marker_is_left_and_the_next_rows_are_still_scrubbed(
    sheets_repo, standin, caplog
):
    """A commit as large as one log row holds (its JSON spread over every cell of the
    row), with a short text in it: the marker, longer than that text, would take the
    row past its end. That row is left as it is, with a warning naming it; every other
    row is scrubbed all the same."""
    tries = iter(range(100))

    def fits(last: int) -> str | None:
        """Commit 21 events with long names, the last `last` long: the first one's id
        when it fit (every try's ids are as long: the JSON differs only by `last`)."""
        n = next(tries)
        names = ["a" * CELL_LIMIT] * 20 + ["a" * last]
        rows = [
            {"id": f"e{n:03d}-{i:02d}", "ticket_id": "t1", "actor_name": a}
            for i, a in enumerate(names)
        ]
        rows[0]["note"] = "ok"
        try:
            sheets_repo.commit([Insert("events", row) for row in rows])
        except ValueError:  # "te groot voor de Google Sheet": nothing sent
            return None
        return rows[0]["id"]

    low, high = 0, CELL_LIMIT  # the longest last name that fits, by halving
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) is not None else (low, middle - 1)
    assert 0 < low < CELL_LIMIT  # the row's end lies inside the last name
    longest = fits(low)
    assert longest is not None
    sheets_repo.commit([Insert("events", {"id": "e2", "ticket_id": "t1", "note": NOTE})])
    log = standin.values(sheets_repo.key, LOG)
    row = 1 + next(n for n, r in enumerate(log[1:], 1) if f'"{longest}"' in str(r))
    with caplog.at_level(logging.WARNING, logger="kivido.sheets"):
        sheets_repo.commit(
            [
                Redact("events", longest, {"note": privacy.MARKER}),
                Redact("events", "e2", {"note": privacy.MARKER}),
            ]
        )
    assert [r.getMessage() for r in caplog.records] == [
        f"Log row {row} is too long to rewrite; left as it is."
    ]
    assert not any(NOTE in cell for cell in log_cells(standin, sheets_repo))
    assert sheets_repo.get("events", "e2")["note"] == privacy.MARKER


def test_scrub_history_fails_when_google_refuses_the_lagging_rows(
    make_sheets_repo, standin, monkeypatch
):
    """scrub_history brings the worksheets up to date so redacted text leaves them: it
    cannot report success without those rows, and a later run writes them."""
    repo = make_sheets_repo()
    other_process(repo).commit([ticket("t1", description="eerste")])  # t1 lags
    refusing_rows(monkeypatch, repo)
    with pytest.raises(StoreUnavailable, match=r"Invalid requests\[0\]\.updateCells"):
        repo.scrub_history()
    monkeypatch.undo()
    assert "eerste" not in str(standin.values(repo.key, "tickets"))
    repo.scrub_history()
    assert "eerste" in str(standin.values(repo.key, "tickets"))


def test_compaction_summarises_only_the_rows_older_than_min_age(sheets_repo, standin, monkeypatch):
    """A commit may still be on its way from its read to its append for up to
    `min_age`: the rows younger than that stay in the log as they are. The log is
    summarised up to the row before the first young one, and a second run finds
    nothing new to summarise."""
    key = sheets_repo.key
    assert sheets_repo.compact_log(min_age=3600)[-1] == (
        "Het wijzigingenlog had geen nieuwe oude rijen om samen te vatten."
    )
    two_hours_ago = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7200))
    monkeypatch.setattr(sheets_repo, "_clock", lambda: two_hours_ago)
    sheets_repo.commit([ticket("t1")])  # the log's one old row
    monkeypatch.undo()
    sheets_repo.commit([ticket("t2")])
    sheets_repo.commit([ticket("t3")])
    young = next(n for n, row in enumerate(standin.values(key, LOG), 1) if '"t2"' in str(row))
    assert young == 3
    lines = sheets_repo.compact_log(min_age=3600)
    assert lines[-1] == (
        f"Wijzigingenlog samengevat tot en met rij {young - 1}; die rijen zijn leeg gemaakt."
    )
    log = standin.values(key, LOG)
    assert not any('"t1"' in str(row) for row in log)
    [basis] = [row for row in log if len(row) > 1 and row[1] == "basis"]
    assert json.loads("".join(basis[3:]))[0]["covers"] == young - 1  # the old row, no more
    assert time.strptime(basis[2], "%Y-%m-%dT%H:%M:%SZ")  # written when, like every row
    assert '"t2"' in str(log[young - 1]) and '"t3"' in str(log[young])
    assert sheets_repo.compact_log(min_age=3600)[-1] == (
        "Het wijzigingenlog had geen nieuwe oude rijen om samen te vatten."
    )
    fresh = other_process(sheets_repo)
    assert sorted(r["id"] for r in fresh.read(["tickets"])["tickets"]) == ["t1", "t2", "t3"]


def test_compaction_keeps_a_fix_typed_by_hand_in_a_row_that_lags(sheets_repo, standin):
    """The worksheet's row lags behind the log (a commit writes its log row; the rows
    follow later), and someone fixed another field of it by hand meanwhile: compaction
    brings the row up to date and keeps the fix (the app's change wins only in the
    fields it changed)."""
    [first] = sheets_repo.commit([ticket("t1", description="eerste", contact_info="06-1")])
    sheets_repo.compact_log(min_age=0)  # the worksheet holds t1 as the log has it
    sheets_repo.commit([Update("tickets", "t1", first["version"], {"description": "tweede"})])
    header, *rows = standin.values(sheets_repo.key, "tickets")
    number = 2 + next(i for i, row in enumerate(rows) if row[0] == "t1")
    assert "eerste" in rows[number - 2]  # it lags
    column = header.index("contact_info")
    sheets_repo._http.values_update(
        sheets_repo.key,
        f"'tickets'!{column_letter(column + 1)}{number}",
        params={"valueInputOption": "RAW"},
        body={"values": [["06-2 (met de hand)"]]},
    )
    sheets_repo.compact_log(min_age=0)
    header, *rows = standin.values(sheets_repo.key, "tickets")
    row = dict(zip(header, rows[number - 2], strict=False))
    assert row["description"] == "tweede"
    assert row["contact_info"] == "06-2 (met de hand)"
