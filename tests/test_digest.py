"""The MAZ's daily list (issue 8, point 7), mailed to a real SMTP server on loopback.

What belongs in the list comes from the issue: the checks due today (and those
already overdue), orders Nemesys has not confirmed past the limit, quotes
waiting on the directie, invoices waiting for the MAZ's check. Nothing due: no
mail; twice on one day, or two runs at once: one mail; the store is only read.
"""

from __future__ import annotations

import email
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

import pytest

from lib import app_settings, billing, config, digest, services
from lib.config import ROOT
from lib.repository import Update
from lib.repository.sql import SqlRepository
from lib.workdays import AMSTERDAM
from tests.flows import MAZ, Office
from tests.sheets_standin import KINDS
from tests.smtp_server import SENDER, SmtpServer, free_port

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
WEDNESDAY = datetime(2026, 11, 25, 7, 30, tzinfo=AMSTERDAM)  # before the office opens
THURSDAY = datetime(2026, 11, 26, 7, 30, tzinfo=AMSTERDAM)
NUMBER = re.compile(r"KIV-\d{4}-\d{4}")
MAZ_ADDRESS = "maz@kivido.example"  # the MAZ in the people table (tests/flows.py seeds it)
# Each heading, recognised by its words (not by its exact text).
HEADINGS = {
    "overdue": ("controle", "te laat"),
    "today": ("controle", "vandaag"),
    "unconfirmed": ("nemesys", "niet", "bevestigd"),
    "quotes": ("offerte", "directie"),
    "invoices": ("factu", "controle"),
}


# --- a real SMTP server on loopback (tests/smtp_server.py) ------------------------------


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def mails(server: SmtpServer) -> list[email.message.EmailMessage]:
    return [r.message for r in server.received]


# --- the store: one of everything the list is about, and its look-alikes --------------


def settings(db: Path, port: int | None, **smtp_extra) -> config.Config:
    """The configuration as secrets.toml gives it: the embedded store, SMTP on loopback."""
    secrets = {"store": {"sqlite_path": str(db)}}
    if port is not None:
        secrets["smtp"] = {
            "host": "127.0.0.1",
            "port": port,
            "security": "none",
            "sender": SENDER,
            **smtp_extra,
        }
    return config.load(secrets)


@pytest.fixture
def office(tmp_path) -> Office:
    repo = SqlRepository.at_path(tmp_path / "kivido.db")
    repo.setup()
    yield Office(repo, start=MONDAY)
    repo.engine.dispose()


def urgent(office: Office) -> dict:
    ticket = office.submit()
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=True, reason="Spoed"
    )
    return office.ticket(ticket["id"])


def confirm(office: Office, ticket: dict) -> None:
    services.confirm_order(
        office.desk(), office.ticket(ticket["id"]), office.order(ticket["id"]), reference="NEM-9"
    )


def _walk_the_week(office: Office) -> dict[str, str]:
    """Monday to Wednesday morning at the office; the report number of each case.

    On Wednesday 07:30 the list holds: overdue check A, today's check B, order C
    (unconfirmed since Tuesday 10:00: 7 working hours, limit 4), quote of Q on the
    directie's desk, invoice F-1 of E. Not in it: the solved report R, the check G
    due Thursday, order C2 (half an hour), the confirmed order P, the approved
    quote OFF-1 and the approved invoice F-2.
    """
    n = {}
    n["A"] = office.waiting()["number"]  # check due Tuesday 09:00
    r = office.waiting()  # solved on Tuesday
    n["R"] = r["number"]
    office.later(minutes=10)
    q = urgent(office)
    n["Q"] = q["number"]
    office.later(minutes=30)
    confirm(office, q)
    billing.register_quote(
        office.desk(),
        office.ticket(q["id"]),
        office.order(q["id"]),
        {"amount": "750,00", "reference": "OFF-7"},
    )
    e = office.submit()
    n["E"] = e["number"]
    office.urgent_until_closed(e, quote="500,00")  # quote OFF-1, approved by the directie
    office.invoice(e["id"], number="F-1")
    approved = office.invoice(e["id"], number="F-2", excl="10,00", incl="12,10")
    billing.check_invoice(office.desk(), approved, approve=True)
    p = urgent(office)
    n["P"] = p["number"]
    confirm(office, p)

    office.at = datetime(2026, 11, 24, 9, 30, tzinfo=AMSTERDAM)  # Tuesday
    office.follow_up(r, solved=True)
    office.at = datetime(2026, 11, 24, 10, 0, tzinfo=AMSTERDAM)
    n["B"] = office.waiting()["number"]  # check due Wednesday 09:00
    n["C"] = urgent(office)["number"]
    office.at = datetime(2026, 11, 24, 16, 30, tzinfo=AMSTERDAM)
    n["C2"] = urgent(office)["number"]
    office.at = datetime(2026, 11, 25, 7, 0, tzinfo=AMSTERDAM)  # Wednesday
    n["G"] = office.waiting()["number"]  # check due Thursday 09:00
    statuses = {t["number"]: t["status"] for t in office.snap().rows("tickets")}
    assert statuses[n["R"]] == "verwijderd"
    assert statuses[n["Q"]] == "offerte_bij_directie"
    return n


class Week(NamedTuple):
    office: Office
    n: dict[str, str]  # the report number of each case


@pytest.fixture(scope="module")
def _week_store(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The week is walked once; each test gets its own copy of the database file."""
    db = tmp_path_factory.mktemp("week") / "kivido.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    numbers = _walk_the_week(Office(repo, start=MONDAY))
    repo.engine.dispose()  # the last connection closes: the WAL is folded into the file
    return db, numbers


@pytest.fixture
def week(_week_store, tmp_path) -> Week:
    source, numbers = _week_store
    shutil.copyfile(source, tmp_path / "kivido.db")
    repo = SqlRepository.at_path(tmp_path / "kivido.db")
    yield Week(Office(repo, start=WEDNESDAY), numbers)
    repo.engine.dispose()


def run(office: Office, port: int | None, when: date | datetime, **kwargs) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    db = Path(office.repo.url.removeprefix("sqlite:///"))
    code = digest.run(settings(db, port), today=when, out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def state_files(office: Office) -> list[str]:
    folder = Path(office.repo.url.removeprefix("sqlite:///")).parent
    return sorted(p.name for p in folder.glob("dagoverzicht-*"))


def text(mail: email.message.EmailMessage) -> str:
    """The plain-text part, with the wire's CRLF line ends as newlines."""
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def sections(mail: email.message.EmailMessage) -> dict[str, set[str]]:
    """The report numbers under each heading of the plain-text part."""
    body = text(mail)
    found: dict[str, set[str]] = {}
    for paragraph in body.split("\n\n"):
        heading, *lines = paragraph.splitlines()
        items = [line for line in lines if line.startswith("- ")]
        if not items:
            continue
        keys = [k for k, words in HEADINGS.items() if all(w in heading.lower() for w in words)]
        assert len(keys) == 1, f"heading not recognised once: {heading!r}"
        assert keys[0] not in found, f"two sections for {keys[0]}"
        found[keys[0]] = {number for item in items for number in NUMBER.findall(item)}
        assert all(NUMBER.search(item) for item in items), items
    return found


# --- the tests -------------------------------------------------------------------------


def test_one_mail_lists_each_item_under_its_heading(week, smtp):
    office, n = week
    code, out, err = run(office, smtp.port, WEDNESDAY)

    assert (code, err) == (0, "")
    assert "verstuurd" in out
    assert len(smtp.received) == 1
    (mail,) = mails(smtp)
    assert smtp.received[0].rcpt_tos == (MAZ_ADDRESS,)
    assert mail["To"] == MAZ_ADDRESS
    assert mail["From"] == SENDER
    assert mail["Message-ID"] == "<dagoverzicht-2026-11-25@kivido.example>"
    subject = mail["Subject"]
    assert "25-11-2026" in subject
    for count in ("2 controles", "1 te laat", "1 onbevestigde opdracht", "1 offerte", "1 factuur"):
        assert count in subject, subject
    assert sections(mail) == {
        "overdue": {n["A"]},
        "today": {n["B"]},
        "unconfirmed": {n["C"]},
        "quotes": {n["Q"]},
        "invoices": {n["E"]},
    }
    body = text(mail)
    for absent in ("R", "G", "C2", "P"):
        assert n[absent] not in body, absent
    assert "F-1" in body and "OFF-7" in body
    assert "F-2" not in body and "OFF-1" not in body  # decided already
    assert "financiën" in body  # UTF-8 survives the trip
    html = mail.get_body(("html",)).get_content()
    assert n["A"] in html and n["E"] in html and "<p>" in html


def test_twice_on_one_day_sends_one_mail(week, smtp):
    office = week.office
    assert run(office, smtp.port, WEDNESDAY)[0] == 0
    code, out, _ = run(office, smtp.port, WEDNESDAY.replace(hour=13))

    assert code == 0
    assert "al verstuurd" in out
    assert len(smtp.received) == 1
    assert state_files(office) == ["dagoverzicht-2026-11-25"]
    code, out, _ = run(office, smtp.port, date(2026, 11, 25))  # a plain date: the same day
    assert (code, len(smtp.received)) == (0, 1) and "al verstuurd" in out


def test_two_runs_at_the_same_moment_send_one_mail(week, smtp):
    office = week.office
    runners = 4
    start = threading.Barrier(runners)
    codes = []

    def one() -> None:
        start.wait()
        codes.append(run(office, smtp.port, WEDNESDAY)[0])

    threads = [threading.Thread(target=one) for _ in range(runners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert codes == [0] * runners
    assert len(smtp.received) == 1


def test_the_next_day_brings_a_new_mail(week, smtp):
    office, n = week
    run(office, smtp.port, WEDNESDAY)
    code, _, _ = run(office, smtp.port, THURSDAY)

    assert code == 0
    wednesday, thursday = mails(smtp)
    assert thursday["Message-ID"] == "<dagoverzicht-2026-11-26@kivido.example>"
    assert thursday["Message-ID"] != wednesday["Message-ID"]
    assert "26-11-2026" in thursday["Subject"]
    assert sections(thursday) == {
        "overdue": {n["A"], n["B"]},
        "today": {n["G"]},
        "unconfirmed": {n["C"], n["C2"]},  # C2: 9 working hours by now
        "quotes": {n["Q"]},
        "invoices": {n["E"]},
    }
    assert state_files(office) == ["dagoverzicht-2026-11-25", "dagoverzicht-2026-11-26"]


def test_the_day_is_the_day_in_amsterdam(week, smtp):
    """00:15 on Wednesday in Amsterdam is still Tuesday in UTC: it is Wednesday's list."""
    office, n = week
    assert run(office, smtp.port, datetime(2026, 11, 25, 0, 15, tzinfo=AMSTERDAM))[0] == 0
    (mail,) = mails(smtp)
    assert mail["Message-ID"] == "<dagoverzicht-2026-11-25@kivido.example>"
    assert "25-11-2026" in mail["Subject"]
    assert sections(mail)["today"] == {n["B"]}
    assert state_files(office) == ["dagoverzicht-2026-11-25"]


def test_the_limit_saved_on_beheer_counts_as_in_the_app(week, smtp):
    """Order C waited 7 working hours: past the default 4, within a limit of 8 set on Beheer."""
    office, n = week
    app_settings.save(office.repo, MAZ, office.snap(), {"confirmation_alert_working_hours": "8"})
    run(office, smtp.port, WEDNESDAY)

    (mail,) = mails(smtp)
    assert "unconfirmed" not in sections(mail)
    assert n["C"] not in text(mail) and "onbevestigde" not in mail["Subject"]


def test_nothing_due_sends_no_mail(office, smtp):
    office.waiting()  # its check is tomorrow
    urgent(office)  # ordered a moment ago: within the limit
    code, out, err = run(office, smtp.port, MONDAY.replace(hour=11))

    assert (code, err) == (0, "")
    assert "niets te doen" in out
    assert smtp.received == []
    assert state_files(office) == []  # a later run that day may still send


def test_a_run_only_reads_the_store(week, smtp):
    office = week.office
    before = office.repo.read_all()
    run(office, smtp.port, WEDNESDAY)
    run(office, smtp.port, WEDNESDAY)  # and the second, which sends nothing

    assert len(smtp.received) == 1
    assert office.repo.read_all() == before


def test_the_store_is_read_once_and_never_written_on_the_sheet(
    make_sheets_repo, standin, smtp, tmp_path
):
    office = Office(make_sheets_repo(), start=MONDAY)
    office.waiting()
    urgent(office)
    cfg = config.load(
        {
            "store": {"driver": "sheets"},
            "sheets": {"spreadsheet_key": office.repo.key, "api_root": standin.url},
            "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none"},
        }
    )
    before = office.repo.read_all()
    standin.reset_counts()

    code = digest.run(cfg, today=WEDNESDAY, state_dir=tmp_path, out=io.StringIO())

    counted = Counter({kind: standin.count(kind) for kind in KINDS})
    assert code == 0 and len(smtp.received) == 1
    assert +counted == Counter({"values.batchGet": 1})
    assert standin.count() == 1  # nothing else either
    assert office.repo.read_all() == before


FAILURES = {
    "connection refused": {},
    "451 after DATA": {"data_answer": "451 4.3.0 Try again later"},
    "554 after DATA": {"data_answer": "554 5.7.1 Refused"},
    "450 greylisted at RCPT": {"rcpt_answer": "450 4.2.0 Greylisted"},
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_send_leaves_no_state_and_a_later_run_sends(week, smtp, failure):
    office = week.office
    for name, answer in FAILURES[failure].items():
        setattr(smtp.mailbox, name, answer)
    port = free_port() if failure == "connection refused" else smtp.port  # nobody listens
    code, out, err = run(office, port, WEDNESDAY)

    assert code != 0
    assert "niet verstuurd" in err
    assert smtp.received == []
    assert state_files(office) == []

    smtp.mailbox.data_answer = smtp.mailbox.rcpt_answer = ""
    code, _, _ = run(office, smtp.port, WEDNESDAY.replace(hour=8))
    assert code == 0
    assert len(smtp.received) == 1


def test_a_time_out_after_data_is_tried_again_as_the_same_message(week, smtp):
    """The server may take the mail in after all: a repeat is the same message, not a new one."""
    office = week.office
    smtp.mailbox.stall = 2.0
    db = Path(office.repo.url.removeprefix("sqlite:///"))
    slow = settings(db, smtp.port, timeout=0.5)
    err = io.StringIO()
    assert digest.run(slow, today=WEDNESDAY, out=io.StringIO(), err=err) != 0
    assert "niet verstuurd" in err.getvalue()
    assert state_files(office) == []

    smtp.mailbox.stall = 0.0
    assert run(office, smtp.port, WEDNESDAY)[0] == 0
    smtp.wait_for(2)  # the stalled one arrives late
    assert smtp.message_ids() == Counter({"<dagoverzicht-2026-11-25@kivido.example>": 2})
    assert state_files(office) == ["dagoverzicht-2026-11-25"]


def test_without_smtp_the_list_is_printed(week, smtp):
    office, n = week
    code, out, _ = run(office, None, WEDNESDAY)

    assert code == 0
    assert "Geen [smtp]" in out
    assert "Onderwerp: Dagoverzicht storingen 25-11-2026" in out
    for key in ("A", "B", "C", "Q", "E"):
        assert n[key] in out
    assert smtp.received == []
    assert state_files(office) == []


def test_print_only_sends_nothing_and_remembers_nothing(week, smtp):
    office, n = week
    code, out, _ = run(office, smtp.port, WEDNESDAY, send=False)

    assert code == 0 and n["A"] in out
    assert smtp.received == [] and state_files(office) == []
    assert run(office, smtp.port, WEDNESDAY)[0] == 0
    assert len(smtp.received) == 1


def test_without_a_maz_in_the_people_table_it_goes_to_the_sender(week, smtp):
    office = week.office
    maz = office.repo.get("users", "demo-maz")
    office.repo.commit([Update("users", maz["id"], maz["version"], {"active": False})])
    run(office, smtp.port, WEDNESDAY)

    (mail,) = mails(smtp)
    assert smtp.received[0].rcpt_tos == (SENDER,) and mail["To"] == SENDER


def test_the_state_folder_can_be_chosen(week, smtp, tmp_path):
    office = week.office
    folder = tmp_path / "elders"
    run(office, smtp.port, WEDNESDAY, state_dir=folder)
    run(office, smtp.port, WEDNESDAY, state_dir=folder)

    assert len(smtp.received) == 1
    assert [p.name for p in folder.iterdir()] == ["dagoverzicht-2026-11-25"]
    assert (folder / "dagoverzicht-2026-11-25").stat().st_mode & 0o077 == 0
    assert state_files(office) == []


def test_a_missing_database_is_not_created(tmp_path, smtp):
    db = tmp_path / "nergens" / "kivido.db"
    err = io.StringIO()
    code = digest.run(settings(db, smtp.port), today=WEDNESDAY, out=io.StringIO(), err=err)

    assert code != 0 and "niet te lezen" in err.getvalue()
    assert not db.exists() and not db.parent.exists()


def test_as_a_separate_process_with_a_secrets_file(week, smtp, tmp_path):
    """As cron runs it: its own process, the settings from a secrets.toml."""
    office = week.office
    db = office.repo.url.removeprefix("sqlite:///")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'[store]\nsqlite_path = "{db}"\n\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
        f'sender = "{SENDER}"\n'
    )
    env = {**os.environ, "KIVIDO_SECRETS": str(secrets)}
    script = (
        "import sys, datetime; from lib import config, digest, workdays; "
        "when = datetime.datetime(2026, 11, 25, 7, 30, tzinfo=workdays.AMSTERDAM); "
        "sys.exit(digest.run(config.load(), today=when))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert "verstuurd aan maz@kivido.example" in done.stdout
    assert len(smtp.received) == 1
    assert state_files(office) == ["dagoverzicht-2026-11-25"]
