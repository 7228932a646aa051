"""Settings on Beheer (issue 7): saved values win over secrets.toml and reach the rules."""

from datetime import datetime, time

import pytest

from lib import app_settings, services
from lib.config import Config
from lib.procedure import Actor, IllegalTransition, Role
from lib.validation import ValidationError
from lib.workdays import AMSTERDAM
from tests.app_checks import message_after
from tests.apptest_support import app_store, page  # noqa: F401
from tests.flows import MAZ, Office


@pytest.fixture
def office(repo):
    return Office(repo)


def test_without_saved_values_secrets_then_defaults_apply(office):
    """Test that a key from [app] applies, and an absent one keeps the procedure's default."""
    config = Config(extra={"check_time": "10:30"})
    values = app_settings.current(config, office.snap())
    assert values["check_time"] == "10:30" and values["day_start"] == "08:30"


def test_a_saved_check_time_moves_the_next_day_check(office):
    """Test that the MAZ's 11:00 on Beheer is the check moment of a not-urgent triage."""
    app_settings.save(office.repo, MAZ, office.snap(), {"check_time": "11:00"})
    config = app_settings.applied(Config(extra={"check_time": "10:30"}), office.snap())
    assert config.check_time == time(11, 0)
    ticket = office.submit(category="printen")
    desk = services.Desk(repo=office.repo, actor=MAZ, config=config, clock=office.clock)
    services.triage(desk, office.snap(), office.ticket(ticket["id"]), urgent=False, reason="x")
    due = datetime.fromisoformat(office.ticket(ticket["id"])["check_due_at"]).astimezone(AMSTERDAM)
    assert (due.date().isoformat(), due.time()) == ("2026-11-24", time(11, 0))  # Tuesday


def test_saving_twice_keeps_one_row_per_key(office):
    """Test that a second save updates the row instead of adding one."""
    app_settings.save(office.repo, MAZ, office.snap(), {"yearly_budget_eur": "25000"})
    app_settings.save(office.repo, MAZ, office.snap(), {"yearly_budget_eur": "30000,50"})
    rows = office.repo.read(["settings"])["settings"]
    assert [(r["key"], r["value"]) for r in rows] == [("yearly_budget_eur", "30000.5")]


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("check_time", "negen uur", "schrijf een tijd"),
        ("yearly_budget_eur", "-5", "positief"),
        ("recurring_min_reports", "2,5", "geheel"),
        ("cost_basis", "bruto", "geldige waarde"),
        ("target_resolve_urgent_hours", "", "verplicht"),
    ],
)
def test_a_bad_value_is_refused_in_dutch_and_nothing_is_stored(office, key, raw, message):
    with pytest.raises(ValidationError) as refused:
        app_settings.save(office.repo, MAZ, office.snap(), {key: raw})
    assert message in refused.value.errors[key]
    assert office.repo.read(["settings"])["settings"] == []


def test_a_working_day_that_ends_before_it_starts_is_refused(office):
    with pytest.raises(ValidationError):
        app_settings.save(
            office.repo, MAZ, office.snap(), {"day_start": "17:00", "day_end": "09:00"}
        )
    assert office.repo.read(["settings"])["settings"] == []


@pytest.mark.parametrize("role", [Role.STAFF, Role.UNIT_MANAGER, Role.DIRECTIE, Role.FINANCE])
def test_only_the_maz_changes_settings(office, role):
    with pytest.raises(IllegalTransition):
        app_settings.save(office.repo, Actor("X", role), office.snap(), {"check_time": "10:00"})
    assert office.repo.read(["settings"])["settings"] == []


def test_the_maz_saves_a_setting_on_beheer_and_a_bad_one_is_named_beside_its_field(app_store):  # noqa: F811
    """Test the Instellingen tab: 10:15 is stored; 'morgen' gets a Dutch message, nothing stored."""
    Office(app_store)
    at = page("pages/beheer.py", role="maz").run()
    at.text_input(key="instellingen-check_time").input("10:15")
    at.button(key="instellingen-save").click().run()
    assert not at.exception and "Instellingen opgeslagen." in at.success[0].value
    rows = {r["key"]: r["value"] for r in app_store.read(["settings"])["settings"]}
    assert rows["check_time"] == "10:15"
    at.text_input(key="instellingen-day_start").input("morgen")
    at.button(key="instellingen-save").click().run()
    assert "schrijf een tijd" in message_after(at, "instellingen-day_start")
    rows = {r["key"]: r["value"] for r in app_store.read(["settings"])["settings"]}
    assert rows["day_start"] == "08:30"
