"""AppTest: Melden (2.1/2.2 step 1), the staff form: one submission makes one report."""

import pytest

from lib import catalog
from lib.procedure import Ticket
from tests.app_checks import counts, message_after, texts
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import Office

PAGE = "pages/melden.py"


@pytest.fixture
def office(app_store):  # noqa: F811
    return Office(app_store)


def staff():
    """Ruben, signed in as a staff member: the form knows his name and address."""
    return page(PAGE, role="medewerker", name="Ruben de Groot", email="ruben@kivido.example")


def on_behalf():
    """The MAZ registering a report for a caller: name and address are typed."""
    at = page(PAGE, role="maz", name="Nathalie Visser", email="maz@kivido.example").run()
    at.toggle(key="melden-namens").set_value(True).run()
    return at


def fill(at, **overrides):
    values = {
        "reporter_name": "Ruben de Groot",
        "reporter_email": "Ruben@Kivido.example",
        "location_id": "demo-zonnebloem",
        "category": "printen",
        "description": "De printer op de eerste verdieping geeft een papierstoring.",
        "contact_info": "06-12345678",
    }
    values.update(overrides)
    for name in ("reporter_name", "reporter_email", "contact_info"):
        if not at.text_input(key=f"melden-{name}").disabled:  # else known from sign-in
            at.text_input(key=f"melden-{name}").input(values[name])
    at.text_area(key="melden-description").input(values["description"])
    for name in ("location_id", "category"):
        if values[name] is not None:
            at.selectbox(key=f"melden-{name}").select(values[name])
    if values.get("blocks"):
        at.checkbox(key="melden-blocks_office_work").check()
    return at


def submit(at):
    return at.button(key="melden-submit").click().run()


def test_form_offers_the_lists_and_the_procedures_examples(office):
    """Test that the form lists locations (head office first), categories and the examples."""
    at = staff().run()
    assert not at.exception
    locations = at.selectbox(key="melden-location_id").options
    assert locations[0] == "Hoofdkantoor (demo)" and len(locations) == 5
    assert at.selectbox(key="melden-category").options == list(catalog.CATEGORIES.values())
    assert at.radio(key="melden-reporter_role").options == ["Medewerker", "Unitmanager"]
    shown = texts(at)
    for example in catalog.URGENT_EXAMPLES + catalog.NOT_URGENT_EXAMPLES:
        assert example in shown
    assert at.expander[0].label == "Wanneer is een storing urgent?"


@pytest.mark.parametrize(("role", "default"), [("unitmanager", "unitmanager"), ("maz", None)])
def test_any_role_may_report(office, role, default):
    """Test that unit managers and the MAZ can use the form too (role preset when it fits)."""
    at = page(PAGE, role=role, name="Iemand", email="iemand@kivido.example").run()
    assert not at.exception and not at.info
    assert at.radio(key="melden-reporter_role").value == (default or "medewerker")
    submit(fill(at))
    assert counts(office.repo)["tickets"] == 1


def test_a_report_gets_a_number_and_says_what_happens_next(office):
    """Test that submitting makes one ticket and shows its number and the next steps in Dutch."""
    at = submit(fill(staff().run()))
    assert not at.exception
    tickets = office.repo.read_all()["tickets"]
    assert len(tickets) == 1
    ticket = tickets[0]
    assert ticket["status"] == Ticket.NEW and ticket["reporter_email"] == "ruben@kivido.example"
    assert ticket["location_id"] == "demo-zonnebloem" and ticket["category"] == "printen"
    assert at.success[0].value == "Melding verstuurd."
    assert at.subheader[0].value == f"Uw meldingsnummer: {ticket['number']}"
    shown = texts(at)
    assert "beoordeelt uw melding" in shown and "direct bij Nemesys" in shown
    assert "volgende werkdag" in shown and "e-mail" in shown
    assert not at.get("form")  # the form is gone: nothing left to press twice
    assert ticket["reporter_name"] == "Ruben de Groot"


def test_the_reporter_is_who_signed_in_whatever_the_form_says(office):
    """Test that name and address come from sign-in: the fields are shown but cannot be changed."""
    at = staff().run()
    assert at.text_input(key="melden-reporter_name").value == "Ruben de Groot"
    assert at.text_input(key="melden-reporter_email").value == "ruben@kivido.example"
    assert at.text_input(key="melden-reporter_name").disabled
    assert at.text_input(key="melden-reporter_email").disabled
    assert not at.get("toggle")  # only the MAZ reports on behalf of someone


def test_the_maz_registers_a_report_on_behalf_of_a_caller(office):
    """Test that a report 'namens' carries the caller as reporter and says so on the timeline."""
    at = submit(
        fill(on_behalf(), reporter_name="Sanne Jansen", reporter_email="sanne@kivido.example")
    )
    assert not at.exception
    ticket = office.repo.read(["tickets"])["tickets"][0]
    assert (ticket["reporter_name"], ticket["reporter_email"]) == (
        "Sanne Jansen",
        "sanne@kivido.example",
    )
    (event,) = office.repo.read(["events"])["events"]
    assert event["action"] == "submit_on_behalf" and event["actor_name"] == "Nathalie Visser"
    assert "Namens Sanne Jansen" in event["note"]


@pytest.mark.parametrize(
    ("category", "blocks", "suggested"),
    [("printen", False, "niet_urgent"), ("printen", True, "urgent"), ("server", False, "urgent")],
)
def test_the_suggested_urgency_comes_from_category_and_impact(office, category, blocks, suggested):
    """Test that the suggestion for the MAZ follows category and 'office cannot work'."""
    submit(fill(staff().run(), category=category, blocks=blocks))
    ticket = office.repo.read_all()["tickets"][0]
    assert ticket["suggested_urgency"] == suggested and ticket["urgency"] == ""
    assert ticket["blocks_office_work"] is blocks


def test_missing_fields_are_named_next_to_each_field_and_nothing_is_written(office):
    """Test that an empty form shows a Dutch message beside every required field, writes nothing."""
    before = counts(office.repo)
    at = submit(on_behalf())
    assert not at.exception
    assert message_after(at, "melden-reporter_name") == "Naam is verplicht."
    assert message_after(at, "melden-reporter_email") == "E-mailadres is verplicht."
    # Each message names the field by its own label on the form (issue 12).
    assert message_after(at, "melden-location_id") == "Locatie: kies een van de mogelijkheden."
    assert message_after(at, "melden-category") == "Soort storing: kies een van de mogelijkheden."
    assert message_after(at, "melden-description") == "Omschrijving is verplicht."
    assert message_after(at, "melden-contact_info") == ""  # optional
    assert "Controleer de invoer" in at.error[0].value
    assert counts(office.repo) == before


@pytest.mark.parametrize(
    ("field", "value", "widget", "message"),
    [
        ("reporter_email", "ruben-at-kivido", "melden-reporter_email", "geen geldig e-mailadres"),
        ("reporter_email", "ruben@kivido", "melden-reporter_email", "geen geldig e-mailadres"),
        ("description", "x" * 50_000, "melden-description", "te lang (50.000 tekens"),
        ("description", "kapot\x00\x07", "melden-description", "stuurtekens"),
        ("reporter_name", "Ruben\x1b[31m", "melden-reporter_name", "stuurtekens"),
        ("contact_info", "06\x0812", "melden-contact_info", "stuurtekens"),
        ("reporter_name", "R" * 201, "melden-reporter_name", "te lang"),
        ("reporter_name", "   ", "melden-reporter_name", "verplicht"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(office, field, value, widget, message):
    """Test that a bad value gets a Dutch message beside its field, keeps the input, writes nothing."""
    before = counts(office.repo)
    at = submit(fill(on_behalf(), **{field: value}))
    assert not at.exception
    assert message in message_after(at, widget)
    others = [k for k in ("melden-reporter_name", "melden-description") if k != widget]
    assert all(message_after(at, k) == "" for k in others)
    assert counts(office.repo) == before
    assert at.text_input(key="melden-reporter_name").value == (
        value if field == "reporter_name" else "Ruben de Groot"
    )


def test_fixing_the_input_then_submitting_makes_one_report(office):
    """Test that after a refusal the corrected form goes through and the messages disappear."""
    at = submit(fill(on_behalf(), reporter_email="fout"))
    at.text_input(key="melden-reporter_email").input("ruben@kivido.example")
    at = submit(at)
    assert not at.error and counts(office.repo)["tickets"] == 1


def test_pressing_submit_twice_makes_one_report(office):
    """Test that a double click (the same submission sent twice in one session) makes one report."""
    at = fill(staff().run())
    submission = at.session_state["melden-submission"]
    submit(at)
    # The second click of a double click arrives as if the form were still on screen.
    at.session_state["melden-done"] = ""
    at.run()
    assert at.get("form")
    at = submit(at)
    assert at.session_state["melden-submission"] == submission
    assert counts(office.repo)["tickets"] == 1
    assert counts(office.repo)["events"] == 1
    assert counts(office.repo)["messages"] == 1


def test_a_new_report_gets_a_fresh_form_and_a_new_submission(office):
    """Test that 'Nieuwe melding maken' empties the form and a second report gets its own number."""
    at = submit(fill(staff().run()))
    first = at.session_state["melden-submission"]
    at.button(key="melden-new").click().run()
    assert at.text_area(key="melden-description").value == ""
    assert at.session_state["melden-submission"] != first
    at = submit(fill(at, category="telefonie"))
    numbers = sorted(t["number"][-4:] for t in office.repo.read_all()["tickets"])
    assert numbers == ["0001", "0002"]
