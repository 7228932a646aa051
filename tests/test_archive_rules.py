"""Which reports an archive run takes, case by case, on hand-made rows (issue 10 point 2).

The rule, as lib/archive.py's docstring and issue 10 state it: a report closed or
removed longer ago than the period (`archive_months`, default 12) is archived,
unless something about it is still someone's work: an open communication task,
a mail not yet sent (queued, being sent or failed: what the Postvak lists as "Nog
te versturen"), or an invoice on one of its orders that is neither paid nor
replaced. All of it must lie before the cut (its last step, and the steps of
invoices on its orders). A report linked to an outage goes with its main report.
Only the MAZ archives; the newest cut is kept as the one setting `archive_cut`;
running it again finds nothing left to do; a dry run changes nothing.

The expected answers below are written from that rule, not from the code.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta

import pytest

from lib import archive, workdays
from lib.config import Config
from lib.procedure import Actor, IllegalTransition, Role
from lib.repository import Insert, Update
from lib.snapshot import Snapshot

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=workdays.AMSTERDAM)
CUT = datetime(2025, 6, 15, 12, 0, tzinfo=workdays.AMSTERDAM)  # 12 calendar months earlier
OLD = CUT - timedelta(days=60)
MAZ = Actor("Marije (MAZ)", Role.MAZ)
UNSENT = ["wachtrij", "bezig", "mislukt"]
UNSETTLED = ["ontvangen", "goedgekeurd", "afgekeurd", "nemesys_benaderd"]


def _at(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Store:
    """Rows of the tables an archive run reads, built report by report."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix  # a second Store for the same repository: other row ids
        self.tables: dict[str, list[dict]] = {name: [] for name in archive.TABLES_READ}

    def report(self, rid: str, status: str = "afgesloten", closed: datetime = OLD, **kw) -> str:
        created = kw.pop("created", closed - timedelta(days=5))
        number = f"MLD-{self.prefix}{len(self.tables['tickets']) + 1:04d}"
        self.tables["tickets"].append(
            {
                "id": rid,
                "number": number,
                "status": status,
                "archived_at": kw.pop("archived_at", ""),
                "created_at": _at(created),
                "updated_at": _at(closed),
            }
        )
        if not kw.pop("steps", True):  # a row with no events (typed in by hand)
            return rid
        self.event(rid, created, to_status="nieuw")
        if status in ("afgesloten", "verwijderd"):
            self.event(rid, closed, to_status=status)
        return rid

    def event(self, rid: str, at: datetime, *, to_status: str = "", **kw) -> None:
        self.tables["events"].append(
            {
                "id": f"{self.prefix}e{len(self.tables['events'])}",
                "ticket_id": rid,
                "entity": kw.get("entity", "ticket"),
                "entity_id": kw.get("entity_id", rid),
                "to_status": to_status,
                "at": _at(at),
            }
        )

    def order(self, rid: str) -> str:
        oid = f"o-{rid}-{len(self.tables['orders'])}"
        self.tables["orders"].append({"id": oid, "ticket_id": rid})
        return oid

    def invoice(self, status: str, *orders: str) -> str:
        iid = f"{self.prefix}i{len(self.tables['invoices'])}"
        self.tables["invoices"].append({"id": iid, "order_ids": ",".join(orders), "status": status})
        return iid

    def mail(self, rid: str, status: str) -> None:
        n = len(self.tables["messages"])
        self.tables["messages"].append(
            {"id": f"{self.prefix}m{n}", "ticket_id": rid, "status": status}
        )

    def task(self, rid: str, status: str) -> None:
        n = len(self.tables["communication_tasks"])
        self.tables["communication_tasks"].append(
            {"id": f"{self.prefix}c{n}", "ticket_id": rid, "status": status}
        )

    def link(self, rid: str, main: str, active: bool = True) -> None:
        n = len(self.tables["links"])
        self.tables["links"].append(
            {"id": f"{self.prefix}l{n}", "ticket_id": rid, "main_ticket_id": main, "active": active}
        )

    def chosen(self, *, now: datetime = NOW, months: int = 12) -> list[str]:
        plan = archive.plan(Snapshot(self.tables), now=now, months=months)
        return [t["id"] for t in plan.tickets]


def test_closed_and_removed_reports_past_the_period_are_archived_and_nothing_else():
    s = Store()
    s.report("closed")
    s.report("removed", "verwijderd")
    for status in ("nieuw", "in_onderzoek", "urgent", "opgelost", "bevestigd_nemesys"):
        s.report(f"open-{status}", status)
    s.report("recent", closed=NOW - timedelta(days=30))
    assert s.chosen() == ["closed", "removed"]


def test_the_period_is_counted_in_calendar_months_and_the_cut_itself_is_not_past_it():
    s = Store()
    s.report("second-before", closed=CUT - timedelta(seconds=1))
    s.report("at-cut", closed=CUT)
    s.report("second-after", closed=CUT + timedelta(seconds=1))
    assert s.chosen() == ["second-before"]
    plan = archive.plan(Snapshot(s.tables), now=NOW, months=12)
    assert plan.cutoff == CUT and plan.months == 12
    # Three months: closed 60 days before the 12-month cut is long past it; 18 months: not yet.
    assert s.chosen(months=3) == ["second-before", "at-cut", "second-after"]
    assert s.chosen(months=18) == []


def test_a_report_already_archived_is_not_archived_again():
    s = Store()
    s.report("done", archived_at=_at(NOW - timedelta(days=100)))
    s.report("todo")
    assert s.chosen() == ["todo"]


@pytest.mark.parametrize("status", UNSENT)
def test_a_mail_still_to_send_keeps_its_report_live(status):
    s = Store()
    s.mail(s.report("busy"), status)
    s.mail(s.report("sent"), "verzonden")
    assert s.chosen() == ["sent"]


def test_an_open_communication_task_keeps_its_report_live():
    s = Store()
    s.task(s.report("open-task"), "open")
    s.task(s.report("done-task"), "afgerond")
    assert s.chosen() == ["done-task"]


@pytest.mark.parametrize("status", UNSETTLED)
def test_an_unsettled_invoice_keeps_every_report_it_bills_live(status):
    s = Store()
    a, b = s.report("a"), s.report("b")
    s.invoice(status, s.order(a), s.order(b))  # one invoice billing two reports' orders
    s.report("c")
    assert s.chosen() == ["c"]


@pytest.mark.parametrize("status", ["betaald", "vervangen"])
def test_a_paid_or_replaced_invoice_lets_its_reports_go(status):
    s = Store()
    a, b = s.report("a"), s.report("b")
    s.invoice(status, s.order(a), s.order(b))
    assert s.chosen() == ["a", "b"]


def test_each_kind_of_work_keeps_its_own_report_live_together():
    """A task, a mail and an invoice still to do, each on another report: none of them goes."""
    s = Store()
    s.task(s.report("task"), "open")
    s.mail(s.report("mail"), "wachtrij")
    s.invoice("ontvangen", s.order(s.report("invoice")))
    s.invoice("betaald", s.order(s.report("free")))
    assert s.chosen() == ["free"]


def test_a_report_without_steps_is_judged_by_its_row():
    """No events (a row typed into the Sheet): its closing is the row's last change."""
    s = Store()
    s.report("old", steps=False)
    s.report("at-cut", closed=CUT, steps=False)
    s.report("after-cut", closed=CUT + timedelta(seconds=1), steps=False)
    s.report("open", "urgent", steps=False)
    assert s.chosen() == ["old"]


def test_a_step_after_the_cut_keeps_a_report_live():
    """All of a report must lie before the cut: a later note, or its invoice's later step."""
    s = Store()
    s.event(s.report("noted"), CUT + timedelta(days=1))
    s.event(s.report("noted-at-cut"), CUT)
    paid = s.invoice("betaald", s.order(s.report("billed")))
    s.event("", CUT + timedelta(days=2), entity="invoice", entity_id=paid)
    old_paid = s.invoice("betaald", s.order(s.report("billed-early")))
    s.event("", CUT - timedelta(days=1), entity="invoice", entity_id=old_paid)
    s.event(s.report("quiet"), CUT - timedelta(seconds=1))
    assert s.chosen() == ["billed-early", "quiet"]


def test_a_late_step_of_an_invoice_keeps_every_report_it_bills_live():
    s = Store()
    a, b = s.report("a"), s.report("b")
    paid = s.invoice("betaald", s.order(a), s.order(b))
    s.event("", CUT + timedelta(hours=1), entity="invoice", entity_id=paid)
    assert s.chosen() == []


def test_the_closing_step_counts_not_the_last_edit_of_the_row():
    """Closed long ago (its event), although the row was touched later: closed time decides.

    The later step itself (an event after the cut) would keep it live, so the touch here is
    the row's updated_at only, as a purge's redaction leaves it."""
    s = Store()
    s.report("closed")
    s.tables["tickets"][0]["updated_at"] = _at(NOW - timedelta(days=1))
    assert s.chosen() == ["closed"]


def test_a_reopened_and_closed_again_report_counts_from_its_last_closing():
    s = Store()
    s.report("twice")
    s.event("twice", CUT + timedelta(days=3), to_status="afgesloten")
    assert s.chosen() == []


def test_a_linked_report_goes_with_its_main_report():
    s = Store()
    main = s.report("main")
    s.link(s.report("dup", "gekoppeld"), main)
    s.link(s.report("dup-inactive", "gekoppeld"), main, active=False)
    live_main = s.report("live-main", "urgent")
    s.link(s.report("dup-of-live", "gekoppeld"), live_main)
    gone = s.report("gone", archived_at=_at(NOW - timedelta(days=200)))
    s.link(s.report("dup-of-archived", "gekoppeld"), gone)
    s.report("dup-unknown-main", "gekoppeld")
    assert s.chosen() == ["main", "dup", "dup-of-archived"]


def test_a_linked_report_already_archived_is_not_taken_again():
    s = Store()
    main = s.report("main")
    s.link(s.report("dup", "gekoppeld", archived_at=_at(OLD)), main)
    assert s.chosen() == ["main"]


def test_the_plan_lists_reports_oldest_first_and_says_what_it_does():
    s = Store()
    s.report("late", created=OLD - timedelta(days=1))
    s.report("early", created=OLD - timedelta(days=9))
    plan = archive.plan(Snapshot(s.tables), now=NOW, months=12)
    assert [t["id"] for t in plan.tickets] == ["early", "late"]
    assert plan.lines() == [
        "Archiveren na 12 maanden: meldingen afgesloten of verwijderd voor 15-06-2025.",
        "MLD-0002",
        "MLD-0001",
        "2 melding(en).",
    ]
    plan.moved = 7
    assert plan.lines()[-1] == "7 rij(en) naar de archiefwerkbladen van de Google Sheet verplaatst."


@pytest.mark.parametrize(
    ("raw", "months"), [("", 12), ("  ", 12), ("18", 18), ("6.0", 6), (" 1 ", 1), (24, 24)]
)
def test_the_period_in_months_comes_from_the_configuration(raw, months):
    assert archive.archive_months(Config(extra={"archive_months": raw})) == months


@pytest.mark.parametrize("raw", ["0", "-3"])
def test_a_period_under_one_month_is_refused_in_dutch(raw):
    with pytest.raises(ValueError, match="archive_months moet minstens 1 maand zijn."):
        archive.archive_months(Config(extra={"archive_months": raw}))


# The whole run, on SQLite.


def _fill(repo, store: Store) -> None:
    repo.commit([Insert(n, r) for n, rows in store.tables.items() for r in rows])


def _archived(repo) -> list[str]:
    return sorted(t["id"] for t in repo.read(["tickets"])["tickets"] if t["archived_at"])


def _cuts(repo) -> list[str]:
    return [s["value"] for s in repo.read(["settings"])["settings"] if s["key"] == "archive_cut"]


def test_only_the_maz_archives(sql_repo):
    s = Store()
    s.report("a")
    _fill(sql_repo, s)
    for role in (Role.FINANCE, Role.DIRECTIE):
        with pytest.raises(IllegalTransition, match="Archiveren mag alleen de"):
            archive.archive(sql_repo, Actor("Iemand", role), Config(), clock=lambda: NOW)
    assert _archived(sql_repo) == [] and _cuts(sql_repo) == []


def test_a_dry_run_lists_but_changes_nothing(sql_repo):
    s = Store()
    s.report("a")
    _fill(sql_repo, s)
    before = sql_repo.read(archive.TABLES_READ)
    plan = archive.archive(sql_repo, MAZ, Config(), dry_run=True, clock=lambda: NOW)
    assert [t["id"] for t in plan.tickets] == ["a"]
    assert sql_repo.read(archive.TABLES_READ) == before


def test_a_run_marks_the_reports_keeps_the_cut_and_a_second_run_finds_nothing(sql_repo):
    s = Store()
    s.report("a")
    s.report("b", "verwijderd")
    s.report("open", "urgent")
    _fill(sql_repo, s)
    plan = archive.archive(sql_repo, MAZ, Config(), clock=lambda: NOW)
    assert [t["id"] for t in plan.tickets] == ["a", "b"]
    assert _archived(sql_repo) == ["a", "b"]
    marks = {t["archived_at"] for t in sql_repo.read(["tickets"])["tickets"] if t["archived_at"]}
    assert marks == {_at(NOW)}  # when it was archived, Amsterdam time
    assert _cuts(sql_repo) == [_at(CUT)]
    again = archive.archive(sql_repo, MAZ, Config(), clock=lambda: NOW + timedelta(hours=1))
    assert again.tickets == [] and _archived(sql_repo) == ["a", "b"]
    assert _cuts(sql_repo) == [_at(CUT)]  # nothing archived: the cut stays where it was


def test_a_run_with_nothing_to_archive_sets_no_cut(sql_repo):
    s = Store()
    s.report("recent", closed=NOW - timedelta(days=3))
    _fill(sql_repo, s)
    assert archive.archive(sql_repo, MAZ, Config(), clock=lambda: NOW).tickets == []
    assert _cuts(sql_repo) == []


def test_the_kept_cut_only_moves_forward(sql_repo):
    """A later run with a longer period archives an older report: the newer cut stays."""
    s = Store()
    s.report("a")
    s.mail(s.report("b", closed=OLD - timedelta(days=400)), "mislukt")
    _fill(sql_repo, s)
    archive.archive(sql_repo, MAZ, Config(), clock=lambda: NOW)
    assert _archived(sql_repo) == ["a"] and _cuts(sql_repo) == [_at(CUT)]
    mail = sql_repo.read(["messages"])["messages"][0]
    sql_repo.commit([Update("messages", mail["id"], mail["version"], {"status": "verzonden"})])
    longer = Config(extra={"archive_months": "24"})
    assert [t["id"] for t in archive.archive(sql_repo, MAZ, longer, clock=lambda: NOW).tickets] == [
        "b"
    ]
    assert _cuts(sql_repo) == [_at(CUT)]
    later = NOW + timedelta(days=40)
    s2 = Store("2")
    s2.report("c", closed=CUT + timedelta(days=1))
    _fill(sql_repo, s2)
    archive.archive(sql_repo, MAZ, Config(), clock=lambda: later)
    assert _archived(sql_repo) == ["a", "b", "c"]
    assert _cuts(sql_repo) == [_at(datetime(2025, 7, 25, 12, 0, tzinfo=workdays.AMSTERDAM))]


def test_a_second_run_with_the_same_cut_does_not_write_it_again(sql_repo):
    s = Store()
    s.report("a")
    s.mail(s.report("b"), "mislukt")
    _fill(sql_repo, s)
    archive.archive(sql_repo, MAZ, Config(), clock=lambda: NOW)
    (cut,) = (r for r in sql_repo.read(["settings"])["settings"] if r["key"] == "archive_cut")
    mail = sql_repo.read(["messages"])["messages"][0]
    sql_repo.commit([Update("messages", mail["id"], mail["version"], {"status": "verzonden"})])
    archive.archive(sql_repo, MAZ, Config(), clock=lambda: NOW)
    assert _archived(sql_repo) == ["a", "b"]
    assert [r for r in sql_repo.read(["settings"])["settings"] if r["key"] == "archive_cut"] == [
        cut
    ]  # the same cut: the row is left as it was (no new version)


def test_the_sheet_moves_what_it_archived_out_of_its_live_worksheets(sheets_repo, sql_repo):
    """The Sheet keeps archived rows in archive worksheets; SQL has nothing to move."""
    for repo in (sheets_repo, sql_repo):
        s = Store()
        s.mail(s.report("a"), "verzonden")
        s.report("open", "urgent")
        _fill(repo, s)
        plan = archive.archive(repo, MAZ, Config(), clock=lambda: NOW)
        assert [t["id"] for t in plan.tickets] == ["a"]
        assert [t["id"] for t in repo.read(["tickets"], live_only=True)["tickets"]] == ["open"]
        if repo is sheets_repo:
            assert plan.moved >= 4  # at least the report, its two steps and its mail
            assert plan.lines()[-1].endswith(
                "naar de archiefwerkbladen van de Google Sheet verplaatst."
            )
        else:
            assert plan.moved == 0 and plan.lines()[-1] == "1 melding(en)."


def test_overzicht_reads_the_archive_for_a_period_holding_an_archived_step(sql_repo):
    """Issue 10: Overzicht over any period still counts archived reports. A report closed on
    the morning of the cut's day is archived (all of it lies before the cut, a time of day),
    so a period starting that day must read the archive; one starting the next day need not."""
    s = Store()
    s.report("morning", closed=CUT - timedelta(hours=3))
    _fill(sql_repo, s)
    archive.archive(sql_repo, MAZ, Config(), clock=lambda: NOW)
    assert _archived(sql_repo) == ["morning"]
    cut = archive.archive_cut(Snapshot(sql_repo.read(["settings"])))
    assert cut == _at(CUT)
    assert archive.reaches_archive(CUT.date() - timedelta(days=30), cut)
    assert archive.reaches_archive(CUT.date(), cut)  # the day it was closed
    assert not archive.reaches_archive(CUT.date() + timedelta(days=1), cut)
    # A cut at midnight: everything archived was finished before the period's first day.
    assert not archive.reaches_archive(date(2025, 12, 2), "2025-12-02T00:00:00+01:00")
    assert archive.reaches_archive(date(2025, 12, 1), "2025-12-02T00:00:00+01:00")
    assert archive.archive_cut(Snapshot({"settings": []})) == ""
    assert not archive.reaches_archive(date(2000, 1, 1), "")


class _Commits:
    """The repository, noting the size of every commit."""

    def __init__(self, repo):
        self.repo, self.sizes = repo, []

    def commit(self, changes):
        self.sizes.append(len(changes))
        return self.repo.commit(changes)

    def __getattr__(self, name):
        return getattr(self.repo, name)


def test_many_reports_are_archived_in_small_commits_and_all_of_them(sql_repo):
    s = Store()
    for n in range(120):
        s.report(f"r{n:03d}")
    _fill(sql_repo, s)
    counting = _Commits(sql_repo)
    plan = archive.archive(counting, MAZ, Config(), clock=lambda: NOW)
    assert len(plan.tickets) == 120 and len(_archived(sql_repo)) == 120
    assert counting.sizes[0] == 1  # the cut first
    assert counting.sizes[1:] == [50, 50, 20]


def test_the_command_line_prints_what_went_and_fails_on_a_bad_period(sql_repo, capsys):
    s = Store()
    s.report("a")
    _fill(sql_repo, s)
    assert archive.archive_command(Config(), sql_repo, dry_run=True) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "Proefdraai: er is niets veranderd." and "MLD-0001" in out
    assert _archived(sql_repo) == []
    assert archive.archive_command(Config(), sql_repo, dry_run=False) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Gearchiveerd."
    assert _archived(sql_repo) == ["a"]
    bad = Config(extra={"archive_months": "0"})
    assert archive.archive_command(bad, sql_repo, dry_run=False) == 1
    err = capsys.readouterr().err
    assert err.startswith("Niet (helemaal) gearchiveerd: archive_months moet minstens 1")


def test_the_command_line_option_is_described():
    """`lib.cli archive --help` says what --dry-run does (every option of the CLI has a help)."""
    parser = argparse.ArgumentParser()
    archive.add_arguments(parser)
    (dry_run,) = (a for a in parser._actions if "--dry-run" in a.option_strings)
    assert dry_run.help and dry_run.default is False
    assert parser.parse_args(["--dry-run"]).dry_run is True
