"""Who looked at which report, and a person's data on request (inzageverzoek).

Views: opening a report's detail by anyone but its reporter is one row in the
private `access_log` table (who, when, which report). The retention purge
(lib/privacy.py) blanks a row once it is older than the retention period.

Data request: the MAZ enters an address and gets one xlsx with every row that
holds it, one sheet per table with the Dutch headers of lib/schema.py. A row
holds the person when one of its texts contains the address, or names them
(a name the store links to that address), or belongs to their own reports.
The request itself is logged.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from lib import people, validation, workdays
from lib.procedure import ROLE_LABELS, Actor, Role, refuse
from lib.repository import Insert, Repository
from lib.safe_text import neutralise
from lib.schema import TABLES

VIEWED = "bekeken"
REQUESTED = "inzageverzoek"

# Sheet names of the data-request file, in this order.
SHEETS = {
    "tickets": "Meldingen",
    "events": "Gebeurtenissen",
    "messages": "E-mails",
    "quotes": "Offertebesluiten",
    "communication_ticks": "Communicatie afgevinkt",
    "affected": "Getroffen door storing",
    "users": "Personen",
    "accounts": "Accounts",
    "locations": "Locaties",
    "access_log": "Inzagelog",
}
# Columns that hold a person's name (matched whole, not inside other text).
_NAME_COLUMNS = ("reporter_name", "actor_name", "decided_by", "unit_manager_name", "name")
_HIDDEN = {("accounts", "password_hash"): "(niet meegegeven: alleen een versleutelde hash)"}


def log_view(
    repo: Repository,
    actor: Actor,
    ticket: dict,
    *,
    clock: Callable[[], datetime] = workdays.now,
) -> bool:
    """Record that `actor` opened `ticket`'s detail; a reporter reading their own is not logged."""
    if actor.email and people.normal_email(ticket["reporter_email"]) == actor.email:
        return False
    repo.commit([_entry(actor, VIEWED, clock(), ticket_id=ticket["id"])])
    return True


def _entry(actor: Actor, kind: str, now: datetime, **values: str) -> Insert:
    at = now.astimezone(workdays.AMSTERDAM).isoformat(timespec="seconds")
    row = {
        "id": f"{kind}-{uuid.uuid4().hex}",
        "at": at,
        "kind": kind,
        "actor_name": actor.name,
        "actor_email": actor.email,
        "actor_role": str(actor.role),
    }
    return Insert("access_log", row | values)


def recent_log(repo: Repository, limit: int = 500) -> list[dict]:
    """The newest rows of the access log, newest first (MAZ on Beheer)."""
    rows = repo.read(["access_log"])["access_log"]
    return sorted(rows, key=lambda r: r["at"], reverse=True)[:limit]


@dataclass
class DataRequest:
    email: str
    tables: dict[str, list[dict]]  # table -> the rows that hold the person

    def counts(self) -> dict[str, int]:
        """Sheet name -> number of rows, as in the file."""
        return {SHEETS[t]: len(rows) for t, rows in self.tables.items()}

    def xlsx(self) -> bytes:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            _about(self).to_excel(writer, sheet_name="Over dit bestand", index=False)
            for table, rows in self.tables.items():
                _frame(table, rows).to_excel(writer, sheet_name=SHEETS[table], index=False)
        return buffer.getvalue()


def data_request(
    repo: Repository,
    actor: Actor,
    email: str,
    *,
    clock: Callable[[], datetime] = workdays.now,
) -> DataRequest:
    """Every row that holds `email` (MAZ only); the request is logged first."""
    if actor.role_among(people.MANAGERS) is None:
        raise refuse(actor, f"Een inzageverzoek uitvoeren mag alleen de {ROLE_LABELS[Role.MAZ]}.")
    form = validation.Form()
    address = people.normal_email(form.check("email", validation.email, email))
    form.done()
    repo.commit([_entry(actor, REQUESTED, clock(), subject_email=address)])
    data = repo.read(SHEETS)
    return DataRequest(address, select(data, address))


def select(data: dict[str, list[dict]], address: str) -> dict[str, list[dict]]:
    """The rows of each table that hold the person with this address."""
    names = _names(data, address)
    pattern = re.compile(re.escape(address), re.IGNORECASE)

    def holds(table: str, row: dict) -> bool:
        texts = (row[c.name] for c in TABLES[table].columns if c.type == "text")
        if any(pattern.search(t or "") for t in texts):
            return True
        return any(row.get(c) in names for c in _NAME_COLUMNS if row.get(c))

    chosen = {t: [r for r in data.get(t, []) if holds(t, r)] for t in SHEETS}
    own = {r["id"] for r in chosen["tickets"]}
    for table in ("events", "messages"):  # the history and mail of their own reports
        rows = data.get(table, [])
        chosen[table] = [r for r in rows if r["ticket_id"] in own or holds(table, r)]
    chosen["access_log"] = [  # who opened their reports, and what they opened
        r for r in data.get("access_log", []) if r["ticket_id"] in own or holds("access_log", r)
    ]
    return chosen


def _names(data: dict[str, list[dict]], address: str) -> set[str]:
    """The names the store links to this address (people table, reports, locations)."""
    pairs = [(r["name"], r["email"]) for r in data.get("users", [])]
    pairs += [(r["reporter_name"], r["reporter_email"]) for r in data.get("tickets", [])]
    pairs += [(r["unit_manager_name"], r["unit_manager_email"]) for r in data.get("locations", [])]
    return {n for n, e in pairs if n and people.normal_email(e) == address}


def _cell(table: str, column: str, value):
    if (table, column) in _HIDDEN and value:
        return _HIDDEN[(table, column)]
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    return value


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    spec = TABLES[table]
    data = [[_cell(table, c.name, r[c.name]) for c in spec.columns] for r in rows]
    return pd.DataFrame(data, columns=spec.headers)


def _about(request: DataRequest) -> pd.DataFrame:
    lines = [("E-mailadres", request.email)]
    lines += [(f"Rijen op blad '{sheet}'", str(n)) for sheet, n in request.counts().items()]
    return pd.DataFrame(lines, columns=["Onderdeel", "Waarde"])
