"""The cases issue 11 found missing: each fails on the one-line bug named in its docstring.

Expectations come from the procedure (../shared/procedure/) and the oracle
(tests/procedure_oracle.py), never from lib/. The pages' side of "removed and
closed are not open" is in tests/test_app_open_counts.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from lib import billing, demo, procedure, reports, services, transfer
from lib import reports_open as opened
from lib.procedure import IllegalTransition
from lib.reports_settings import Settings
from lib.repository import Insert
from lib.repository.base import next_number
from tests import procedure_oracle as oracle
from tests.flows import DIRECTIE, FINANCE, MAZ, Office


def _footprint(o: Office) -> dict:
    return {
        t: sorted((r["id"], r.get("version")) for r in rows) for t, rows in o.snap().tables.items()
    }


# --- the procedure's refusals, through the services --------------------------------


def test_an_order_is_closed_only_once_resolved(repo):
    """Bug: `close` also allowed from "confirmed". 2.1 step 8: resolved, then closed."""
    o = Office(repo)
    t = o.triage(o.submit(), urgent=True)
    services.confirm_order(o.desk(), t, o.order(t["id"]), reference="NEM-1")
    before = _footprint(o)
    with pytest.raises(IllegalTransition, match="kan niet vanuit status 'Bevestigd door Nemesys'"):
        services.close(o.desk(), o.ticket(t["id"]))
    assert _footprint(o) == before
    services.resolve(o.desk(), o.ticket(t["id"]))
    services.close(o.desk(), o.ticket(t["id"]))
    assert o.ticket(t["id"])["status"] == "afgesloten"


def test_only_finance_pays_an_approved_invoice(repo):
    """Bug: `pay` also allowed to the MAZ. 2.1 step 9: the MAZ checks, finance pays."""
    o = Office(repo)
    t = o.triage(o.submit(), urgent=True)
    invoice = o.invoice(t["id"])
    billing.check_invoice(o.desk(MAZ), invoice, approve=True)
    approved = o.repo.get("invoices", invoice["id"])
    before = _footprint(o)
    with pytest.raises(IllegalTransition, match="'Factuur betaald' mag niet door de rol Manager"):
        billing.pay_invoice(o.desk(MAZ), approved, "05-12-2026")
    assert _footprint(o) == before
    assert oracle.who_may("invoice", "pay") == {oracle.FINANCE}
    billing.pay_invoice(o.desk(FINANCE), approved, "05-12-2026")
    assert o.repo.get("invoices", invoice["id"])["status"] == "betaald"


def test_a_new_report_cannot_be_followed_up_before_it_is_assessed(repo):
    """Bug: `follow_up_solved` also allowed from "new". 2.2 step 4 follows the 24-hour wait."""
    o = Office(repo)
    t = o.submit()
    before = _footprint(o)
    for solved in (True, False):
        with pytest.raises(IllegalTransition, match="kan niet vanuit status 'Nieuw'"):
            services.follow_up(o.desk(), o.snap(), o.ticket(t["id"]), solved=solved, notes="Gebeld")
    assert _footprint(o) == before
    assert o.ticket(t["id"])["status"] == "nieuw"


# --- report numbers after a gap -----------------------------------------------------


def test_the_next_number_is_one_above_the_highest_not_the_count():
    """Bug: `next_number` counting rows. With a gap the count would hand out a used number."""
    assert next_number(["KIV-2026-0001", "KIV-2026-0007"], "KIV-2026-") == "KIV-2026-0008"
    assert next_number(["KIV-2026-0003", "KIV-2025-0009"], "KIV-2026-") == "KIV-2026-0004"
    assert next_number([], "KIV-2026-") == "KIV-2026-0001"


def test_a_report_after_a_gap_in_the_numbers_gets_a_fresh_number(sql_repo):
    """Bug: `next_number` counting rows. A gap is made the public way: demo reports removed."""
    o = Office(sql_repo)
    first = o.submit()
    demo.seed_demo(sql_repo, tickets=3, end=o.at - timedelta(hours=1))
    last = o.submit()
    demo.remove_demo(sql_repo)  # the demo numbers between `first` and `last` are gone
    demo.seed_reference_data(sql_repo)  # the locations went with the demo set
    new = o.submit()
    kept = [first["number"], last["number"]]
    assert sorted(t["number"] for t in o.snap().rows("tickets")) == [*kept, new["number"]]
    assert new["number"] > last["number"] > first["number"]


def test_numbers_of_removed_demo_reports_are_never_handed_out_again(sql_repo):
    """A number once given (also to a demo report that was later removed) is never given again."""
    o = Office(sql_repo)
    o.submit()
    demo.seed_demo(sql_repo, tickets=3, end=o.at - timedelta(hours=1))
    demo_numbers = {t["number"] for t in o.snap().rows("tickets") if t["is_demo"]}
    demo.remove_demo(sql_repo)
    demo.seed_reference_data(sql_repo)
    assert o.submit()["number"] not in demo_numbers


# --- one reporter mail per change the reporter sees (2.1 step 5) --------------------


def _reporter_mails(o: Office, t: dict) -> list[dict]:
    return [
        m
        for m in o.snap().rows("messages")
        if m["ticket_id"] == t["id"] and m["to_address"] == t["reporter_email"]
    ]


def _step(o: Office, t: dict, op: str) -> None:
    desk, snap, fresh = o.desk(), o.snap(), o.ticket(t["id"])
    match op:
        case "triage_urgent" | "triage_not_urgent":
            services.triage(desk, snap, fresh, urgent=op == "triage_urgent", reason="R")
        case "reclassify_urgent":
            services.reclassify(desk, snap, fresh, urgent=True, reason="Toch dringend")
        case "investigate":
            services.investigate(desk, fresh, "Zelf kijken")
        case "follow_up_solved" | "follow_up_not_solved":
            services.follow_up(desk, snap, fresh, solved=op == "follow_up_solved", notes="Gebeld")
        case "confirm":
            services.confirm_order(desk, fresh, o.order(t["id"]), reference="NEM-1")
        case "quote":
            form = {"amount": "100,00", "reference": "OFF-1"}
            billing.register_quote(desk, fresh, o.order(t["id"]), form)
        case "decide":
            quote = o.snap().quotes_for(t["id"])[-1]
            billing.decide_quote(o.desk(DIRECTIE), fresh, quote, approve=True, note="Akkoord")
        case "resolve":
            services.resolve(desk, fresh)
        case "close":
            services.close(desk, fresh)
        case "reopen":
            services.reopen(desk, fresh, "Toch weer stuk")


PATHS = {
    "urgent": ["triage_urgent", "confirm", "quote", "decide", "resolve", "close"],
    "investigated": ["investigate", "triage_urgent", "confirm", "resolve"],
    "not-urgent-solved": ["triage_not_urgent", "follow_up_solved"],
    "not-urgent-not-solved": ["triage_not_urgent", "follow_up_not_solved", "confirm"],
    "reclassified": ["triage_not_urgent", "reclassify_urgent", "confirm"],
    "reopened": ["triage_urgent", "confirm", "resolve", "reopen", "confirm", "resolve", "close"],
    "reopened-when-closed": ["triage_urgent", "confirm", "resolve", "close", "reopen"],
}


@pytest.mark.parametrize("path", PATHS)
def test_one_reporter_mail_per_change_the_reporter_sees(repo, path):
    """Bugs: no reporter mail on follow-up solved, not-urgent triage, reclassification, reopen.

    After each step the reporter has exactly one new mail if the step took a
    reporter-facing action (the oracle's list), else none.
    """
    o = Office(repo)
    t = o.submit()
    assert len(_reporter_mails(o, t)) == 1  # the receipt
    for op in PATHS[path]:
        o.later(minutes=5)
        before = len(_reporter_mails(o, t))
        _step(o, t, op)
        taken = {
            e["action"]
            for e in o.snap().timeline(t["id"])
            if e["entity"] == "ticket" and e["at"] == o.ticket(t["id"])["updated_at"]
        }
        expected = 1 if taken & oracle.REPORTER_MAIL_ACTIONS else 0
        assert len(_reporter_mails(o, t)) - before == expected, (op, taken)


# --- removed and closed reports are never open -----------------------------------------


def _one_of_each_end(o: Office) -> dict:
    """An open report, a closed one and a removed one (2.2 step 4)."""
    open_one = o.submit(description="Nog open")
    closed = o.submit(description="Afgesloten")
    o.urgent_until_closed(closed)
    removed = o.follow_up(o.waiting(description="Verwijderd"), solved=True)
    assert removed["status"] == "verwijderd"
    return {"open": open_one, "closed": o.ticket(closed["id"]), "removed": removed}


def test_removed_and_closed_reports_are_not_open_in_the_store_or_the_overview(sql_repo):
    """Bug: removed reports counted as open (snapshot and lib.reports_open)."""
    o = Office(sql_repo)
    made = _one_of_each_end(o)
    assert [t["id"] for t in o.snap().open_tickets()] == [made["open"]["id"]]
    assert {str(s) for s in procedure.OPEN_TICKET_STATES} == oracle.OPEN_TICKET_STATES
    now = o.at + timedelta(hours=1)
    today = now.date()
    chosen = reports.Filters(start=today - timedelta(days=364), end=today)
    v = reports.view(reports.frames(sql_repo.read(reports.TABLES)), chosen, Settings(), now)
    assert len(opened.open_reports(v)) == 1


# --- the Sheet: a hand-made copy of a row -------------------------------------------------


def test_a_hand_made_copy_of_a_row_is_neither_shown_nor_changed(sheets_repo, standin):
    """Bug: the Sheet driver's duplicate-id guard removed. The first row with an id is ours."""
    o = Office(sheets_repo)
    t = o.submit(description="Origineel")
    sheets_repo.compact_log()  # the worksheet follows the log
    header, *rows = standin.values(sheets_repo.key, "tickets")
    original = next(r for r in rows if r[0] == t["id"])
    copy = [
        ("Kopie met de hand" if h == "description" else v)
        # Google leaves trailing empty cells out of a row: pad it to the header
        for h, v in zip(header, original + [""] * (len(header) - len(original)), strict=True)
    ]
    url = f"{standin.url}/v4/spreadsheets/{sheets_repo.key}/values/'tickets'!A1:append"
    answer = requests.post(url, params={"valueInputOption": "RAW"}, json={"values": [copy]})
    answer.raise_for_status()
    shown = [r for r in o.snap().rows("tickets") if r["id"] == t["id"]]
    assert [r["description"] for r in shown] == ["Origineel"]
    o.triage(t, urgent=False)
    sheets_repo.compact_log()
    raw = [r for r in standin.values(sheets_repo.key, "tickets")[1:] if r[0] == t["id"]]
    status = header.index("status")
    assert [(r[status], r[header.index("description")]) for r in raw] == [
        ("wacht_op_controle", "Origineel"),
        ("nieuw", "Kopie met de hand"),
    ]


# --- migration verifies what it copied -------------------------------------------------------


def test_a_migration_onto_a_row_with_another_version_fails(make_sql_repo):
    """Bug: migration's verification disabled. The target holds the row at another version."""
    source, target = make_sql_repo(), make_sql_repo()
    o = Office(source)
    t = o.submit()
    services.investigate(o.desk(), o.ticket(t["id"]), "Kijken")  # version 2 in the source
    target.setup()
    target.commit([Insert("tickets", {**t, "version": 5})])
    with pytest.raises(RuntimeError, match="tickets: 0 ontbreken, 1 met andere versie"):
        transfer.migrate(source, target)
