"""The scheduled jobs of deploy/ (issue 15, point 3): systemd units and timers, and the crontab.

`systemd-analyze verify` checks every unit as systemd would load it (syntax,
calendar specifications, that ExecStart's program exists: the units name
/srv/kivido-storingen, which the test points at this checkout). A broken copy
must fail, so the check can fail. Then each job's own command line, taken from
its unit, runs twice against a real store (and a real SMTP server for the
digest): a second run must do no harm (idempotent), as the timers' Persistent=
and a by-hand run may repeat it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lib.config import ROOT
from lib.repository.sql import SqlRepository
from tests.flows import Office
from tests.smtp_server import SmtpServer

UNITS = ROOT / "deploy" / "systemd"
INSTALLED_AT = "/srv/kivido-storingen"
JOBS = ("digest", "backup", "purge", "fetch-mail", "archive")  # each a timer + a oneshot service


def systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    if not path:
        message = "systemd-analyze ontbreekt: installeer Debian's pakket 'systemd' (zie .ci/run)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def units_here(folder: Path) -> Path:
    """The unit files with /srv/kivido-storingen replaced by this checkout."""
    for unit in UNITS.iterdir():
        (folder / unit.name).write_text(unit.read_text().replace(INSTALLED_AT, str(ROOT)))
    return folder


def verify(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [systemd_analyze(), "verify", "--man=no", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def exec_start(unit: Path) -> list[str]:
    """ExecStart= of a unit, as an argument list (continuation lines joined)."""
    text = unit.read_text().replace("\\\n", " ")
    (line,) = re.findall(r"^ExecStart=(.*)$", text, flags=re.M)
    return shlex.split(line)


def test_every_unit_and_timer_passes_systemd_analyze_verify(tmp_path):
    """Test that the app service, and each job's service and timer, load cleanly."""
    folder = units_here(tmp_path)
    names = sorted(p.name for p in folder.iterdir())
    assert "kivido-storingen.service" in names
    for job in JOBS:
        assert {f"kivido-{job}.service", f"kivido-{job}.timer"} <= set(names)
    done = verify(*sorted(folder.iterdir()))
    assert done.returncode == 0, done.stderr


def test_a_broken_unit_fails_the_same_check(tmp_path):
    """Test that the verification catches a wrong time and a missing program."""
    folder = units_here(tmp_path)
    timer = folder / "kivido-digest.timer"
    timer.write_text(timer.read_text().replace("07:30:00", "77:30:00"))
    assert verify(timer).returncode != 0
    service = folder / "kivido-backup.service"
    service.write_text(service.read_text().replace(str(ROOT) + "/.venv", "/nonexistent"))
    assert verify(service).returncode != 0


def test_the_digest_timer_fires_on_working_days_at_half_past_seven_in_amsterdam():
    """Test the digest's calendar: Monday to Friday 07:30 Dutch time, never at the weekend."""
    (spec,) = re.findall(r"^OnCalendar=(.*)$", (UNITS / "kivido-digest.timer").read_text(), re.M)
    done = subprocess.run(
        [systemd_analyze(), "calendar", "--iterations=7", spec],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TZ": "Europe/Amsterdam", "LC_ALL": "C"},
    )
    elapses = re.findall(r"(?:Next elapse|Iter\. #\d+): (\w{3}) \S+ (\d\d:\d\d:\d\d)", done.stdout)
    assert len(elapses) == 7, done.stdout
    assert {day for day, _ in elapses} == {"Mon", "Tue", "Wed", "Thu", "Fri"}
    assert {hour for _, hour in elapses} == {"07:30:00"}


def test_the_crontab_runs_the_same_commands_as_the_timers():
    """Test that deploy/crontab schedules every job of the timers, with the same command."""
    lines = [
        line
        for line in (ROOT / "deploy" / "crontab").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not re.match(r"^\w+=", line)
    ]
    commands = {}
    for line in lines:
        fields = line.split(None, 5)
        assert len(fields) == 6, line
        commands[fields[5].split("lib.cli ", 1)[1]] = fields[:5]
    from_units = {
        " ".join(exec_start(UNITS / f"kivido-{job}.service")[3:]).replace("systemd-timer", "cron")
        for job in JOBS
    }
    assert set(commands) == from_units
    assert commands["digest"] == ["30", "7", "*", "*", "1-5"]


def run_job(job: str, env: dict) -> subprocess.CompletedProcess:
    """The job's ExecStart, with this checkout's interpreter, from the working directory."""
    argv = exec_start(UNITS / f"kivido-{job}.service")
    assert argv[0] == f"{INSTALLED_AT}/.venv/bin/python"
    return subprocess.run(
        [sys.executable, *argv[1:]],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def store(tmp_path) -> tuple[dict, SqlRepository]:
    """A store with a report whose check is overdue, and a secrets file pointing at it."""
    db = tmp_path / "data" / "kivido.db"
    repo = SqlRepository.at_path(db)
    repo.setup()
    Office(repo).waiting(description="De printer op kantoor haalt geen papier in.")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("")
    return {"KIVIDO_DB": str(db), "KIVIDO_SECRETS": str(secrets)}, repo


def test_the_digest_job_run_twice_mails_once(store, tmp_path):
    """Test the digest unit's command twice on one day: one mail to the MAZ."""
    env, _ = store
    with SmtpServer() as smtp:
        table = smtp.secrets_table(security="none")
        Path(env["KIVIDO_SECRETS"]).write_text(
            "[smtp]\n" + "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in table.items())
        )
        first, second = run_job("digest", env), run_job("digest", env)
        assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
        assert len(smtp.received) == 1


def test_the_backup_job_run_twice_keeps_two_good_copies(store):
    """Test the backup unit's command twice: two copies beside the database, data unchanged."""
    env, repo = store
    before = repo.read_all()
    for _ in range(2):
        done = run_job("backup", env)
        assert done.returncode == 0, done.stderr
    copies = sorted((Path(env["KIVIDO_DB"]).parent / "backups").glob("kivido-backup-*.db"))
    assert len(copies) == 2
    assert all(SqlRepository.at_path(c).read_all() == before for c in copies)
    assert repo.read_all() == before


@pytest.mark.parametrize("job", ["purge", "archive"])
def test_the_job_run_twice_changes_nothing_the_second_time(store, job):
    """Test the purge and archive units' commands twice: both succeed, the second leaves the
    store as it was."""
    env, repo = store
    first = run_job(job, env)
    assert first.returncode == 0, first.stderr
    after_first = repo.read_all()
    second = run_job(job, env)
    assert second.returncode == 0, second.stderr
    assert repo.read_all() == after_first


def test_compact_log_is_a_sheet_job_that_refuses_another_store(store):
    """Test the compact-log unit's command on the embedded store: a clear refusal, nothing changed
    (the unit is documented as Sheet-only), and that its timer fires every quarter of an hour."""
    env, repo = store
    before = repo.read_all()
    done = run_job("compact-log", env)
    assert done.returncode == 2 and "alleen voor de Google Sheet" in done.stdout
    assert repo.read_all() == before
    timer = (UNITS / "kivido-compact-log.timer").read_text()
    assert "OnCalendar=*-*-* *:00/15:00" in timer
