"""AVG (issue 13): the retention purge on both drivers, and the data request.

A year of demo data ends on 30-06-2026; the purge runs with the clock at
01-03-2028, so with 24 months' retention the reports closed or removed before
01-03-2026 lose their personal fields and the later ones keep them.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from google.auth.credentials import AnonymousCredentials

from lib import demo, privacy, privacy_access, reports, reports_export, transfer, workdays
from lib.config import Config
from lib.procedure import Actor, IllegalTransition, Role
from lib.reports_settings import Settings
from lib.repository import Insert, Update, sheets_log
from lib.repository.sheets import SheetsRepository, _Shared
from lib.repository.sheets_log import TITLE as LOG
from lib.repository.sheets_plan import overlay, plan
from lib.schema import TABLES
from lib.snapshot import Snapshot
from lib.validation import ValidationError

AMS = workdays.AMSTERDAM
END = datetime(2026, 6, 30, 12, 0, tzinfo=AMS)
PURGE_AT = datetime(2028, 3, 1, 10, 0, tzinfo=AMS)
CUTOFF = datetime(2026, 3, 1, 10, 0, tzinfo=AMS)
MAZ = Actor("Nathalie de Boer", Role.MAZ, email="nathalie@kivido.nl")
CONFIG = Config()


def at_purge() -> datetime:
    return PURGE_AT


@pytest.fixture
def seeded(repo):
    demo.seed_demo(repo, tickets=24, end=END)
    return repo


def figures(repo) -> dict[str, pd.DataFrame]:
    filters = reports.Filters(start=date(2025, 6, 1), end=date(2026, 7, 31))
    frames = reports.frames(repo.read(reports.TABLES))
    tables = reports_export.collect(reports.view(frames, filters, Settings(), PURGE_AT))
    # "tix" is a report's row position in the read, not a figure: PostgreSQL may
    # return a row changed by the purge at another position.
    return {name: frame.drop(columns="tix", errors="ignore") for name, frame in tables.items()}


def purged_ids(snap: Snapshot) -> set[str]:
    """Reports closed or removed before the cutoff, computed from the events, not the plan."""
    out = set()
    for t in snap.rows("tickets"):
        if t["status"] not in ("afgesloten", "verwijderd"):
            continue
        ends = [
            e["at"]
            for e in snap.rows("events")
            if e["ticket_id"] == t["id"] and e["to_status"] == t["status"]
        ]
        if datetime.fromisoformat(max(ends)) < CUTOFF:
            out.add(t["id"])
    return out


def personal_values(snap: Snapshot, table: str, ids: set[str]) -> list[str]:
    """Every personal field of the rows that belong to these reports, except the purge record."""
    tasks = {c["id"]: c["ticket_id"] for c in snap.rows("communication_tasks")}
    values = []
    for row in snap.rows(table):
        owner = tasks.get(row.get("task_id"), row.get("ticket_id", row["id"]))
        if table == "tickets":
            owner = row["id"]
        if owner in ids and row.get("entity") != privacy.PURGE_ENTITY:
            values += [row[f] for f in privacy.PERSONAL_FIELDS[table]]
    return values


def test_the_purge_blanks_old_reports_keeps_figures_and_is_idempotent(seeded):
    """Test that old reports lose every personal field in every table, figures stay, twice is once."""
    repo = seeded
    before = Snapshot(repo.read_all())
    old = purged_ids(before)
    kept = {t["id"] for t in before.rows("tickets")} - old
    assert len(old) >= 5 and kept  # the data set has both sides of the cutoff
    figures_before = figures(repo)

    dry = privacy.purge(repo, MAZ, CONFIG, dry_run=True, clock=at_purge)
    assert {i.ticket_id for i in dry.items} == old
    assert repo.read_all() == before.tables  # a dry run writes nothing

    privacy.purge(repo, MAZ, CONFIG, clock=at_purge)
    after = Snapshot(repo.read_all())
    for table in ("tickets", "events", "messages", "quotes", "communication_ticks"):
        values = personal_values(after, table, old)
        assert values and set(values) <= {privacy.MARKER, ""}, table
        untouched = personal_values(before, table, kept)
        assert personal_values(after, table, kept) == untouched, table
    assert any(v not in ("", privacy.MARKER) for v in personal_values(after, "tickets", kept))
    # What the figures need is still there, and the figures are equal.
    for t in after.rows("tickets"):
        was = before.ticket(t["id"])
        for f in ("created_at", "status", "location_id", "category", "urgency", "number"):
            assert t[f] == was[f]
    for name, frame in figures(repo).items():
        pd.testing.assert_frame_equal(frame, figures_before[name], obj=name)
    # One event per purged report, naming who ran it.
    records = [e for e in after.rows("events") if e["entity"] == privacy.PURGE_ENTITY]
    assert sorted(e["ticket_id"] for e in records) == sorted(old)
    assert {e["actor_name"] for e in records} == {MAZ.name}

    again = privacy.purge(repo, MAZ, CONFIG, clock=at_purge)
    assert again.items == [] and repo.read_all() == after.tables


def test_the_purge_reaches_the_export_and_the_sheet_cells(sheets_repo, standin, tmp_path):
    """Test that the purged text is in no cell of any worksheet, the change log
    `_wijzigingen` included, nor in an exported file; and that another process,
    folding the rewritten log from the top, shows the same rows and verdicts."""
    demo.seed_demo(sheets_repo, tickets=12, end=END)
    before = Snapshot(sheets_repo.read_all())
    old = purged_ids(before)

    # The free texts of the old reports (names and addresses recur in the people table).
    def texts(ids: set[str]) -> set[str]:
        return {
            row[f]
            for row in before.rows("tickets") + before.rows("messages")
            for f in ("description", "investigation_notes", "followup_notes", "body")
            if row.get("ticket_id", row["id"]) in ids and row.get(f)
        }

    gone = texts(old) - texts(_others(before, old))  # a standard mail text may recur
    assert len(gone) > 10
    log_before = standin.values(sheets_repo.key, LOG)
    assert gone & _log_texts(log_before)  # the log held them: the check below can fail
    privacy.purge(sheets_repo, MAZ, CONFIG, clock=at_purge)
    cells = {
        str(c)
        for table in (*TABLES, LOG)
        for row in standin.values(sheets_repo.key, table)
        for c in row
    }
    log_after = standin.values(sheets_repo.key, LOG)
    assert not gone & (cells | _log_texts(log_after))
    raw = "".join(str(c) for row in log_after for c in row)
    assert not [v for v in gone if json.dumps(v, ensure_ascii=False)[1:-1] in raw]
    # Rewritten in place: the same rows, the same changes in the same order.
    assert [r[:2] for r in log_after[: len(log_before)]] == [r[:2] for r in log_before]
    assert len(log_after) > len(log_before)  # the purge's own entries came after
    # A second process folds the rewritten log from the top: the same rows and verdicts.
    seen = sheets_repo.read_all()
    other = _other_process(sheets_repo)
    assert other.read_all() == seen
    fresh, mine = other._shared.fold, sheets_repo._shared.fold
    assert fresh.rows == mine.rows and fresh.highest == mine.highest and fresh.keys == mine.keys
    assert {c: (o.won, o.reason) for c, o in fresh.outcomes.items()} == {
        c: (o.won, o.reason) for c, o in mine.outcomes.items()
    }
    # Apart from the redaction, the rows are what they were before the purge.
    after = Snapshot(seen)
    for table in ("tickets", "events", "messages"):
        kept = [
            c
            for c in TABLES[table].column_names
            if c not in (*privacy.PERSONAL_FIELDS[table], "version")
        ]
        was = {r["id"]: [r[c] for c in kept] for r in before.rows(table)}
        assert {r["id"]: [r[c] for c in kept] for r in after.rows(table) if r["id"] in was} == was
    exported = "".join(p.read_text(encoding="utf-8-sig") for p in _csvs(sheets_repo, tmp_path))
    assert not [v for v in gone if v in exported]


def test_a_stale_edit_that_lost_to_the_purge_leaves_the_log_at_the_next_run(sheets_repo, standin):
    """Test that an edit planned on a read from before the purge is refused, and that
    the copy of the old text its log row holds is gone after the next purge run."""
    demo.seed_demo(sheets_repo, tickets=12, end=END)
    old = purged_ids(Snapshot(sheets_repo.read_all()))
    other = _other_process(sheets_repo)
    sheets, fold = other._fetch(["tickets"])  # the other process reads before the purge
    state = {"tickets": overlay("tickets", sheets["tickets"], fold)[0]}
    ticket = state["tickets"][min(old)]
    privacy.purge(sheets_repo, MAZ, CONFIG, clock=at_purge)

    stale = Update("tickets", ticket["id"], ticket["version"], {"location_id": "loc-x"})
    entry, _ = plan(state, [stale], "2028-03-01T10:00:00Z")
    outcome = other._decide(entry, sheets, {})  # the write path after its check against that read
    assert outcome.reason == "conflict"
    log = standin.values(sheets_repo.key, LOG)
    assert ticket["description"] in _log_texts(log)  # the losing row copied the old text
    privacy.purge(sheets_repo, MAZ, CONFIG, clock=at_purge)
    assert ticket["description"] not in _log_texts(standin.values(sheets_repo.key, LOG))
    fresh = _other_process(sheets_repo)
    assert fresh.read_all() == sheets_repo.read_all()
    assert fresh._shared.fold.outcomes[entry.change_id].reason == "conflict"
    assert fresh.get("tickets", ticket["id"])["description"] == privacy.MARKER


def test_a_concurrent_stale_rewrite_of_the_log_is_mended_by_reading_it_again(sheets_repo, standin):
    """Test that when another purge's rewrite of the same log rows (without our
    redactions) lands right after ours, the scrub reads the rows again and mends them."""
    demo.seed_demo(sheets_repo, tickets=12, end=END)
    old = purged_ids(Snapshot(sheets_repo.read_all()))
    texts = {t["description"] for t in Snapshot(sheets_repo.read_all()).rows("tickets")}
    texts -= {
        t["description"]
        for t in Snapshot(sheets_repo.read_all()).rows("tickets")
        if t["id"] not in old
    }
    log_before = standin.values(sheets_repo.key, LOG)
    privacy.purge(sheets_repo, MAZ, CONFIG, clock=at_purge)
    assert texts and not texts & _log_texts(standin.values(sheets_repo.key, LOG))

    http, real = sheets_repo._http, sheets_repo._http.values_batch_update
    stale = [
        {"range": f"'{LOG}'!A{n}:Z{n}", "values": [cells + [""] * (26 - len(cells))]}
        for n, cells in enumerate(log_before[1:], start=2)
    ]
    real(sheets_repo.key, {"valueInputOption": "RAW", "data": stale})  # the other's first write
    assert texts <= _log_texts(standin.values(sheets_repo.key, LOG))
    late = [stale]

    def batch_update(key, body):
        answer = real(key, body)
        if late and body["data"][0]["range"].startswith(f"'{LOG}'!"):
            real(key, {"valueInputOption": "RAW", "data": late.pop()})  # and its second
        return answer

    http.values_batch_update = batch_update
    sheets_repo.scrub_history()
    assert not late and not texts & _log_texts(standin.values(sheets_repo.key, LOG))


def test_a_redacted_event_whose_worksheet_write_was_lost_reads_as_the_log_says(
    sheets_repo, standin
):
    """Test that an append-only row the worksheet still shows unredacted (the write after
    the log entry lost) reads redacted in every process, and the next write mends it."""
    from lib.repository import Redact

    event = {"id": "e1", "ticket_id": "t1", "entity": "ticket", "note": "bel 06-12345678"}
    sheets_repo.commit([Insert("events", event)])
    http, real = sheets_repo._http, sheets_repo._http.values_batch_update
    http.values_batch_update = lambda key, body: {}  # the worksheet write never lands
    sheets_repo.commit([Redact("events", "e1", {"note": privacy.MARKER})])
    http.values_batch_update = real
    cells = {str(c) for row in standin.values(sheets_repo.key, "events") for c in row}
    assert "bel 06-12345678" in cells  # the worksheet lags
    for repo in (sheets_repo, _other_process(sheets_repo)):
        assert repo.get("events", "e1")["note"] == privacy.MARKER
    sheets_repo.commit([Insert("events", {**event, "id": "e2", "note": ""})])
    cells = {str(c) for row in standin.values(sheets_repo.key, "events") for c in row}
    assert "bel 06-12345678" not in cells


def _other_process(repo: SheetsRepository) -> SheetsRepository:
    """A repository on the same Sheet that shares nothing with `repo` (another process)."""
    other = SheetsRepository(
        spreadsheet_key=repo.key, credentials=AnonymousCredentials(), api_root=repo._http.api_root
    )
    other._shared = _Shared()
    return other


def _log_texts(rows: list[list]) -> set[str]:
    """Every text value of every row held in the change log's JSON."""
    out = set()
    for cells in rows[1:]:
        entry = sheets_log.parse([str(c) for c in cells])
        for change in entry.changes if entry else ():
            out |= {v for v in change["row"].values() if isinstance(v, str)}
    return out


def _others(snap: Snapshot, old: set[str]) -> set[str]:
    return {t["id"] for t in snap.rows("tickets")} - old


def _csvs(repo, tmp_path):
    return [p for p in transfer.export(repo, tmp_path / "export") if p.suffix == ".csv"]


def test_the_access_log_is_blanked_after_the_retention_period(repo):
    """Test that a view older than the period loses who looked; a newer one stays."""
    ticket = {"id": "t1", "reporter_email": "ruben@kivido.nl"}
    old_clock = lambda: datetime(2026, 2, 1, 9, 0, tzinfo=AMS)  # noqa: E731
    new_clock = lambda: datetime(2026, 4, 1, 9, 0, tzinfo=AMS)  # noqa: E731
    assert privacy_access.log_view(repo, MAZ, ticket, clock=old_clock)
    assert privacy_access.log_view(repo, MAZ, ticket, clock=new_clock)
    reporter = Actor("Ruben", Role.STAFF, email="ruben@kivido.nl")
    assert not privacy_access.log_view(repo, reporter, ticket, clock=new_clock)
    privacy.purge(repo, MAZ, CONFIG, clock=at_purge)
    rows = sorted(repo.read(["access_log"])["access_log"], key=lambda r: r["at"])
    assert [(r["actor_name"], r["ticket_id"]) for r in rows] == [
        (privacy.MARKER, "t1"),
        ("Nathalie de Boer", "t1"),
    ]


def test_the_retention_period_comes_from_the_settings(sql_repo):
    """Test that 30 months purges less than 24, and that 0 months is refused."""
    demo.seed_demo(sql_repo, tickets=12, end=END)
    default = privacy.purge(sql_repo, MAZ, CONFIG, dry_run=True, clock=at_purge)
    longer = Config(extra={"retention_months": "30"})
    fewer = privacy.purge(sql_repo, MAZ, longer, dry_run=True, clock=at_purge)
    assert default.months == 24 and fewer.months == 30
    assert len(fewer.items) < len(default.items)
    with pytest.raises(ValueError, match="minstens 1 maand"):
        privacy.purge(sql_repo, MAZ, Config(extra={"retention_months": "0"}), dry_run=True)


def test_only_the_maz_purges_or_answers_a_data_request(sql_repo):
    """Test that the directie is refused both, and nothing is logged."""
    boss = Actor("Stefanie", Role.DIRECTIE, email="stefanie@kivido.nl")
    with pytest.raises(IllegalTransition):
        privacy.purge(sql_repo, boss, CONFIG, dry_run=True)
    with pytest.raises(IllegalTransition):
        privacy_access.data_request(sql_repo, boss, "ruben@kivido.nl")
    assert sql_repo.read(["access_log"])["access_log"] == []


def test_months_ago_clamps_to_the_end_of_the_month():
    """Test that 24 months before 29-02-2028 is 28-02-2026 and before 31-05-2026 is 31-05-2024."""
    assert privacy.months_ago(datetime(2028, 2, 29, 8), 24) == datetime(2026, 2, 28, 8)
    assert privacy.months_ago(datetime(2026, 5, 31), 24) == datetime(2024, 5, 31)
    assert privacy.months_ago(datetime(2026, 1, 15), 1) == datetime(2025, 12, 15)


def test_months_ago_from_the_last_of_a_month_lands_on_the_last_of_every_month():
    """Test that from 31-12-2025 going back lands on each month's own last day (30 days
    hath September, April, June and November; February 28), never on a day it lacks."""
    ends = [(12, 31), (11, 30), (10, 31), (9, 30), (8, 31), (7, 31)]
    ends += [(6, 30), (5, 31), (4, 30), (3, 31), (2, 28), (1, 31)]
    got = [privacy.months_ago(datetime(2025, 12, 31, 9), n) for n in range(12)]
    assert got == [datetime(2025, month, day, 9) for month, day in ends]
    assert privacy.months_ago(datetime(2025, 12, 31, 9), 12).date() == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("year", "last_of_february"),
    [(2024, 29), (2026, 28), (2028, 29), (2000, 29), (2100, 28)],
)
def test_months_ago_knows_the_leap_years(year, last_of_february):
    """Test that a month before 31 March is 29 February in a leap year (every fourth year,
    but not a century unless it divides by 400: 2000 yes, 2100 no), else 28 February."""
    assert privacy.months_ago(datetime(year, 3, 31, 9), 1) == datetime(year, 2, last_of_february, 9)


# --- the data request ----------------------------------------------------------------

PERSON = "medewerker1@kivido.example"


def test_the_data_request_holds_every_row_with_the_address_and_nobody_elses(sql_repo):
    """Test that the file has the person's reports, mails and history, and no one else's."""
    demo.seed_demo(sql_repo, tickets=24, end=END)
    everything = sql_repo.read_all()
    request = privacy_access.data_request(sql_repo, MAZ, " Medewerker1@Kivido.example ")
    own = [t for t in everything["tickets"] if t["reporter_email"] == PERSON]
    assert own and {t["id"] for t in request.tables["tickets"]} == {t["id"] for t in own}
    with_address = [m for m in everything["messages"] if PERSON in m["to_address"]]
    assert with_address
    mail_ids = {m["id"] for m in request.tables["messages"]}
    assert {m["id"] for m in with_address} <= mail_ids
    own_ids = {t["id"] for t in own}
    for m in request.tables["messages"]:
        assert m["ticket_id"] in own_ids
    for e in request.tables["events"]:
        assert e["ticket_id"] in own_ids
    assert {e["id"] for e in everything["events"] if e["ticket_id"] in own_ids} == {
        e["id"] for e in request.tables["events"]
    }
    others = {t["reporter_email"] for t in everything["tickets"]} - {PERSON}
    text = repr(request.tables)
    assert others and not [o for o in others if o in text]
    # The request is logged, with who asked and for whom.
    log = sql_repo.read(["access_log"])["access_log"]
    assert [(r["kind"], r["actor_name"], r["subject_email"]) for r in log] == [
        ("inzageverzoek", MAZ.name, PERSON)
    ]


def test_the_data_request_file_has_dutch_sheets_and_the_rows(sql_repo):
    """Test that the xlsx has one sheet per table with Dutch headers and the counted rows."""
    demo.seed_demo(sql_repo, tickets=12, end=END)
    from lib import accounts

    accounts.create_first_maz(
        sql_repo, name="Medewerker 1 (demo)", email=PERSON, password="Zonnebloem-2026!"
    )
    request = privacy_access.data_request(sql_repo, MAZ, PERSON)
    book = openpyxl.load_workbook(io.BytesIO(request.xlsx()))
    assert book.sheetnames == ["Over dit bestand", *privacy_access.SHEETS.values()]
    for sheet, count in request.counts().items():
        assert book[sheet].max_row - 1 == count, sheet
    assert [c.value for c in book["Meldingen"][1]][:6] == [
        "ID",
        "Versie",
        "Meldingsnummer",
        "Gemeld op",
        "Gewijzigd op",
        "Status",
    ]
    assert request.counts()["Accounts"] == 1 and request.counts()["Personen"] == 1
    account = [c.value for c in book["Accounts"][2]]
    assert PERSON in account and not any(str(v).startswith("$argon2") for v in account)


def test_a_data_request_for_a_bad_address_is_refused_and_not_logged(sql_repo):
    """Test that 'geen adres' gives a Dutch message and writes nothing."""
    with pytest.raises(ValidationError) as err:
        privacy_access.data_request(sql_repo, MAZ, "geen adres")
    assert "geen geldig e-mailadres" in err.value.errors["email"]
    assert sql_repo.read(["access_log"])["access_log"] == []


def test_a_retention_period_under_one_month_is_refused_on_beheer():
    """Test that the setting refuses 0 months in Dutch and accepts 36."""
    from lib import app_settings

    with pytest.raises(ValueError, match="vul minstens 1 in"):
        app_settings.parse("retention_months", "0")
    assert app_settings.parse("retention_months", "36") == "36"


def test_redact_overwrites_an_append_only_row_and_bumps_a_version(repo):
    """Test that Redact changes only the named text fields, on events and on tickets."""
    from lib.repository import Conflict, Insert, NotFound, Redact

    event = {"id": "e1", "ticket_id": "t1", "entity": "ticket", "actor_name": "Ruben"}
    ticket = {"id": "t1", "number": "KIV-0001", "reporter_name": "Ruben", "status": "afgesloten"}
    repo.commit([Insert("events", event | {"note": "bel 06-12345678"}), Insert("tickets", ticket)])
    repo.commit(
        [Redact("events", "e1", {"note": "x"}), Redact("tickets", "t1", {"reporter_name": "x"})]
    )
    stored = repo.get("events", "e1")
    assert (stored["note"], stored["actor_name"], stored["ticket_id"]) == ("x", "Ruben", "t1")
    assert repo.get("tickets", "t1")["version"] == 2
    # With the version the purge read, a report edited meanwhile is not blanked.
    with pytest.raises(Conflict):
        repo.commit([Redact("tickets", "t1", {"reporter_name": "y"}, expected_version=1)])
    repo.commit([Redact("tickets", "t1", {"reporter_name": "y"}, expected_version=2)])
    assert repo.get("tickets", "t1")["reporter_name"] == "y"
    with pytest.raises(NotFound):
        repo.commit([Redact("events", "nope", {"note": "x"})])
    with pytest.raises(ValueError):
        repo.commit([Redact("tickets", "t1", {"version": 1})])


def test_demo_reset_takes_the_views_of_demo_reports_along(sql_repo):
    """Test that removing the demo data leaves no access-log line pointing at a demo report."""
    demo.seed_demo(sql_repo, tickets=3, end=END)
    ticket = sql_repo.read(["tickets"])["tickets"][0]
    privacy_access.log_view(sql_repo, MAZ, ticket)
    assert demo.remove_demo(sql_repo)["access_log"] == 1
    assert sql_repo.read(["access_log"])["access_log"] == []


def test_people_affected_by_an_old_outage_are_purged_and_in_their_data_request(seeded):
    """Issue 14's `affected` rows hold a name and an address: the purge and the request
    reach them like the report's own fields."""
    repo = seeded
    snap = Snapshot(repo.read_all())
    old_id, kept_id = (
        sorted(purged_ids(snap))[0],
        next(t["id"] for t in snap.rows("tickets") if t["id"] not in purged_ids(snap)),
    )
    rows = [
        {"id": f"aff-{i}", "ticket_id": tid, "name": "Joyce Bakker", "email": "joyce@kivido.nl"}
        for i, tid in enumerate((old_id, kept_id))
    ]
    repo.commit([Insert("affected", {**r, "active": True}) for r in rows])
    asked = privacy_access.data_request(repo, MAZ, "joyce@kivido.nl")
    assert {r["id"] for r in asked.tables["affected"]} == {"aff-0", "aff-1"}

    privacy.purge(repo, MAZ, CONFIG, clock=at_purge)
    after = {r["id"]: r for r in repo.read(["affected"])["affected"]}
    assert (after["aff-0"]["name"], after["aff-0"]["email"]) == (privacy.MARKER,) * 2
    assert (after["aff-1"]["name"], after["aff-1"]["email"]) == ("Joyce Bakker", "joyce@kivido.nl")
