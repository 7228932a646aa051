"""AppTest: the Communicatie page (2.1 step 6) on the embedded store."""

import pytest

from lib import billing, formatting, services, texts
from lib.procedure import Communication
from tests.apptest_support import app_store  # noqa: F401

# The work list's cards draw their forms only when opened: these tests open them first.
from tests.cards_support import page_with_open_cards as page
from tests.flows import MAZ, Office

PAGE = "pages/communicatie.py"


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)


def phone_outage(office: Office) -> tuple[dict, dict]:
    """A telephony outage triaged as urgent: the ticket and its open communication task."""
    ticket = office.submit(category="telefonie")
    services.triage(
        office.desk(), office.snap(), office.ticket(ticket["id"]), urgent=True, reason="Ligt stil"
    )
    return office.ticket(ticket["id"]), office.snap().communication_task(ticket["id"])


def values(elements) -> list[str]:
    return [e.value for e in elements]


def test_no_open_tasks(app_store):  # noqa: F811
    """Test that without tasks the page says there is nothing to announce."""
    at = page(PAGE, role="unitmanager", email="sanne@kivido.example").run()
    assert not at.exception
    assert values(at.success) == ["Er zijn geen openstaande communicatietaken."]


def test_task_shows_every_announcement_and_the_unit_managers_other_contacts(office):
    """Test that both phases for all three channels are copyable and the UM's details shown."""
    ticket, _ = phone_outage(office)
    location = office.snap().location(ticket["location_id"])
    at = page(PAGE, role="unitmanager", email="sanne@kivido.example").run()
    assert not at.exception
    expected = [
        texts.announcement(phase, channel, ticket, location)
        for phase in texts.PHASES
        for channel in texts.CHANNELS
    ]
    assert values(at.code) == expected
    assert "Sanne Jansen\nTelefoon: 06-12340001\nE-mail: sanne@kivido.example" in values(at.text)
    assert [t.label for t in at.tabs] == list(texts.PHASES.values())
    assert any("nog niet opgelost" in c for c in values(at.caption))


def test_a_tick_records_who_and_when(office):
    """Test that ticking a channel stores and shows the actor and the moment."""
    _, task = phone_outage(office)
    key = f"tick-{task['id']}-storing-klasbord"
    at = page(PAGE, role="unitmanager", name="Sanne", email="sanne@kivido.example").run()
    at.button(key=key).click().run()
    assert not at.exception
    assert values(at.success) == ["Vastgelegd: geplaatst op Klasbord."]
    [tick] = office.snap().ticks(task["id"])
    assert (tick["phase"], tick["channel"], tick["actor_name"]) == ("storing", "klasbord", "Sanne")
    assert f"✓ Geplaatst door Sanne op {formatting.moment(tick['at'])}" in values(at.caption)
    assert key not in [b.key for b in at.button]


def path_to_tabs(node, path: tuple[int, ...] = ()) -> tuple[int, ...] | None:
    """Where the first tab sits in the page's element tree (its delta path)."""
    for index, child in getattr(node, "children", {}).items():
        if child.type == "tab":
            return (*path, index)
        found = path_to_tabs(child, (*path, index))
        if found:
            return found
    return None


def test_the_message_after_a_tick_leaves_the_tabs_in_place(office):
    """Test that the message after a tick does not move the tabs (so the open tab stays open)."""
    _, task = phone_outage(office)
    at = page(PAGE, role="unitmanager", email="sanne@kivido.example").run()
    before = path_to_tabs(at.main)
    at.button(key=f"tick-{task['id']}-opgelost-klasbord").click().run()
    assert values(at.success) == ["Vastgelegd: geplaatst op Klasbord."]
    assert path_to_tabs(at.main) == before


def test_a_stale_second_tick_does_not_duplicate(office):
    """Test that a channel ticked meanwhile by someone else stays one tick."""
    _, task = phone_outage(office)
    key = f"tick-{task['id']}-opgelost-groep"
    at = page(PAGE, role="unitmanager", email="sanne@kivido.example").run()
    billing.tick_channel(office.desk(MAZ), task, phase="opgelost", channel="groep")
    at.button(key=key).click().run()
    assert not at.exception
    assert len(office.snap().ticks(task["id"])) == 1


def test_complete_the_task(office):
    """Test that 'Taak afronden' closes the task, puts it on the timeline and removes it."""
    ticket, task = phone_outage(office)
    at = page(PAGE, role="maz").run()
    at.button(key=f"complete-{task['id']}").click().run()
    assert not at.exception
    assert values(at.success)[0] == "Communicatietaak afgerond."
    assert office.snap().communication_task(ticket["id"])["status"] == Communication.DONE
    actions = [e["action"] for e in office.snap().timeline(ticket["id"])]
    assert actions.count("complete") == 1
    assert not at.code


def test_completed_meanwhile_warns_and_completes_once(office):
    """Test that finishing a task someone else finished meanwhile warns and changes nothing."""
    ticket, task = phone_outage(office)
    at = page(PAGE, role="unitmanager", email="sanne@kivido.example").run()
    billing.complete_communication(office.desk(MAZ), task)
    at.button(key=f"complete-{task['id']}").click().run()
    assert not at.exception
    assert "Iemand anders heeft dit intussen gewijzigd." in at.warning[0].value
    actions = [e["action"] for e in office.snap().timeline(ticket["id"])]
    assert actions.count("complete") == 1
    assert values(at.success) == ["Er zijn geen openstaande communicatietaken."]


def test_other_outages_make_no_task(office):
    """Test that a printer outage creates no communication task."""
    ticket = office.submit(category="printen")
    services.triage(office.desk(), office.snap(), ticket, urgent=False, reason="Kan wachten")
    at = page(PAGE, role="unitmanager", email="sanne@kivido.example").run()
    assert values(at.success) == ["Er zijn geen openstaande communicatietaken."]


@pytest.mark.parametrize("role", ["medewerker", "directie", "financien"])
def test_only_unit_managers_and_the_maz_use_the_page(office, role):
    """Test that other roles get a Dutch message and no announcement or button."""
    phone_outage(office)
    at = page(PAGE, role=role).run()
    assert not at.exception
    assert values(at.info) == ["Deze pagina is voor: Unitmanager, Manager Algemene Zaken."]
    assert not at.code and not at.main.button
