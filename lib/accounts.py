"""Local accounts: sign-in with a password when no identity provider is configured.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106); only the
hash is stored, in the private `accounts` table that never enters a page's
shared read. There is no default password: the first MAZ account is made on
the first start (the app's set-up screen or `python -m lib.cli add-user`), and
that start is offered only to an installation nobody can sign in to yet. A
password belongs to an address: when the MAZ changes someone's address it moves
along, and a new address never inherits an old account's password. Failed
sign-ins are slowed, and after MAX_FAILURES in a row the account is locked for
LOCK_MINUTES; the MAZ can reset a password (on the server: `lib.cli set-password`).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lib import people, validation, workdays
from lib.procedure import ROLE_LABELS, Actor, Role, refuse
from lib.repository import Conflict, Insert, Repository, Update
from lib.snapshot import Snapshot

HASHER = PasswordHasher()  # argon2id
MIN_LENGTH = 10
MAX_LENGTH = 200
MAX_FAILURES = 5
LOCK_MINUTES = 15
WRONG = "E-mailadres of wachtwoord onjuist."
# Verified when an address has no account, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("geen-account-voor-dit-adres")
# The rows of the first MAZ account have fixed ids, so two first starts cannot both succeed.
FIRST_MAZ = {"users": "user-first-maz", "accounts": "account-first-maz"}
# Who acts for `python -m lib.cli` (add-user, set-password): whoever may run it on the server.
SERVER = Actor("Beheer op de server (lib.cli)", Role.MAZ)
# How a failed sign-in waits; looked up at each call, so tests can replace it.
_pause = time.sleep


class SignInRefused(Exception):
    """Sign-in failed; the Dutch message says why (never which part was wrong)."""


def _now() -> datetime:
    return workdays.now().astimezone(workdays.AMSTERDAM)


def _read(repo: Repository) -> Snapshot:
    return Snapshot(repo.read(["users", "accounts"]))


def account(snapshot: Snapshot, email: str) -> dict | None:
    wanted = people.normal_email(email)
    if not wanted:
        return None
    rows = snapshot.rows("accounts")
    return next((a for a in rows if people.normal_email(a["email"]) == wanted), None)


def password_problem(password: str) -> str:
    """A Dutch message if the new password is too weak, else ''."""
    if len(password or "") < MIN_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens."
    if len(password) > MAX_LENGTH:
        return f"Kies een wachtwoord van hoogstens {MAX_LENGTH} tekens."
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


def _active_mazs(snap: Snapshot) -> list[dict]:
    return [
        p for p in snap.rows("users") if p["active"] and Role.MAZ in people.parse_roles(p["role"])
    ]


def first_start_needed(repo: Repository) -> bool:
    """True only for an installation nobody has signed in to: the app then offers to
    create the first MAZ account (to whoever opens it first).

    That is: no local account exists yet and no real (non-demo) MAZ is in the
    people table. Once either exists, the form never comes back, also not when
    the MAZ cannot sign in any more (address changed, only MAZ without a
    password): that is repaired on the server with `python -m lib.cli set-password`,
    not by whoever reaches the address first.
    """
    snap = _read(repo)
    if snap.rows("accounts"):
        return False
    return not any(not p["is_demo"] for p in _active_mazs(snap))


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
    if row:  # e.g. the demo MAZ's address: from now on a real person
        changes.append(Update("users", row["id"], row["version"], {**values, "is_demo": False}))
    else:
        changes.append(Insert("users", {"id": FIRST_MAZ["users"], **values, "is_demo": False}))
    changes += _password_changes(snap, email, password, must_change=False, first=True)
    saved = repo.commit(changes)
    # Two visitors may both have passed the check above. The first account has one
    # fixed id, and a repeated insert keeps the first row: whoever's address is not in
    # it came second, and nothing of theirs was added.
    if saved[-1]["email"] != people.normal_email(email):
        raise refuse(Role.MAZ, "Er is al een beheerder; meld u aan.")
    return people.actor_for(_read(repo), email)


def _new_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def _password_changes(
    snap: Snapshot, email: str, password: str, *, must_change: bool, first: bool = False
) -> list:
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
    email = people.normal_email(email)
    new_id = FIRST_MAZ["accounts"] if first else _new_id("account")
    return [Insert("accounts", {"id": new_id, "email": email, **values})]


def session_token(acc: dict) -> str:
    """Changes whenever the password does: a session remembers it at sign-in, so a
    reset by the MAZ (or a change elsewhere) ends every session opened before it.
    A digest of the hash, so the shared page read never holds a hash itself."""
    return hashlib.sha256(acc["password_hash"].encode()).hexdigest()[:24]


def session_tokens(rows: list[dict]) -> list[dict]:
    """The accounts table as a page view may hold it: address and session token only."""
    return [{"id": r["id"], "email": r["email"], "session": session_token(r)} for r in rows]


def current_token(repo: Repository, email: str) -> str:
    acc = account(_read(repo), email)
    return session_token(acc) if acc else ""


def delay_after(failures: int) -> float:
    """Seconds to wait before answering a failed sign-in: doubles, at most 8."""
    return min(0.25 * 2 ** max(failures - 1, 0), 8.0)


def _locked(acc: dict, moment: datetime) -> datetime | None:
    until = datetime.fromisoformat(acc["locked_until"]) if acc["locked_until"] else None
    return until if until and until > moment else None


def sign_in(
    repo: Repository,
    email: str,
    password: str,
    *,
    now: Callable[[], datetime] = _now,
    sleep: Callable[[float], None] | None = None,
) -> Actor:
    """The Actor for a correct address and password; SignInRefused otherwise.

    `now` must give an aware datetime; `sleep` (default time.sleep) is how a
    failed attempt waits.
    """
    sleep = sleep or _pause
    email = people.normal_email(email)
    snap = _read(repo)
    acc, person = account(snap, email), people.person(snap, email)
    if acc is None or person is None or not person["active"]:
        _verify(_DUMMY_HASH, password or "")
        sleep(delay_after(1))
        raise SignInRefused(WRONG)
    moment = now()
    until = _locked(acc, moment)
    if until:
        raise SignInRefused(
            f"Te veel mislukte pogingen: dit account is geblokkeerd tot {until:%H:%M}. "
            "Probeer het daarna opnieuw of vraag de Manager Algemene Zaken om een nieuw wachtwoord."
        )
    if not _verify(acc["password_hash"], password or ""):
        failures, locked = _count_failure(repo, acc, moment)
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
        # A failed attempt at the same moment (Conflict): the right password still holds.
        with contextlib.suppress(Conflict):
            repo.commit([Update("accounts", acc["id"], acc["version"], values)])
    return people.actor_for(snap, email)


def _count_failure(repo: Repository, acc: dict, moment: datetime) -> tuple[int, bool]:
    """Record one failed attempt; (failures so far, whether the account is now locked).

    Attempts made at the same moment all count: a version conflict re-reads and
    counts again, so parallel guesses cannot slip past the lock-out.
    """
    for _ in range(20):
        if _locked(acc, moment):  # locked meanwhile by a parallel attempt
            return MAX_FAILURES, True
        failures = acc["failed_attempts"] + 1
        locked = moment + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
        values = {
            "failed_attempts": 0 if locked else failures,
            "locked_until": locked.isoformat(timespec="seconds") if locked else "",
        }
        try:
            repo.commit([Update("accounts", acc["id"], acc["version"], values)])
            return failures, locked is not None
        except Conflict:
            acc = account(_read(repo), acc["email"]) or acc
    return MAX_FAILURES, False


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
    if new == current:  # a temporary password the MAZ knows must really be replaced
        raise validation.ValidationError({"new": "Kies een ander wachtwoord dan het huidige."})
    repo.commit(_password_changes(snap, actor.email, new, must_change=False))


def set_password(repo: Repository, actor: Actor, email: str, new: str) -> None:
    """The MAZ sets a (temporary) password for someone: a new account or a reset.

    The person must choose their own password at their next sign-in. Not for the
    MAZ's own account: that goes through change_password, with the current one.
    """
    if actor.role_among(people.MANAGERS) is None:
        raise refuse(actor, f"Wachtwoorden instellen mag alleen de {ROLE_LABELS[Role.MAZ]}.")
    email = people.normal_email(email)
    if actor.email and email == actor.email:
        raise validation.ValidationError(
            {"password": "Uw eigen wachtwoord wijzigt u met 'Wachtwoord wijzigen' (links)."}
        )
    snap = _read(repo)
    if people.person(snap, email) is None:
        raise validation.ValidationError({"email": "Deze persoon staat niet in de lijst."})
    _checked_password(new)
    repo.commit(_password_changes(snap, email, new, must_change=True))


def save_person(
    repo: Repository, actor: Actor, snapshot: Snapshot, form: dict, *, person_id: str
) -> list[dict]:
    """people.save_person, and the password follows a changed address (one write).

    The account under the old address moves to the new one; an account some
    earlier holder left under the new address stops working (its password is
    not this person's).
    """
    changes = people.person_changes(actor, snapshot, form, person_id=person_id)
    before = snapshot.get("users", person_id)
    old = people.normal_email(before["email"]) if before else ""
    changes += _address_changes(_read(repo), old, people.normal_email(form.get("email")))
    return repo.commit(changes)


def _address_changes(snap: Snapshot, old: str, new: str) -> list:
    if old == new:
        return []
    changes = []
    stale = account(snap, new)
    if stale:
        retired = {"email": "", "password_hash": "", "must_change": True}
        changes.append(Update("accounts", stale["id"], stale["version"], retired))
    moving = account(snap, old) if old else None
    if moving:
        changes.append(Update("accounts", moving["id"], moving["version"], {"email": new}))
    return changes


# --- on the server: python -m lib.cli add-user / set-password -------------------


def add_on_server(
    repo: Repository, *, name: str, email: str, roles, password: str | None
) -> tuple[str, bool]:
    """Add a person (or update the one with this address: name, roles, active again).

    With a password it is set as well, in the same write: for the first MAZ of
    an installation as their own, for anyone else as a temporary one they change
    at their first sign-in. Returns ("toegevoegd" | "bijgewerkt", temporary).
    Refusals: ValidationError (Dutch, per field); nothing is written then.
    """
    if password is not None:
        _checked_password(password)
    snap = _read(repo)
    first = Role.MAZ in set(roles) and first_start_needed(repo)
    row = people.person(snap, email or "")
    person_id = row["id"] if row else _new_id("user")
    form = {"name": name, "email": email, "roles": roles, "active": True}
    changes = people.person_changes(SERVER, snap, form, person_id=person_id)
    if row and row["is_demo"]:  # added on the server: a real person from now on
        changes[0] = Update(
            "users", row["id"], row["version"], {**changes[0].values, "is_demo": False}
        )
    email = people.normal_email(email)
    temporary = password is not None and not first
    if password is not None:  # replaces whatever password this address had
        changes += _password_changes(snap, email, password, must_change=temporary)
    elif row is None:
        changes += _address_changes(snap, "", email)
    repo.commit(changes)
    return ("bijgewerkt" if row else "toegevoegd"), temporary


def set_password_on_server(
    repo: Repository, email: str, password: str, *, temporary: bool = False
) -> dict:
    """A new password for someone in the people table (a forgotten MAZ password).

    Also lifts a lock-out. `temporary`: they choose their own at the next sign-in.
    Returns the person's row; ValidationError (Dutch) if refused.
    """
    _checked_password(password)
    snap = _read(repo)
    row = people.person(snap, email)
    if row is None:
        raise validation.ValidationError(
            {"email": "Niemand met dit e-mailadres; voeg de persoon eerst toe met add-user."}
        )
    repo.commit(_password_changes(snap, email, password, must_change=temporary))
    return row
