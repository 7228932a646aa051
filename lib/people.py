"""People and their roles: who someone is once signed in, and the MAZ's Beheer of them.

Roles live in the people table (`users`), found by e-mail address. A signed-in
address that is not in the table, or is inactive, may report and follow its own
reports, nothing else (it acts as a staff member). A unit manager's locations
are the locations that name their address as unit manager.
"""

from __future__ import annotations

from lib import validation
from lib.procedure import ROLE_LABELS, Actor, Role, refuse
from lib.repository import Insert, Repository, Update
from lib.snapshot import Snapshot

# Who may manage people, locations and settings (the Beheer page).
MANAGERS = frozenset({Role.MAZ})


def parse_roles(value: str) -> frozenset[Role]:
    """'maz, directie' -> {MAZ, DIRECTIE}; unknown words are ignored."""
    known = {str(r) for r in Role}
    return frozenset(Role(w.strip()) for w in (value or "").split(",") if w.strip() in known)


def format_roles(roles) -> str:
    return ",".join(str(r) for r in Role if r in set(roles))


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def person(snapshot: Snapshot, email: str) -> dict | None:
    """The people-table row of this address (case-insensitive), if any."""
    wanted = normal_email(email)
    return next((p for p in snapshot.rows("users") if normal_email(p["email"]) == wanted), None)


def actor_for(snapshot: Snapshot, email: str, name: str = "") -> Actor:
    """The Actor for a signed-in address: its roles from the table, else a staff member."""
    row = person(snapshot, email)
    roles = parse_roles(row["role"]) if row and row["active"] else frozenset()
    display = (row["name"] if row else "") or name or email
    primary = next((r for r in reversed(list(Role)) if r in roles), Role.STAFF)
    return Actor(display, primary, email=normal_email(email), roles=roles or {Role.STAFF})


def addresses(snapshot: Snapshot, role: Role) -> str:
    """The e-mail addresses of everyone active in `role`, for a mail to that role."""
    rows = snapshot.rows("users")
    found = sorted(
        {normal_email(p["email"]) for p in rows if p["active"] and role in parse_roles(p["role"])}
    )
    return ", ".join(found)


def managed_locations(snapshot: Snapshot, actor: Actor) -> list[dict]:
    """The locations of which this person is the unit manager."""
    if Role.UNIT_MANAGER not in actor.roles or not actor.email:
        return []
    return [
        loc
        for loc in snapshot.rows("locations")
        if normal_email(loc["unit_manager_email"]) == actor.email
    ]


def handles_location(actor: Actor, location: dict) -> bool:
    """Step 6 is the unit manager's for their own location; the MAZ may do it for any."""
    if Role.MAZ in actor.roles:
        return True
    return (
        Role.UNIT_MANAGER in actor.roles
        and bool(actor.email)
        and normal_email(location.get("unit_manager_email", "")) == actor.email
    )


def _must_manage(actor: Actor, what: str) -> None:
    if actor.role_among(MANAGERS) is None:
        raise refuse(actor, f"'{what}' mag alleen de {ROLE_LABELS[Role.MAZ]}.")


def person_changes(actor: Actor, snapshot: Snapshot, form: dict, *, person_id: str) -> list:
    """Add a person or change one (name, roles, active); MAZ only.

    The last active MAZ cannot lose that role or be made inactive: then nobody
    could manage people any more.
    """
    _must_manage(actor, "Personen beheren")
    f = validation.Form()
    name = f.check("name", validation.text, form.get("name"), "Naam")
    email = f.check("email", validation.email, form.get("email"))
    roles = frozenset(form.get("roles") or ())
    if not roles:
        f.errors["roles"] = "Kies minstens één rol."
    existing = snapshot.get("users", person_id)
    other = person(snapshot, email or "")
    if other and other["id"] != person_id:
        f.errors["email"] = "Er is al iemand met dit e-mailadres."
    active = bool(form.get("active", True))
    if existing and _last_maz(snapshot, existing) and (Role.MAZ not in roles or not active):
        f.errors["roles"] = "Er moet altijd minstens één actieve Manager Algemene Zaken zijn."
    f.done()
    values = {"name": name, "email": normal_email(email), "role": format_roles(roles)}
    values["active"] = active
    if existing:
        return [Update("users", person_id, existing["version"], values)]
    return [Insert("users", {"id": person_id, **values, "is_demo": False})]


def save_person(
    repo: Repository, actor: Actor, snapshot: Snapshot, form: dict, *, person_id: str
) -> list[dict]:
    return repo.commit(person_changes(actor, snapshot, form, person_id=person_id))


def save_location(repo: Repository, actor: Actor, location: dict, form: dict) -> list[dict]:
    return repo.commit(location_changes(actor, location, form))


def _last_maz(snapshot: Snapshot, row: dict) -> bool:
    mazs = [p for p in snapshot.rows("users") if p["active"] and Role.MAZ in parse_roles(p["role"])]
    return [p["id"] for p in mazs] == [row["id"]]


def location_changes(actor: Actor, location: dict, form: dict) -> list:
    """Change a location's unit manager (name, address, phone) or whether it is active."""
    _must_manage(actor, "Locaties beheren")
    f = validation.Form()
    values = {
        "name": f.check("name", validation.text, form.get("name"), "Naam van de locatie"),
        "unit_manager_name": f.check(
            "unit_manager_name",
            validation.text,
            form.get("unit_manager_name"),
            "Unitmanager",
            required=False,
        ),
        "unit_manager_email": f.check(
            "unit_manager_email",
            validation.email,
            form.get("unit_manager_email"),
            "E-mail unitmanager",
            required=False,
        ),
        "unit_manager_phone": f.check(
            "unit_manager_phone",
            validation.text,
            form.get("unit_manager_phone"),
            "Telefoon",
            required=False,
        ),
        "active": bool(form.get("active", True)),
    }
    f.done()
    values["unit_manager_email"] = normal_email(values["unit_manager_email"] or "")
    return [Update("locations", location["id"], location["version"], values)]
