"""Browser tier (issue 14): one server outage, two staff, one order, both kept informed.

Ruben reports the office server down; Marieke, at another location, finds it at
Melden and presses "Ik heb dit ook" instead of reporting it again; the MAZ
assesses it as urgent (one order, one mail to Nemesys), Nemesys confirms and
solves it, and Marieke sees "Opgelost" in Mijn meldingen. The store is checked
afterwards: one order, one Nemesys mail, each update to each of them once.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from lib import demo
from lib.repository.sql import SqlRepository
from lib.snapshot import Snapshot
from tests.browser import steps
from tests.browser.conftest import AppServer
from tests.browser.steps import Person, Report, Walk

pytestmark = pytest.mark.browser

RUBEN = Person("Ruben de Groot", "Medewerker", "ruben@kivido.example")
MARIEKE = Person("Marieke Smit", "Medewerker", "marieke@kivido.example")
MAZ = Person("Nathalie Visser", "Manager Algemene Zaken", "nathalie@kivido.example")
REGENBOOG = "Kinderopvang De Regenboog (demo)"
SERVER_DOWN = Report(
    "Medewerker",
    "Kinderopvang De Zonnebloem (demo)",
    "Server",
    True,
    "De server reageert niet; niemand kan inloggen.",
    "06-12345678",
)


@pytest.fixture(params=["sqlite", "sheets"])
def walk(page_in, tmp_path, request):
    """The app on a fresh store (embedded database, or the Sheet stand-in); `begin(name)`
    opens a browser session of its own."""
    if request.param == "sqlite":
        db = tmp_path / "kivido.db"
        repo = SqlRepository.at_path(db)
        repo.setup()
        env = {"KIVIDO_STORE": "sqlite", "KIVIDO_DB": str(db)}
    else:
        standin = request.getfixturevalue("standin")
        repo = request.getfixturevalue("make_sheets_repo")()
        env = {
            "KIVIDO_STORE": "sheets",
            "KIVIDO_SHEET_KEY": repo.key,
            "KIVIDO_SHEETS_API_ROOT": standin.url,
        }
    demo.seed_reference_data(repo)
    # Two sessions at once: without the shared read's reuse ([app] cache_seconds, up to
    # 10 s old by design), so the second sees the first's report at once.
    env |= {"KIVIDO_DEMO_MODE": "true", "KIVIDO_CACHE_SECONDS": "0"}
    server = AppServer(env, tmp_path / "streamlit.log")
    failed_before = request.session.testsfailed
    walks = []

    def begin(name: str) -> Walk:
        """A browser session of its own: each colleague at their own computer."""
        page = page_in()
        steps.open_app(page, server.url)
        walks.append(Walk(page, request.param, f"outage-{name}"))
        return walks[-1]

    yield begin, repo
    if request.session.testsfailed > failed_before:
        for w in walks:
            steps.screenshot(w.page, f"{w.driver}-{w.procedure}-failed")
    server.stop()
    if isinstance(repo, SqlRepository):
        repo.engine.dispose()


def test_second_reporter_presses_ik_heb_dit_ook_and_hears_it_is_solved(walk):
    """Test that "Ik heb dit ook" makes no second report or order, and both hear each update."""
    begin, repo = walk
    walk = begin("ruben-maz")
    page = walk.page
    walk.as_person(RUBEN)
    walk.visit("Melden")
    number = steps.submit_report(page, RUBEN, SERVER_DOWN)

    marieke = begin("marieke")
    marieke.as_person(MARIEKE)
    main = marieke.visit("Melden")
    steps.expect_text(main, "Bekende storingen")
    mpage = marieke.page
    steps.choose_option(mpage, steps.widget(main, "stSelectbox", "Uw locatie"), REGENBOOG)
    known = steps.card(mpage, re.compile(rf"{number} · Server"), "Ik heb dit ook")
    steps.expect_text(known, re.compile(r"^Sinds \d\d:\d\d · de Manager Algemene Zaken"))
    marieke.shot()  # the Melden screen with a known outage (issue 14's note)
    steps.press(known, "Ik heb dit ook", then=f"Vastgelegd: u krijgt de berichten over {number}.")
    steps.expect_text(main, "U staat bij deze storing: u krijgt de berichten.")
    marieke.shot()

    walk.as_person(MAZ)
    walk.visit("Beoordelen")
    steps.triage(page, number, urgent=True, reason="Server ligt eruit")
    walk.visit("Postvak")
    steps.mark_order_sent(page, number)
    walk.visit("Nemesys")
    steps.confirm_order(page, number, "NEM-77")
    steps.order_step(page, number, "Opgelost", then="Gemarkeerd als opgelost.")

    marieke.visit("Mijn meldingen")
    report = steps.my_report(mpage, number)
    steps.expect_text(report, re.compile(rf"{number} · Server · .* · Opgelost"))
    marieke.shot()

    snap = Snapshot(repo.read_all())
    assert len(snap.rows("tickets")) == 1 and len(snap.rows("orders")) == 1
    messages = snap.rows("messages")
    assert [m["to_address"] for m in messages].count("support@nemesys.nl") == 1
    for stage in ("Doorgegeven aan Nemesys", "Nemesys werkt eraan", "Opgelost"):
        got = Counter(m["to_address"] for m in messages if m["subject"].endswith(stage))
        assert got == Counter([RUBEN.email, MARIEKE.email]), stage
