"""The command line for people: add-user and set-password, and the database file
they create (readable by its owner only).
"""

from __future__ import annotations

import io
import os
import stat
from datetime import datetime

import pytest

from lib import accounts, cli, people
from lib.procedure import Role
from lib.repository.sql import SqlRepository
from lib.snapshot import Snapshot
from lib.workdays import AMSTERDAM

PASSWORD, OTHER = "Zonnebloem-2026!", "Regenboog-eigen-42"


@pytest.fixture
def db(tmp_path, monkeypatch):
    """KIVIDO_DB in a folder that does not exist yet; local accounts; no terminal."""
    path = tmp_path / "nieuw" / "map" / "kivido.db"
    monkeypatch.setenv("KIVIDO_STORE", "sqlite")
    monkeypatch.setenv("KIVIDO_DB", str(path))
    monkeypatch.setenv("KIVIDO_DEMO_MODE", "false")
    monkeypatch.setenv("KIVIDO_SECRETS", str(tmp_path / "geen-secrets.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    return path


def stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def terminal(monkeypatch, *answers: str) -> list[str]:
    """A terminal on stdin; getpass answers in turn and records its prompts."""
    monkeypatch.setattr("sys.stdin", Terminal(""))
    prompts: list[str] = []
    queue = list(answers)

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return queue.pop(0)

    monkeypatch.setattr(cli.getpass, "getpass", fake_getpass)
    return prompts


def repo(path) -> SqlRepository:
    return SqlRepository.at_path(path)


def snap(path) -> Snapshot:
    return Snapshot(repo(path).read(["users", "accounts"]))


def can_sign_in(path, email: str, password: str) -> bool:
    try:
        accounts.sign_in(repo(path), email, password, sleep=lambda s: None)
    except accounts.SignInRefused:
        return False
    return True


def add(*args: str) -> int:
    return cli.main(["add-user", *args])


def test_add_user_makes_the_first_maz_with_a_password_from_stdin(db, monkeypatch, capsys):
    stdin(monkeypatch, PASSWORD + "\n")
    code = add(
        "--name",
        "Nathalie de Boer",
        "--email",
        "Nathalie@Kivido.nl",
        "--roles",
        "maz,directie",
        "--password-stdin",
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    row = people.person(snap(db), "nathalie@kivido.nl")
    assert (row["name"], row["email"], row["active"]) == (
        "Nathalie de Boer",
        "nathalie@kivido.nl",
        True,
    )
    assert people.parse_roles(row["role"]) == {Role.MAZ, Role.DIRECTIE}
    assert can_sign_in(db, "nathalie@kivido.nl", PASSWORD)
    assert not accounts.must_change(repo(db), "nathalie@kivido.nl")  # the first MAZ's own
    assert not accounts.first_start_needed(repo(db))
    password_hash = accounts.account(snap(db), "nathalie@kivido.nl")["password_hash"]
    assert password_hash.startswith("$argon2id$")
    for text in (out, err):
        assert PASSWORD not in text and "$argon2" not in text and password_hash not in text
    assert "toegevoegd" in out and "Manager Algemene Zaken, Directie" in out


def test_the_database_file_is_made_readable_by_its_owner_only(db, monkeypatch):
    old = os.umask(0)  # even a permissive umask gives no one else access
    try:
        assert add("--name", "Nathalie", "--email", "nathalie@kivido.nl", "--roles", "maz") == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    for side in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0


def test_an_existing_world_readable_database_file_is_made_private(tmp_path):
    path = tmp_path / "oud.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    SqlRepository.at_path(path).setup()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_interactive_add_user_asks_twice_and_never_echoes(db, monkeypatch, capsys):
    prompts = terminal(monkeypatch, PASSWORD, PASSWORD)
    assert add("--name", "Nathalie", "--email", "nathalie@kivido.nl", "--roles", "maz") == 0
    assert len(prompts) == 2 and all("Wachtwoord" in p for p in prompts)
    assert can_sign_in(db, "nathalie@kivido.nl", PASSWORD)
    assert PASSWORD not in capsys.readouterr().out

    terminal(monkeypatch, OTHER, OTHER + "?")  # the two differ: refused, nothing changes
    before = snap(db).tables
    assert add("--name", "Ruben", "--email", "ruben@kivido.nl", "--roles", "medewerker") == 2
    assert "niet gelijk" in capsys.readouterr().err
    assert snap(db).tables == before

    terminal(monkeypatch, "")  # left empty: the person is added without a password
    assert add("--name", "Ruben", "--email", "ruben@kivido.nl", "--roles", "medewerker") == 0
    assert "set-password --email ruben@kivido.nl" in capsys.readouterr().out
    assert accounts.account(snap(db), "ruben@kivido.nl") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", " ", "--email", "a@kivido.nl", "--roles", "maz"], "Naam is verplicht."),
        (["--name", "A", "--email", "a@kivido", "--roles", "maz"], "geen geldig e-mailadres"),
        (["--name", "A", "--email", "a@kivido.nl", "--roles", "baas"], "Onbekende rol 'baas'"),
        (["--name", "A", "--email", "a@kivido.nl", "--roles", " , "], "minstens één rol"),
    ],
)
def test_bad_input_is_refused_in_dutch_with_exit_code_2_and_changes_nothing(
    db, capsys, args, message
):
    assert add(*args) == 2
    err = capsys.readouterr().err
    assert "Geweigerd" in err and message in err
    assert not db.exists()  # refused before the store was even opened


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kort\n", "minstens 10 tekens"),
        ("", "geen wachtwoord ontvangen"),
        (" met-spatie-ervoor\n", "spatie"),
    ],
)
def test_a_bad_password_is_refused_and_nothing_is_written(db, monkeypatch, capsys, text, message):
    stdin(monkeypatch, text)
    assert add("--name", "A", "--email", "a@kivido.nl", "--roles", "maz", "--password-stdin") == 2
    err = capsys.readouterr().err
    assert message in err
    if text.strip():
        assert text.strip() not in err  # the password itself is never shown
    assert not db.exists()


def test_missing_arguments_are_refused_by_argparse_with_exit_code_2(db):
    with pytest.raises(SystemExit) as e:
        cli.main(["add-user", "--name", "A", "--email", "a@kivido.nl"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        cli.main(["set-password"])
    assert e.value.code == 2


def test_add_user_updates_a_person_and_gives_others_a_temporary_password(db, monkeypatch, capsys):
    stdin(monkeypatch, PASSWORD + "\n")
    add("--name", "Nathalie", "--email", "nathalie@kivido.nl", "--roles", "maz", "--password-stdin")
    stdin(monkeypatch, "Tijdelijk-wachtwoord-1\n")
    assert (
        add(
            "--name",
            "Ruben",
            "--email",
            "ruben@kivido.nl",
            "--roles",
            "medewerker",
            "--password-stdin",
        )
        == 0
    )
    assert accounts.must_change(repo(db), "ruben@kivido.nl")
    assert "Tijdelijk wachtwoord ingesteld" in capsys.readouterr().out

    assert (
        add(
            "--name",
            "Ruben de Groot",
            "--email",
            "RUBEN@kivido.nl",
            "--roles",
            "unitmanager,Financiën",
        )
        == 0
    )
    assert "bijgewerkt" in capsys.readouterr().out
    users = snap(db).rows("users")
    assert len(users) == 2
    ruben = people.person(snap(db), "ruben@kivido.nl")
    assert ruben["name"] == "Ruben de Groot"
    assert people.parse_roles(ruben["role"]) == {Role.UNIT_MANAGER, Role.FINANCE}
    assert can_sign_in(db, "ruben@kivido.nl", "Tijdelijk-wachtwoord-1")  # password kept


def test_add_user_keeps_the_last_maz(db, capsys):
    assert add("--name", "Nathalie", "--email", "nathalie@kivido.nl", "--roles", "maz") == 0
    before = snap(db).tables
    assert add("--name", "Nathalie", "--email", "nathalie@kivido.nl", "--roles", "directie") == 2
    assert "minstens één actieve Manager Algemene Zaken" in capsys.readouterr().err
    assert snap(db).tables == before


def test_set_password_for_a_forgotten_maz_password_lifts_the_lock(db, monkeypatch, capsys):
    stdin(monkeypatch, PASSWORD + "\n")
    add("--name", "Nathalie", "--email", "nathalie@kivido.nl", "--roles", "maz", "--password-stdin")
    moment = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
    for _ in range(5):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(
                repo(db), "nathalie@kivido.nl", "vergeten!!", now=lambda: moment, sleep=lambda s: 0
            )
    assert accounts.account(snap(db), "nathalie@kivido.nl")["locked_until"]
    capsys.readouterr()

    stdin(monkeypatch, OTHER + "\n")
    assert cli.main(["set-password", "--email", "Nathalie@kivido.nl"]) == 0
    out, err = capsys.readouterr()
    assert "Wachtwoord ingesteld voor Nathalie" in out
    assert OTHER not in out + err and "$argon2" not in out + err
    assert can_sign_in(db, "nathalie@kivido.nl", OTHER)
    assert not can_sign_in(db, "nathalie@kivido.nl", PASSWORD)
    assert not accounts.must_change(repo(db), "nathalie@kivido.nl")

    stdin(monkeypatch, "Nog-een-keer-2026\n")
    assert cli.main(["set-password", "--email", "nathalie@kivido.nl", "--temporary"]) == 0
    assert accounts.must_change(repo(db), "nathalie@kivido.nl")


def test_set_password_refuses_an_unknown_address_and_a_weak_password(db, monkeypatch, capsys):
    add("--name", "Nathalie", "--email", "nathalie@kivido.nl", "--roles", "maz")
    before = snap(db).tables
    stdin(monkeypatch, OTHER + "\n")
    assert cli.main(["set-password", "--email", "onbekend@kivido.nl"]) == 2
    assert "Niemand met dit e-mailadres" in capsys.readouterr().err
    stdin(monkeypatch, "kort\n")
    assert cli.main(["set-password", "--email", "nathalie@kivido.nl"]) == 2
    assert "minstens 10 tekens" in capsys.readouterr().err
    stdin(monkeypatch, OTHER + "\n")
    assert cli.main(["set-password", "--email", "geen-adres"]) == 2
    assert snap(db).tables == before

    prompts = terminal(monkeypatch, OTHER, OTHER)  # in a terminal: asked twice
    assert cli.main(["set-password", "--email", "nathalie@kivido.nl"]) == 0
    assert len(prompts) == 2 and can_sign_in(db, "nathalie@kivido.nl", OTHER)


def test_the_help_is_in_dutch(capsys):
    for command in ("add-user", "set-password"):
        with pytest.raises(SystemExit) as e:
            cli.main([command, "--help"])
        assert e.value.code == 0
    out = capsys.readouterr().out
    assert "Voeg een persoon toe met een of meer rollen" in out
    assert "vergeten wachtwoord van de Manager Algemene Zaken" in out
    assert "--password-stdin" in out and "afsluitcode 2" in out


def test_add_user_on_a_demo_persons_address_makes_them_real(db):
    from lib import demo

    store = repo(db)
    store.setup()
    demo.seed_reference_data(store)
    assert accounts.first_start_needed(store)  # demo people do not count
    assert add("--name", "Nathalie", "--email", "maz@kivido.example", "--roles", "maz") == 0
    row = people.person(snap(db), "maz@kivido.example")
    assert row["is_demo"] is False and row["name"] == "Nathalie"
    assert not accounts.first_start_needed(store)
