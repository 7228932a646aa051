"""`python -m lib.cli purge` as the cron job runs it (issue 13), called in-process.

The function behind the command is called directly on a real SQLite store, so
mutation testing (which only sees tests running in its own process) reaches it.
A report closed in March 2023 is far past the 24 months' retention.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import datetime

import pytest

from lib import privacy, workdays
from lib.config import Config
from lib.procedure import Actor, Role
from lib.repository import Conflict, Insert, StoreUnavailable, Update
from lib.repository.sql import SqlRepository
from tests.flows import Office


@pytest.fixture
def store(tmp_path) -> tuple[SqlRepository, dict]:
    repo = SqlRepository.at_path(tmp_path / "purge.db")
    repo.setup()
    office = Office(repo, start=datetime(2023, 3, 6, 10, 0, tzinfo=workdays.AMSTERDAM))
    ticket = office.submit(description="Printer kapot, bel Ruben op 06-12345678")
    office.urgent_until_closed(office.ticket(ticket["id"]))
    return repo, ticket


def purge_events(repo) -> list[dict]:
    return [e for e in repo.read(["events"])["events"] if e["entity"] == "privacy"]


def test_the_dry_run_prints_the_plan_and_says_nothing_changed(store, capsys):
    """Test that a dry run exits 0, names the old report and leaves the store as it was."""
    repo, ticket = store
    before = repo.read_all()
    assert privacy.purge_command(Config(), repo, dry_run=True, by="Nathalie de Boer") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Bewaartermijn 24 maanden")
    assert any(line.startswith(f"{ticket['number']}: afgesloten op") for line in out)
    assert out[-1] == "Proefdraai: er is niets veranderd."
    assert not any(line.startswith("Opgeschoond door") for line in out)
    assert repo.read_all() == before


def test_a_run_without_a_name_records_the_system_user_as_the_maz(store, capsys):
    """Test that the purge without --door is recorded as the system user on the command line,
    in the MAZ's role, and the report's personal fields are replaced."""
    repo, ticket = store
    assert privacy.purge_command(Config(), repo, dry_run=False, by="") == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{ticket['number']}: afgesloten op") for line in out)
    assert "Proefdraai: er is niets veranderd." not in out
    [event] = purge_events(repo)
    assert getpass.getuser() in event["actor_name"] and "opdrachtregel" in event["actor_name"]
    assert event["actor_role"] == "maz"
    assert out[-1] == f"Opgeschoond door {event['actor_name']}."
    assert repo.get("tickets", ticket["id"])["description"] == privacy.MARKER


def test_a_named_run_records_that_name(store, capsys):
    """Test that --door names who purged, in the event and in the closing line."""
    repo, _ = store
    assert privacy.purge_command(Config(), repo, dry_run=False, by="Nathalie de Boer") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Opgeschoond door Nathalie de Boer."
    assert [e["actor_name"] for e in purge_events(repo)] == ["Nathalie de Boer"]


@pytest.mark.parametrize(
    "failure",
    [Conflict("tickets", "t1"), StoreUnavailable("De opslag antwoordt niet."), ValueError("x")],
    ids=["conflict", "store-unavailable", "bad-setting"],
)
def test_a_failed_write_exits_1_with_a_dutch_message(store, capsys, monkeypatch, failure):
    """Test that a conflict, an unreachable store or a bad setting ends the cron job with exit 1
    and a Dutch message on stderr, nothing on stdout (what was not written is found next time)."""
    repo, _ = store

    def fail(changes):
        raise failure

    monkeypatch.setattr(repo, "commit", fail)
    assert privacy.purge_command(Config(), repo, dry_run=False, by="Nathalie de Boer") == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("Niet (helemaal) opgeschoond: ")
    assert str(failure) in captured.err
    assert captured.out == ""


def test_a_retention_of_zero_months_is_refused_with_exit_1(store, capsys):
    """Test that retention_months = 0 on Beheer stops the command with exit 1, no change."""
    repo, _ = store
    repo.commit([Insert("settings", {"id": "s1", "key": "retention_months", "value": "0"})])
    before = repo.read_all()
    assert privacy.purge_command(Config(), repo, dry_run=False, by="") == 1
    assert "minstens 1 maand" in capsys.readouterr().err
    assert repo.read_all() == before


def test_retention_counts_from_the_closing_step_not_the_rows_last_change(store, capsys):
    """Test that a report closed in 2023 whose row was changed again in 2026 (a correction
    by hand) is still past the 24 months: the period runs from closing (issue 13)."""
    repo, ticket = store
    row = repo.get("tickets", ticket["id"])
    later = {"updated_at": "2026-06-01T10:00:00+02:00"}
    repo.commit([Update("tickets", row["id"], row["version"], later)])
    assert privacy.purge_command(Config(), repo, dry_run=True, by="") == 0
    out = capsys.readouterr().out
    assert f"{ticket['number']}: afgesloten op " in out
    assert "-2023, " in out


def test_a_person_holding_maz_among_other_roles_purges_as_the_maz(store):
    """Test that the purge event of someone who is directie and MAZ says they acted as MAZ."""
    repo, _ = store
    both = Actor("Nathalie de Boer", Role.DIRECTIE, roles=frozenset({Role.MAZ}))
    privacy.purge(repo, both, Config())
    assert [e["actor_role"] for e in purge_events(repo)] == ["maz"]


def test_the_command_line_options_and_their_dutch_help():
    """Test `purge`'s options: a dry run and who purges, off and empty by default,
    each explained in Dutch in --help."""
    parser = argparse.ArgumentParser(prog="purge")
    privacy.add_arguments(parser)
    assert vars(parser.parse_args([])) == {"dry_run": False, "door": ""}
    given = parser.parse_args(["--dry-run", "--door", "Nathalie de Boer"])
    assert (given.dry_run, given.door) == (True, "Nathalie de Boer")
    help_text = " ".join(parser.format_help().split())
    assert "--dry-run toon alleen wat zou verdwijnen; verander niets" in help_text
    assert (
        "--door DOOR naam van wie opschoont (vastgelegd bij elke melding; "
        "standaard de systeemgebruiker)" in help_text
    )
