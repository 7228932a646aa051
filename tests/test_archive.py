"""Issue 10 point 2: archiving old finished reports shrinks the live read and loses nothing.

On every driver (SQLite, the Sheet stand-in, PostgreSQL): a year of demo data,
then an archive run half a year after it ends (default period 12 months), so the
reports finished in the first half year are archived.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa

from lib import archive, demo, reports, workdays
from lib import reports_costs as costs
from lib import reports_open as opened
from lib.config import Config
from lib.procedure import Actor, Role
from lib.reports_settings import settings_from
from lib.repository import live
from lib.schema import SHARED_TABLES, TABLES
from lib.snapshot import Snapshot

END = datetime(2025, 6, 2, 12, 0, tzinfo=workdays.AMSTERDAM)
LATER = END + timedelta(days=183)  # cut = LATER - 12 months: about half a year of data
MAZ = Actor("Marije (MAZ)", Role.MAZ)
CONFIG = Config()


def _without_archive_marks(data: dict) -> dict:
    """The full read with what archiving writes (the flag, the version, the cut) taken out."""
    out = {}
    for name, rows in data.items():
        clean = []
        for row in rows:
            if name == "settings" and row["key"] == archive.CUT_KEY:
                continue
            row = {k: v for k, v in row.items() if k not in ("archived_at", "version")}
            clean.append(row)
        out[name] = sorted(clean, key=lambda r: r["id"])
    return out


def _figures(data: dict, start: date, end: date) -> dict:
    frames = reports.frames({t: data[t] for t in reports.TABLES})
    v = reports.view(
        frames,
        reports.Filters(start=start, end=end),
        settings_from(CONFIG),
        datetime.combine(end, datetime.min.time(), tzinfo=workdays.AMSTERDAM),
    )
    return {
        "reported": int(v.in_period(v.frames.tickets["created_at"]).sum()),
        "open": len(opened.open_reports(v)),
        "over_time": opened.open_over_time(v).to_dict("records"),
        "costs": costs.per_month(v).to_dict("records"),
    }


@pytest.fixture
def seeded(repo):
    demo.seed_demo(repo, tickets=40, end=END, config=CONFIG)
    return repo


def _run(repo, **kw):
    return archive.archive(repo, MAZ, CONFIG, clock=lambda: LATER, **kw)


def test_archiving_shrinks_the_live_read_and_loses_nothing(seeded):
    repo = seeded
    before = repo.read(TABLES)
    live_before = repo.read(SHARED_TABLES, live_only=True)
    assert live_before["tickets"] == before["tickets"]  # nothing archived yet: the same read
    dry = _run(repo, dry_run=True)
    assert dry.tickets, "a year of demo data has finished reports older than the period"
    assert repo.read(TABLES) == before  # a dry run writes nothing

    done = _run(repo)
    assert [t["id"] for t in done.tickets] == [t["id"] for t in dry.tickets]
    after = repo.read(TABLES)
    # Nothing lost: every row of every table is still there, unchanged but for the flag.
    assert {n: len(r) for n, r in after.items()} == {
        n: len(r) + (n == "settings") for n, r in before.items()
    }
    assert _without_archive_marks(after) == _without_archive_marks(before)
    gone = {t["id"] for t in done.tickets}
    assert {t["id"] for t in after["tickets"] if t["archived_at"]} == gone

    # The live read holds no archived report nor anything of it, and shrank.
    now_live = repo.read(SHARED_TABLES, live_only=True)
    assert {t["id"] for t in now_live["tickets"]} == {t["id"] for t in before["tickets"]} - gone
    for name in live.BY_TICKET:
        assert not [r for r in now_live[name] if r["ticket_id"] in gone], name
    assert len(now_live["events"]) < len(live_before["events"])
    assert len(now_live["orders"]) < len(live_before["orders"])
    # Every driver leaves out the same rows as the reference rule.
    assert now_live == live.live_rows(repo.read(live.helper_tables(SHARED_TABLES)), SHARED_TABLES)

    # Idempotent: a second run finds nothing and changes nothing.
    assert _run(repo).tickets == []
    assert repo.read(TABLES) == after


def test_figures_over_the_full_period_are_the_same_after_archiving(seeded):
    repo = seeded
    start, end = (END - timedelta(days=400)).date(), END.date()
    figures = _figures(repo.read(reports.TABLES), start, end)
    _run(repo)
    snap = Snapshot(repo.read(("settings",), live_only=True))
    cut = archive.archive_cut(snap)
    assert cut  # the cut is kept for Overzicht
    assert archive.reaches_archive(start, cut)  # so Overzicht reads the full store
    assert _figures(repo.read(reports.TABLES), start, end) == figures
    # A period after the cut needs only the live read: its figures are the same.
    recent = datetime.fromisoformat(cut).date() + timedelta(days=1)
    assert not archive.reaches_archive(recent, cut)
    full = _figures(repo.read(reports.TABLES), recent, end)
    assert _figures(repo.read(reports.TABLES, live_only=True), recent, end) == full


def test_an_archived_report_is_found_by_number_in_the_full_read(seeded):
    repo = seeded
    done = _run(repo)
    number = done.tickets[0]["number"]
    assert number not in {t["number"] for t in repo.read(["tickets"], live_only=True)["tickets"]}
    found = [t for t in repo.read(["tickets"])["tickets"] if t["number"] == number]
    assert len(found) == 1 and found[0]["archived_at"]
    snap = Snapshot(repo.read(SHARED_TABLES))
    assert snap.timeline(found[0]["id"]), "its history comes with it"


def test_work_still_to_do_keeps_a_report_live(repo):
    """An unpaid invoice or an open communication task keeps an old closed report live."""
    demo.seed_demo(repo, tickets=40, end=END, config=CONFIG)
    data = repo.read(archive.TABLES_READ)
    plan = archive.plan(Snapshot(data), now=LATER, months=12)
    chosen = {t["id"] for t in plan.tickets}
    orders = {o["id"]: o["ticket_id"] for o in data["orders"]}
    for invoice in data["invoices"]:
        if invoice["status"] not in ("betaald", "vervangen"):
            assert not {orders.get(o) for o in invoice["order_ids"].split(",")} & chosen
    for task in data["communication_tasks"]:
        if task["status"] != "afgerond":
            assert task["ticket_id"] not in chosen
    assert all(t["status"] in ("afgesloten", "verwijderd", "gekoppeld") for t in plan.tickets)


def test_only_the_maz_archives(sql_repo):
    from lib.procedure import IllegalTransition

    with pytest.raises(IllegalTransition):
        archive.archive(sql_repo, Actor("Fien", Role.FINANCE), CONFIG)


def test_the_period_comes_from_the_configuration():
    assert archive.archive_months(Config()) == 12
    assert archive.archive_months(Config(extra={"archive_months": "18"})) == 18
    with pytest.raises(ValueError):
        archive.archive_months(Config(extra={"archive_months": "0"}))


def test_an_existing_sqlite_store_gains_the_column(sql_repo):
    """A store made before issue 10: no archived_at, none of the live read's indexes."""
    with sql_repo.engine.begin() as conn:
        for index in ("ix_tickets_live", "ix_events_live", "ix_messages_live"):
            conn.exec_driver_sql(f'DROP INDEX "{index}"')
        conn.exec_driver_sql('ALTER TABLE "tickets" DROP COLUMN "archived_at"')
    lines = sql_repo.setup()
    assert "Tabel 'tickets' bestond al (kolommen toegevoegd: archived_at)." in lines
    indexes = {
        name: {i["name"] for i in sa.inspect(sql_repo.engine).get_indexes(name)}
        for name in ("tickets", "events", "messages")
    }
    assert "ix_tickets_live" in indexes["tickets"]
    assert "ix_events_live" in indexes["events"]
    assert "ix_messages_live" in indexes["messages"]
    demo.seed_demo(sql_repo, tickets=3, end=END, config=CONFIG)
    assert all(t["archived_at"] == "" for t in sql_repo.read(["tickets"])["tickets"])


def test_archive_cut_decides_whether_a_period_needs_the_full_read():
    assert not archive.reaches_archive(date(2020, 1, 1), "")
    assert archive.reaches_archive(date(2024, 12, 1), "2024-12-02T12:00:00+01:00")
    assert not archive.reaches_archive(date(2024, 12, 2), "2024-12-02T00:00:00+01:00")


def test_figures_frame_types_hold(seeded):  # the frames accept a live read with no rows left
    data = seeded.read(reports.TABLES, live_only=True)
    assert isinstance(reports.frames(data).tickets, pd.DataFrame)


def test_an_existing_sheet_gains_the_column(make_sheets_repo, standin):
    """A Sheet made before issue 10 (tickets without archived_at) is completed by setup."""
    from lib.repository.sheets import SheetsRepository
    from lib.repository.sheets_cells import column_letter

    repo = make_sheets_repo()
    demo.seed_demo(repo, tickets=3, end=END, config=CONFIG)
    repo.compact_log()  # the worksheets follow the log (lib/repository/sheets.py)
    width = len(TABLES["tickets"].columns) - 1
    old = [row[:width] for row in standin.values(repo.key, "tickets")]
    assert old[0][-1] == "is_demo"
    repo._http.values_clear(repo.key, f"'tickets'!A1:{column_letter(width + 1)}")
    repo._http.values_update(
        repo.key, "'tickets'!A1", params={"valueInputOption": "RAW"}, body={"values": old}
    )
    again = SheetsRepository(
        spreadsheet_key=repo.key, credentials=repo._http.auth, api_root=standin.url
    )
    assert "Werkblad 'tickets': kopregel aangevuld (archived_at)." in again.setup()
    assert standin.values(repo.key, "tickets")[0] == TABLES["tickets"].column_names
    tickets = again.read(["tickets"])["tickets"]
    assert len(tickets) == 3 and all(t["archived_at"] == "" for t in tickets)


def test_a_live_read_on_the_sheet_is_one_request_whatever_the_archive(sheets_repo, standin):
    demo.seed_demo(sheets_repo, tickets=40, end=END, config=CONFIG)
    standin.reset_counts()
    sheets_repo.read(SHARED_TABLES, live_only=True)
    assert (standin.count(), standin.count("values.batchGet")) == (1, 1)
    assert _run(sheets_repo).tickets
    standin.reset_counts()
    live_rows = sheets_repo.read(SHARED_TABLES, live_only=True)
    assert (standin.count(), standin.count("values.batchGet")) == (1, 1)
    assert not [t for t in live_rows["tickets"] if t["archived_at"]]


def test_migrate_and_export_carry_the_archive(sql_repo, sheets_repo, tmp_path):
    """Archived reports go along to the other store (still archived) and into the export."""
    from lib import transfer

    demo.seed_demo(sql_repo, tickets=40, end=END, config=CONFIG)
    gone = {t["id"] for t in _run(sql_repo).tickets}
    counts = transfer.migrate(sql_repo, sheets_repo)
    assert counts["tickets"] == 40
    copied = sheets_repo.read(["tickets"])["tickets"]
    assert {t["id"] for t in copied if t["archived_at"]} == gone
    assert _same_rows(sheets_repo, sql_repo)
    paths = transfer.export(sql_repo, tmp_path)
    tickets_csv = next(p for p in paths if p.name == "tickets.csv").read_text("utf-8-sig")
    numbers = {t["number"] for t in sql_repo.read(["tickets"])["tickets"] if t["id"] in gone}
    assert all(n in tickets_csv for n in numbers)


def _same_rows(a, b) -> bool:
    """The live reads of two stores hold the same rows (order may differ per driver)."""
    left, right = a.read(SHARED_TABLES, live_only=True), b.read(SHARED_TABLES, live_only=True)
    return all(
        sorted(left[n], key=lambda r: r["id"]) == sorted(right[n], key=lambda r: r["id"])
        for n in SHARED_TABLES
    )


def test_a_later_run_moves_the_cut_forward_in_its_one_setting(sql_repo):
    """Months later more reports are old enough: the run archives them and moves the kept cut
    forward in the same settings row (Overzicht must reach the archive for the new ones too)."""
    demo.seed_demo(sql_repo, tickets=40, end=END, config=CONFIG)
    first = _run(sql_repo)
    second = archive.archive(sql_repo, MAZ, CONFIG, clock=lambda: LATER + timedelta(days=90))
    assert first.tickets and second.tickets
    cuts = [s for s in sql_repo.read(["settings"])["settings"] if s["key"] == archive.CUT_KEY]
    assert len(cuts) == 1
    assert datetime.fromisoformat(cuts[0]["value"]) == second.cutoff > first.cutoff
    snap = Snapshot(sql_repo.read(("settings",)))
    assert archive.archive_cut(snap) == cuts[0]["value"]


def test_a_store_never_archived_has_no_cut_and_no_period_reaches_the_archive(sql_repo):
    demo.seed_demo(sql_repo, tickets=10, end=END, config=CONFIG)
    cut = archive.archive_cut(Snapshot(sql_repo.read(("settings",))))
    assert cut == ""
    assert not archive.reaches_archive(date(2000, 1, 1), cut)


def test_the_dry_run_lists_the_period_every_report_and_the_count(sql_repo):
    """What Beheer and `lib.cli archive --dry-run` show: the cut, each report's number, the count."""
    demo.seed_demo(sql_repo, tickets=40, end=END, config=CONFIG)
    plan = _run(sql_repo, dry_run=True)
    lines = plan.lines()
    cut = (LATER - timedelta(days=365)).strftime("%d-%m-%Y")  # 12 months before the run
    assert lines[0] == (f"Archiveren na 12 maanden: meldingen afgesloten of verwijderd voor {cut}.")
    assert lines[1:-1] == [t["number"] for t in plan.tickets] and len(lines) > 3
    assert lines[-1] == f"{len(plan.tickets)} melding(en)."


@pytest.mark.parametrize("table", ["invoices", "events", "communication_ticks"])
def test_a_live_read_of_one_table_leaves_out_the_same_rows(seeded, table):
    """A page asking for invoices, events or ticks alone gets the same live rows as when it
    asks for everything: the tables needed to tell (orders, tasks) are read along."""
    _run(seeded)
    alone = seeded.read([table], live_only=True)[table]
    assert alone == seeded.read(SHARED_TABLES, live_only=True)[table]
    assert len(alone) < len(seeded.read([table])[table]) or table == "communication_ticks"
