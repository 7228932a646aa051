"""Local accounts: sign-in with a password when no identity provider is configured.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106); only the
hash is stored, in the private `accounts` table that never enters a page's
shared read. There is no default password: the first MAZ account is made on
the first start (the app's set-up screen or `python -m lib.cli add-user`).
Failed sign-ins are slowed, and after MAX_FAILURES in a row the account is
locked for LOCK_MINUTES; the MAZ can reset a password.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lib import people, validation, workdays
from lib.procedure import ROLE_LABELS, Actor, Role, refuse
from lib.repository import Insert, Repository, Update
from lib.snapshot import Snapshot

HASHER = PasswordHasher()  # argon2id
MIN_LENGTH = 10
MAX_FAILURES = 5
LOCK_MINUTES = 15
WRONG = "E-mailadres of wachtwoord onjuist."
# Verified when an address has no account, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("geen-account-voor-dit-adres")


class SignInRefused(Exception):
    """Sign-in failed; the Dutch message says why (never which part was wrong)."""


def _now() -> datetime:
    return workdays.now().astimezone(workdays.AMSTERDAM)


def _read(repo: Repository) -> Snapshot:
    return Snapshot(repo.read(["users", "accounts"]))


def account(snapshot: Snapshot, email: str) -> dict | None:
    wanted = people.normal_email(email)
    return next((a for a in snapshot.rows("accounts") if a["email"] == wanted), None)


def password_problem(password: str) -> str:
    """A Dutch message if the new password is too weak, else ''."""
    if len(password or "") < MIN_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens."
    if password.strip() != password:
        return "Een wachtwoord mag niet beginnen of eindigen met een spatie."
    return ""


def _password(password: str) -> str:
    """For validation.Form.check: the password, or ValueError with the Dutch reason."""
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return password


def _checked_password(password: str, field: str = "password") -> str:
    f = validation.Form()
    f.check(field, _password, password)
    f.done()
    return password


def first_start_needed(repo: Repository) -> bool:
    """True while no active MAZ can sign in: the app then offers to create one."""
    snap = _read(repo)
    for p in snap.rows("users"):
        if p["active"] and Role.MAZ in people.parse_roles(p["role"]) and account(snap, p["email"]):
            return False
    return True


def create_first_maz(repo: Repository, *, name: str, email: str, password: str) -> Actor:
    """The first MAZ account of an empty installation; refused once one exists."""
    if not first_start_needed(repo):
        raise refuse(Role.MAZ, "Er is al een beheerder; meld u aan.")
    f = validation.Form()
    name = f.check("name", validation.text, name, "Naam")
    email = f.check("email", validation.email, email)
    f.check("password", _password, password)
    f.done()
    snap = _read(repo)
    row = people.person(snap, email)
    changes: list = []
    roles = people.parse_roles(row["role"]) | {Role.MAZ} if row else {Role.MAZ}
    values = {"name": name, "email": email, "role": people.format_roles(roles), "active": True}
    if row:
        changes.append(Update("users", row["id"], row["version"], values))
    else:
        changes.append(Insert("users", {"id": f"user-{email}", **values, "is_demo": False}))
    changes += _password_changes(snap, email, password, must_change=False)
    repo.commit(changes)
    return people.actor_for(_read(repo), email)


def _password_changes(snap: Snapshot, email: str, password: str, *, must_change: bool) -> list:
    values = {
        "password_hash": HASHER.hash(password),
        "failed_attempts": 0,
        "locked_until": "",
        "changed_at": _now().isoformat(timespec="seconds"),
        "must_change": must_change,
    }
    existing = account(snap, email)
    if existing:
        return [Update("accounts", existing["id"], existing["version"], values)]
    return [Insert("accounts", {"id": f"account-{email}", "email": email, **values})]


def delay_after(failures: int) -> float:
    """Seconds to wait before answering a failed sign-in: doubles, at most 8."""
    return min(0.25 * 2 ** max(failures - 1, 0), 8.0)


def sign_in(
    repo: Repository,
    email: str,
    password: str,
    *,
    now: Callable[[], datetime] = _now,
    sleep: Callable[[float], None] = time.sleep,
) -> Actor:
    """The Actor for a correct address and password; SignInRefused otherwise."""
    email = people.normal_email(email)
    snap = _read(repo)
    acc, person = account(snap, email), people.person(snap, email)
    if acc is None or person is None or not person["active"]:
        _verify(_DUMMY_HASH, password or "")
        sleep(delay_after(1))
        raise SignInRefused(WRONG)
    moment = now()
    if acc["locked_until"] and datetime.fromisoformat(acc["locked_until"]) > moment:
        until = datetime.fromisoformat(acc["locked_until"]).strftime("%H:%M")
        raise SignInRefused(
            f"Te veel mislukte pogingen: dit account is geblokkeerd tot {until}. "
            "Probeer het daarna opnieuw of vraag de Manager Algemene Zaken om een nieuw wachtwoord."
        )
    if not _verify(acc["password_hash"], password or ""):
        failures = acc["failed_attempts"] + 1
        locked = moment + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
        values = {
            "failed_attempts": 0 if locked else failures,
            "locked_until": locked.isoformat(timespec="seconds") if locked else "",
        }
        repo.commit([Update("accounts", acc["id"], acc["version"], values)])
        sleep(delay_after(failures))
        if locked:
            raise SignInRefused(
                f"Te veel mislukte pogingen: dit account is {LOCK_MINUTES} minuten geblokkeerd."
            )
        raise SignInRefused(WRONG)
    values = {"failed_attempts": 0, "locked_until": ""}
    if HASHER.check_needs_rehash(acc["password_hash"]):
        values["password_hash"] = HASHER.hash(password)
    if acc["failed_attempts"] or acc["locked_until"] or "password_hash" in values:
        repo.commit([Update("accounts", acc["id"], acc["version"], values)])
    return people.actor_for(snap, email)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def must_change(repo: Repository, email: str) -> bool:
    acc = account(_read(repo), email)
    return bool(acc and acc["must_change"])


def change_password(repo: Repository, actor: Actor, *, current: str, new: str) -> None:
    """The signed-in person changes their own password (the current one is asked again)."""
    snap = _read(repo)
    acc = account(snap, actor.email)
    if acc is None or not _verify(acc["password_hash"], current or ""):
        raise validation.ValidationError({"current": "Het huidige wachtwoord klopt niet."})
    _checked_password(new, "new")
    repo.commit(_password_changes(snap, actor.email, new, must_change=False))


def set_password(repo: Repository, actor: Actor, email: str, new: str) -> None:
    """The MAZ sets a (temporary) password for someone: a new account or a reset.

    The person must choose their own password at their next sign-in.
    """
    if actor.role_among(people.MANAGERS) is None:
        raise refuse(actor, f"Wachtwoorden instellen mag alleen de {ROLE_LABELS[Role.MAZ]}.")
    snap = _read(repo)
    if people.person(snap, email) is None:
        raise validation.ValidationError({"email": "Deze persoon staat niet in de lijst."})
    _checked_password(new)
    email = people.normal_email(email)
    repo.commit(_password_changes(snap, email, new, must_change=actor.email != email))
