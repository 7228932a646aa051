"""AppTest: pages during a store outage (issue 9 point 5).

The Sheet stand-in answers 503 to everything: a report made then is kept in the
local intake queue and delivered exactly once when the Sheet is back; a page
without any earlier read shows a Dutch message with a retry, no traceback; a
busy SQLite store refuses a save in Dutch and the form keeps what was typed.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
import streamlit as st

from lib import cli, intake, navigation, queues
from lib.procedure import Actor, Role
from lib.repository import sheets, sql_engine
from lib.repository.sheets import _Shared
from lib.ui import outage
from lib.workdays import AMSTERDAM
from tests.apptest_support import app_store  # noqa: F401

# Work-list cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import Office, report_form

DESCRIPTION = "Telefooncentrale valt steeds weg.\nAl herstart, helpt niet."


def _sheet_outage(standin) -> None:
    standin.inject("503", times=1_000_000)


def _sheet_back(standin) -> None:
    with standin._lock:
        standin._faults.clear()


@pytest.fixture
def sheet_app(make_sheets_repo, standin, tmp_path, monkeypatch):
    """The app on a Sheet of the stand-in, read afresh every run, queue in tmp_path."""
    repo = make_sheets_repo()
    repo._shared = _Shared()  # the data was set up by another process
    Office(repo)  # locations and reference data
    monkeypatch.setenv("KIVIDO_STORE", "sheets")
    monkeypatch.setenv("KIVIDO_SHEET_KEY", repo.key)
    monkeypatch.setenv("KIVIDO_SHEETS_API_ROOT", standin.url)
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "true")
    monkeypatch.setenv("KIVIDO_CACHE_SECONDS", "0")
    monkeypatch.setenv("KIVIDO_INTAKE_QUEUE", str(tmp_path / "queue.sqlite"))
    monkeypatch.setattr(outage, "DELIVERY_PAUSE_SECONDS", 0.0)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield repo
    _sheet_back(standin)
    st.cache_resource.clear()
    st.cache_data.clear()


def _staff():
    return page(
        "pages/melden.py", role="medewerker", name="Ruben de Groot", email="ruben@kivido.example"
    )


def _fill(at):
    at.selectbox(key="melden-location_id").select("demo-zonnebloem")
    at.selectbox(key="melden-category").select("telefonie")
    at.text_area(key="melden-description").input(DESCRIPTION)
    at.text_input(key="melden-contact_info").input("06-12345678")
    return at


def _tickets(repo) -> list[dict]:
    return repo.read(["tickets"])["tickets"]


def test_report_during_sheet_outage_is_queued_then_delivered_once(sheet_app, standin, tmp_path):
    queue = intake.IntakeQueue(tmp_path / "queue.sqlite")
    at = _fill(_staff().run())
    assert not at.exception
    _sheet_outage(standin)
    at.button(key="melden-submit").click().run()
    assert not at.exception
    assert "Uw melding is ontvangen" in [h.value for h in at.subheader]
    assert any("wordt automatisch geregistreerd" in i.value for i in at.info)
    [entry] = queue.entries()
    assert entry.status == intake.WAITING and entry.reporter_name == "Ruben de Groot"
    assert oct(queue.path.stat().st_mode & 0o777) == "0o600"

    at.button(key="melden-check").click().run()  # still down: still waiting, no traceback
    assert not at.exception and queue.entries()[0].status == intake.WAITING

    _sheet_back(standin)
    at.button(key="melden-check").click().run()
    assert not at.exception
    [ticket] = _tickets(sheet_app)
    assert ticket["description"] == DESCRIPTION and ticket["reporter_name"] == "Ruben de Groot"
    assert f"Uw meldingsnummer: {ticket['number']}" in [h.value for h in at.subheader]
    assert queue.entries()[0].number == ticket["number"]
    assert DESCRIPTION.splitlines()[0] not in queue.path.read_bytes().decode("utf-8", "replace")

    # Later runs, other sessions and the CLI command deliver nothing twice.
    at.run()
    _staff().run()
    assert intake.deliver_command(_config(), _repo()) == 0
    assert len(_tickets(sheet_app)) == 1
    receipts = [m for m in sheet_app.read(["messages"])["messages"] if m["kind"] == "ontvangst"]
    assert len(receipts) == 1


def _config():
    from lib import config

    return config.load({})


def _repo():
    from lib.store import open_repository

    return open_repository(_config())


def test_page_without_an_earlier_read_shows_dutch_message_and_retry(sheet_app, standin):
    _sheet_outage(standin)
    at = page("pages/beoordelen.py", role="maz").run()
    assert not at.exception
    assert any("antwoordt op dit moment niet" in e.value for e in at.error)
    retry = at.button(key=outage.RETRY_KEY)
    assert retry.label == "Opnieuw proberen"
    _sheet_back(standin)
    retry.click().run()
    assert not at.exception and not at.error
    assert at.title[0].value


def test_page_during_outage_shows_the_last_read_with_a_notice(sheet_app, standin):
    at = page("pages/beoordelen.py", role="maz").run()
    assert not at.exception
    _sheet_outage(standin)
    at.run()
    assert not at.exception
    assert any("antwoordt op dit moment niet" in w.value for w in at.sidebar.warning)


def mail_links(at) -> list[str]:
    return [b.proto.url for b in at.get("link_button") if b.proto.url.startswith("mailto:")]


def test_postvak_during_outage_opens_no_mail_without_its_text(sheet_app, standin, monkeypatch):
    """Postvak shows a mail's text and opens it in a mail program; the page views' read
    leaves the texts out. During an outage a text not read before cannot be shown:
    a Dutch note, and no link that would open the mail without it. A text read
    before the outage is still shown."""
    monkeypatch.setattr(sheets, "LOG_FRESH", 0.0)  # no view served from a write's answer
    office = Office(sheet_app)
    office.submit(description=DESCRIPTION)  # the receipt mail waits in the Postvak
    sheet_app.compact_log(min_age=0)  # in the worksheet, as after a while: asked for there
    assert not page("pages/beoordelen.py", role="maz").run().exception  # a good read
    (mail,) = [m for m in office.snap().rows("messages") if m["kind"] == "ontvangst"]
    _sheet_outage(standin)
    at = page("pages/postvak.py", role="maz").run()
    assert not at.exception
    assert any("antwoordt op dit moment niet" in w.value for w in at.sidebar.warning)
    assert any(queues.NO_TEXT in i.value for i in at.info)
    assert not any(mail["body"].strip() in t.value for t in at.text)
    assert mail_links(at) == []
    _sheet_back(standin)
    at.run()
    assert any(mail["body"].strip() in t.value for t in at.text)
    assert len(mail_links(at)) == 1
    _sheet_outage(standin)
    at.run()
    assert not at.exception
    assert any(mail["body"].strip() in t.value for t in at.text)
    assert len(mail_links(at)) == 1


def test_busy_store_keeps_the_typed_report_form(app_store, tmp_path, monkeypatch):  # noqa: F811
    """SQLite held by another writer past the busy time-out: Dutch message, input kept.

    The report is kept in the queue too (a report never waits for the store), and
    delivered once the store is free again.
    """
    Office(app_store)
    monkeypatch.setattr(sql_engine, "BUSY_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(outage, "DELIVERY_PAUSE_SECONDS", 0.0)
    monkeypatch.setenv("KIVIDO_CACHE_SECONDS", "0")
    st.cache_resource.clear()
    at = _fill(_staff().run())
    blocker = sqlite3.connect(tmp_path / "app.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        at.button(key="melden-submit").click().run()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert not at.exception
    assert "Uw melding is ontvangen" in [h.value for h in at.subheader]
    at.button(key="melden-check").click().run()
    [ticket] = _tickets(app_store)
    assert f"Uw meldingsnummer: {ticket['number']}" in [h.value for h in at.subheader]


def test_busy_store_keeps_a_triage_note(app_store, tmp_path, monkeypatch):  # noqa: F811
    office = Office(app_store)
    ticket = office.submit()
    monkeypatch.setattr(sql_engine, "BUSY_TIMEOUT_SECONDS", 0.2)
    st.cache_resource.clear()
    at = page("pages/beoordelen.py", role="maz").run()
    note = "Gebeld met de locatie: centrale is stuk."
    at.text_area(key=f"triage-{ticket['id']}-reason").input(note)
    blocker = sqlite3.connect(tmp_path / "app.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        at.button(key=f"triage-{ticket['id']}-urgent").click().run()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert not at.exception
    assert any("bezet" in e.value for e in at.error)
    assert at.text_area(key=f"triage-{ticket['id']}-reason").value == note
    assert office.ticket(ticket["id"])["status"] == "nieuw"
    at.button(key=f"triage-{ticket['id']}-urgent").click().run()
    assert not at.exception
    assert office.ticket(ticket["id"])["status"] != "nieuw"


def test_cli_delivers_what_waits_once(app_store, tmp_path, monkeypatch, capsys):  # noqa: F811
    """`python -m lib.cli deliver-queued` (for cron): delivers once, says what it did."""
    Office(app_store)
    monkeypatch.setenv("KIVIDO_INTAKE_QUEUE", str(tmp_path / "queue.sqlite"))
    queue = intake.IntakeQueue(tmp_path / "queue.sqlite")
    staff = Actor("Ruben de Groot", Role.STAFF, email="ruben@kivido.example")
    made = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
    queue.put(submission_id="s1", form=report_form(), actor=staff, on_behalf=False, at=made)
    queue.put(submission_id="s1", form=report_form(), actor=staff, on_behalf=False, at=made)
    assert cli.main(["deliver-queued"]) == 0
    assert cli.main(["deliver-queued"]) == 0
    [ticket] = _tickets(app_store)
    assert ticket["created_at"].startswith("2026-11-23T10:00")  # when it was reported
    assert f"als {ticket['number']}" in capsys.readouterr().out


@pytest.fixture
def unreachable_store(tmp_path, monkeypatch):
    """A PostgreSQL URL nobody answers on: every read fails at once with StoreUnreachable."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("KIVIDO_STORE", "postgresql")
    monkeypatch.setenv("KIVIDO_DATABASE_URL", f"postgresql+psycopg://kivido@127.0.0.1:{port}/k")
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "true")
    monkeypatch.setenv("KIVIDO_INTAKE_QUEUE", str(tmp_path / "queue.sqlite"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("path", sorted(navigation.SCREENS))
def test_every_page_answers_an_unreachable_store_in_dutch(unreachable_store, path):
    """No page shows a traceback: a Dutch message and a retry button instead."""
    at = page(path, role="maz").run()
    assert not at.exception
    assert any("niet bereikbaar" in e.value for e in at.error)
    assert at.button(key=outage.RETRY_KEY).label == "Opnieuw proberen"
