"""AppTest for the AVG (issue 13): Melden's hint and confirm step, the view log on
Mijn meldingen, and Beheer's privacy tab (dry run, purge, data request, log).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from lib import demo, privacy, workdays
from lib.repository import Insert
from tests.app_checks import texts
from tests.apptest_support import app_store, page  # noqa: F401
from tests.cards_support import card_keys, open_cards
from tests.flows import Office
from tests.test_app_melden import fill, staff, submit

BSN_TEXT = "De printer weigert; het BSN 111222333 van een kind staat nog in de wachtrij."


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)


# --- Melden --------------------------------------------------------------------


def test_melden_shows_the_hint_and_asks_before_sending_personal_data(office):
    """Test that a BSN in the description is flagged, nothing stored, and sent when sent again."""
    at = staff().run()
    assert "Noem in de omschrijving geen namen van kinderen of ouders" in texts(at)
    submit(fill(at, description=BSN_TEXT))
    assert not at.exception
    assert "een BSN-achtig nummer" in at.warning[0].value and "111222333" in at.warning[0].value
    assert office.repo.read(["tickets"])["tickets"] == []  # asked, not sent
    submit(at)  # the same text again: the reporter confirms
    tickets = office.repo.read(["tickets"])["tickets"]
    assert [t["description"] for t in tickets] == [BSN_TEXT]


def test_melden_asks_again_when_the_text_changed(office):
    """Test that a changed text with a phone number is flagged anew, a clean text goes at once."""
    at = staff().run()
    submit(fill(at, description="Printer stuk, bel 06-12345678"))
    submit(fill(at, description="Printer stuk, bel 06-87654321"))
    assert "06-87654321" in at.warning[0].value
    assert office.repo.read(["tickets"])["tickets"] == []
    submit(fill(at, description="Printer stuk op de eerste verdieping."))
    assert len(office.repo.read(["tickets"])["tickets"]) == 1 and not at.warning


def test_a_next_report_with_the_same_text_is_asked_about_again(office):
    """Test that the confirmation holds for one report only."""
    at = staff().run()
    submit(fill(at, description=BSN_TEXT))
    submit(at)
    at.button(key="melden-new").click().run()
    submit(fill(at, description=BSN_TEXT))
    assert "111222333" in at.warning[0].value
    assert len(office.repo.read(["tickets"])["tickets"]) == 1


# --- the view log ----------------------------------------------------------------

MIJN = "pages/mijn_meldingen.py"


def test_opening_someone_elses_report_is_logged_once(office):
    """Test that the MAZ opening Ruben's report is logged (who, which report), once per opening."""
    ticket = office.submit(description="Printer kapot.")
    at = page(MIJN, role="maz", name="Nathalie", email="nathalie@kivido.nl").run()
    key = f"detail-Alle meldingen-{ticket['id']}"
    assert "Printer kapot." not in texts(at)  # closed: not drawn, not logged
    assert office.repo.read(["access_log"])["access_log"] == []
    at.session_state[key] = True
    at.run()
    assert "Printer kapot." in [t.value for t in at.text]
    at.run()  # still open: no second line
    log = office.repo.read(["access_log"])["access_log"]
    assert [(r["kind"], r["actor_name"], r["actor_email"], r["ticket_id"]) for r in log] == [
        ("bekeken", "Nathalie", "nathalie@kivido.nl", ticket["id"])
    ]
    assert datetime.fromisoformat(log[0]["at"]).tzinfo is not None
    at.session_state[key] = False
    at.run()
    at.session_state[key] = True
    at.run()  # opened again: a second line
    assert len(office.repo.read(["access_log"])["access_log"]) == 2


def test_a_reporter_reading_their_own_report_is_not_logged(office):
    """Test that Ruben sees his own report at once and no view is logged."""
    office.submit(reporter_email="ruben@kivido.example", description="Mijn printer.")
    at = page(MIJN, role="medewerker", name="Ruben", email="ruben@kivido.example").run()
    assert "Mijn printer." in [t.value for t in at.text]
    assert office.repo.read(["access_log"])["access_log"] == []


def _triaged_urgent(office: Office) -> dict:
    return office.triage(office.submit(), urgent=True)


def _quote_waiting(office: Office) -> dict:
    ticket = _triaged_urgent(office)
    office.quote_waiting(ticket)
    return office.ticket(ticket["id"])


# Each work list, with who works it and a report by Ruben waiting there (issue 13 point 4:
# opening a report's detail by someone other than its reporter is logged, on every page).
WORK_LISTS = {
    "pages/beoordelen.py": ("maz", "nathalie@kivido.nl", lambda o: o.submit()),
    "pages/opvolgen.py": ("maz", "nathalie@kivido.nl", lambda o: o.waiting()),
    "pages/nemesys.py": ("maz", "nathalie@kivido.nl", _triaged_urgent),
    "pages/offertes.py": ("directie", "stefanie@kivido.example", _quote_waiting),
    "pages/communicatie.py": ("unitmanager", "sanne@kivido.example", _triaged_urgent),
}


@pytest.mark.parametrize("path", WORK_LISTS)
def test_opening_a_card_on_a_work_list_is_logged_once(office, path):
    """Test that opening a report's card on a work page logs who opened which report,
    once per opening, and that a closed card is neither drawn nor logged."""
    role, email, make = WORK_LISTS[path]
    ticket = make(office)
    at = page(path, role=role, name="Kijker", email=email).run()
    assert not at.exception, at.exception
    assert card_keys(at) == [f"card-{path[6:-3]}-{ticket['id']}"]
    assert office.repo.read(["access_log"])["access_log"] == []
    open_cards(at).run()  # open, then one more click elsewhere: still one view
    assert not at.exception, at.exception
    log = office.repo.read(["access_log"])["access_log"]
    assert [(r["kind"], r["actor_email"], r["actor_role"], r["ticket_id"]) for r in log] == [
        ("bekeken", email, role, ticket["id"])
    ]


def test_a_work_list_card_of_ones_own_report_is_not_logged(office):
    """Test that the MAZ opening her own report on Beoordelen leaves no view in the log."""
    office.submit(reporter_email="nathalie@kivido.nl")
    at = open_cards(page("pages/beoordelen.py", role="maz", email="nathalie@kivido.nl").run())
    assert not at.exception and card_keys(at)
    assert office.repo.read(["access_log"])["access_log"] == []


# --- Beheer ----------------------------------------------------------------------

BEHEER = "pages/beheer.py"
END = datetime(2026, 3, 31, 12, 0, tzinfo=workdays.AMSTERDAM)


@pytest.fixture
def old_store(app_store):  # noqa: F811
    """A year of demo reports ending 31-03-2026; a retention period of 1 month."""
    demo.seed_demo(app_store, tickets=12, end=END)
    app_store.commit(
        [
            Insert(
                "settings",
                {"id": "setting-retention_months", "key": "retention_months"} | {"value": "1"},
            )
        ]
    )
    return app_store


def maz():
    return page(BEHEER, role="maz", name="Nathalie", email="nathalie@kivido.nl").run()


def table_with(at, column: str):
    """The dataframe on the page that has this column (AppTest gives dataframes no key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def closed_tickets(repo):
    return [
        t for t in repo.read(["tickets"])["tickets"] if t["status"] in ("afgesloten", "verwijderd")
    ]


def test_beheer_dry_run_lists_what_would_go_and_changes_nothing(old_store):
    """Test that the dry run names every closed report and the store is unchanged."""
    before = old_store.read_all()
    at = maz()
    at.button(key="privacy-dry-run").click().run()
    assert not at.exception
    shown = "\n".join(t.value for t in at.text)
    assert "Bewaartermijn 1 maanden" in shown
    for ticket in closed_tickets(old_store):
        assert ticket["number"] in shown
    assert old_store.read_all() == before


def test_beheer_purge_blanks_the_closed_reports_and_logs_who(old_store):
    """Test that 'Nu opschonen' replaces the personal fields and records the MAZ per report."""
    closed = closed_tickets(old_store)
    assert closed
    at = maz()
    at.button(key="privacy-purge").click().run()
    assert not at.exception
    assert at.success[0].value == "Persoonsgegevens opgeschoond."
    assert f"{len(closed)} melding(en)" in "\n".join(t.value for t in at.text)
    for ticket in closed_tickets(old_store):
        assert ticket["reporter_email"] == privacy.MARKER
        assert ticket["description"] == privacy.MARKER
    records = [
        e for e in old_store.read(["events"])["events"] if e["entity"] == privacy.PURGE_ENTITY
    ]
    assert len(records) == len(closed) and {e["actor_name"] for e in records} == {"Nathalie"}


def test_beheer_data_request_gives_a_file_and_is_logged(old_store):
    """Test that an address gives the counts and a download, and the request is in the log."""
    at = maz()
    at.text_input(key="inzage-email").input("medewerker1@kivido.example")
    at.button(key="inzage-submit").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Bestand gemaakt voor medewerker1@kivido.example")
    counts = dict(table_with(at, "Blad").itertuples(index=False))
    own = [
        t
        for t in old_store.read(["tickets"])["tickets"]
        if t["reporter_email"] == "medewerker1@kivido.example"
    ]
    assert counts["Meldingen"] == len(own) > 0
    assert at.get("download_button")  # the file is offered
    log = old_store.read(["access_log"])["access_log"]
    assert [(r["kind"], r["subject_email"]) for r in log] == [
        ("inzageverzoek", "medewerker1@kivido.example")
    ]
    at.toggle(key="inzagelog-tonen").set_value(True).run()
    log_table = table_with(at, "Gevraagd e-mailadres")
    assert list(log_table["Soort"]) == ["Inzageverzoek"]
    assert list(log_table["Gevraagd e-mailadres"]) == ["medewerker1@kivido.example"]


def test_beheer_data_request_refuses_a_bad_address(old_store):
    """Test that a wrong address gives a Dutch message and logs nothing."""
    at = maz()
    at.text_input(key="inzage-email").input("geen adres")
    at.button(key="inzage-submit").click().run()
    assert "geen geldig e-mailadres" in at.error[0].value
    assert old_store.read(["access_log"])["access_log"] == []


def test_beheer_shows_who_opened_which_report(office):
    """Test that a unit manager's view of a report appears on Beheer with its number."""
    ticket = office.submit(location_id="demo-zonnebloem", description="Printer kapot.")
    at = page(MIJN, role="unitmanager", name="Sanne Jansen", email="sanne@kivido.example").run()
    at.session_state[f"detail-Meldingen van mijn locatie-{ticket['id']}"] = True
    at.run()
    assert "Printer kapot." in [t.value for t in at.text]
    beheer = maz()
    beheer.toggle(key="inzagelog-tonen").set_value(True).run()
    shown = table_with(beheer, "Gevraagd e-mailadres")
    assert shown[["Soort", "Melding", "Door", "E-mail"]].values.tolist() == [
        ["Melding bekeken", ticket["number"], "Sanne Jansen", "sanne@kivido.example"]
    ]


def test_beheer_archives_old_finished_reports_and_loses_nothing(old_store):
    """Test that 'Nu archiveren' (issue 10) archives the old closed reports, row counts equal."""
    before = {name: len(rows) for name, rows in old_store.read_all().items()}
    at = maz()
    at.button(key="archive-dry-run").click().run()
    assert not at.exception
    assert not [t for t in old_store.read(["tickets"])["tickets"] if t["archived_at"]]
    assert "melding(en)." in "\n".join(t.value for t in at.text)  # the dry run's list
    at.button(key="archive-run").click().run()
    assert not at.exception
    assert at.success[0].value == "Oude meldingen gearchiveerd."
    archived = [t for t in old_store.read(["tickets"])["tickets"] if t["archived_at"]]
    assert archived and all(t["status"] in ("afgesloten", "verwijderd") for t in archived)
    after = {name: len(rows) for name, rows in old_store.read_all().items()}
    assert after == before | {"settings": before["settings"] + 1}  # the archive cut
    live = old_store.read(["tickets"], live_only=True)["tickets"]
    assert len(live) == before["tickets"] - len(archived)
