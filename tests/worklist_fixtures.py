"""One store with exactly one item of each kind the Start page lists (issue 12).

The office's clock walks from Friday 20-11-2026 to Tuesday 24-11-2026; the lists
are read at NOW (Tuesday 13:00). Which item belongs on which list follows the
procedure, written here by hand, not computed by the code under test:
a not-urgent check due on Monday is overdue, one due Tuesday 09:00 is today's,
one due Wednesday is not yet anyone's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lib import billing
from lib.workdays import AMSTERDAM
from tests.flows import Office

NOW = datetime(2026, 11, 24, 13, 0, tzinfo=AMSTERDAM)  # Tuesday
OTHER = {"reporter_name": "Anna Visser", "reporter_email": "anna@kivido.example"}
STAFF_EMAIL = "ruben@kivido.example"
UNIT_MANAGER_EMAIL = "sanne@kivido.example"  # unit manager of De Zonnebloem (demo data)


@dataclass
class OneOfEach:
    overdue_check: str
    today_check: str
    upcoming_check: str
    new_report: str
    unconfirmed_order: str
    quote_waiting: str
    invoice_to_check: str
    invoice_to_pay: str
    communication_task: str  # a phone outage at De Zonnebloem
    other_location_task: str  # a mail outage at De Regenboog: not Sanne's


def at(office: Office, *args) -> None:
    office.at = datetime(*args, tzinfo=AMSTERDAM)


def build(office: Office) -> OneOfEach:
    at(office, 2026, 11, 20, 10, 0)  # Friday: check due Monday 09:00
    overdue = office.waiting(**OTHER)
    at(office, 2026, 11, 23, 10, 0)  # Monday: check due Tuesday 09:00
    today = office.waiting(**OTHER)
    unconfirmed = office.triage(
        office.submit(category="server", **OTHER), urgent=True, reason="Server ligt eruit"
    )
    quoted = office.triage(office.submit(category="server", **OTHER), urgent=True, reason="Stil")
    office.later(minutes=20)
    office.quote_waiting(quoted, reference="OFF-9", order="NEM-9")
    phone = office.submit(category="telefonie", **OTHER)  # step 6 task for De Zonnebloem
    office.urgent_until_closed(phone)
    mail = office.submit(category="mail", location_id="demo-regenboog", **OTHER)
    office.urgent_until_closed(mail)
    office.invoice(phone["id"], number="F-CHECK")  # waits for the MAZ's check
    to_pay = office.invoice(mail["id"], number="F-PAY")
    billing.check_invoice(office.desk(), to_pay, approve=True)
    at(office, 2026, 11, 24, 11, 0)  # Tuesday: check due Wednesday
    upcoming = office.waiting(**OTHER)
    at(office, 2026, 11, 24, 12, 0)
    new = office.submit(category="printen", blocks_office_work=False)  # Ruben's own
    return OneOfEach(
        overdue_check=overdue["number"],
        today_check=today["number"],
        upcoming_check=upcoming["number"],
        new_report=new["number"],
        unconfirmed_order=unconfirmed["number"],
        quote_waiting=quoted["number"],
        invoice_to_check=phone["number"],
        invoice_to_pay=mail["number"],
        communication_task=phone["number"],
        other_location_task=mail["number"],
    )
