"""The procedure written out again, by hand, as plain facts: the oracle for the tests.

Source: ../shared/procedure/ (the Dutch text authoritative; step numbers as in
PROCEDURE.en.md) and the design decisions of ../shared/DESIGN.md noted per row.
Nothing here imports lib.procedure: states and roles are the stored strings, so
a change to the app's table cannot change what the tests expect.

To add a step (e.g. linking a duplicate report, issue 14): add one row to STEPS,
with the procedure step or design decision that asks for it. Every row is
checked against the app's table and, for reports, through the services, in both
directions (tests/test_procedure_oracle.py); any step the app allows that is
not here fails those tests.
"""

from __future__ import annotations

from typing import NamedTuple

# The five roles, as stored (events.actor_role, users.roles).
STAFF, UNIT_MANAGER, MAZ, DIRECTIE, FINANCE = (
    "medewerker",
    "unitmanager",
    "maz",
    "directie",
    "financien",
)
ROLES = (STAFF, UNIT_MANAGER, MAZ, DIRECTIE, FINANCE)
EVERYONE = frozenset(ROLES)

# Every state of every entity, as stored; "" is "does not exist yet".
STATES: dict[str, tuple[str, ...]] = {
    "ticket": (
        "nieuw",
        "in_onderzoek",
        "urgent",
        "wacht_op_controle",
        "opdracht_nemesys",
        "bevestigd_nemesys",
        "offerte_bij_directie",
        "opgelost",
        "afgesloten",
        "verwijderd",
        "gekoppeld",  # issue 14: part of another report's outage
    ),
    "quote": ("ontvangen", "goedgekeurd", "afgewezen"),
    "invoice": (
        "ontvangen",
        "goedgekeurd",
        "betaald",
        "afgekeurd",
        "nemesys_benaderd",
        "vervangen",
    ),
    "message": ("wachtrij", "bezig", "verzonden", "mislukt"),
    "communication": ("open", "afgerond"),
}

# A report still someone's work: everything but closed and removed (2.1 step 8, 2.2 step 4).
# A linked report is no work of its own: its outage is (issue 14: one outage, one order).
OPEN_TICKET_STATES = frozenset(STATES["ticket"]) - {"afgesloten", "verwijderd", "gekoppeld"}

# The reporter hears of these changes by mail (2.1 step 5: "kept informed of the status").
# The receipt (submit) and every change the reporter would call news: assessed,
# passed to Nemesys, confirmed, solved, removed as solved, closed, reopened.
REPORTER_MAIL_ACTIONS = frozenset(
    {
        "submit",
        "submit_on_behalf",
        "triage_urgent",
        "triage_not_urgent",
        "reclassify_urgent",
        "reclassify_not_urgent",
        "follow_up_solved",
        "follow_up_not_solved",
        "confirm",
        "resolve",
        "close",
        "reopen",
        "link_duplicate",  # issue 14: "the reporter ... is told so"
    }
)


class Step(NamedTuple):
    entity: str
    action: str
    source: str
    target: str
    who: frozenset[str]
    why: str  # the procedure step or design decision


def _s(entity, action, sources, target, who, why) -> list[Step]:
    return [Step(entity, action, s, target, frozenset(who), why) for s in sources]


_MAZ = {MAZ}

STEPS: list[Step] = [
    # --- reports (2.1 urgent, 2.2 not urgent) ---
    *_s("ticket", "submit", [""], "nieuw", EVERYONE, "2.1.1/2.2.1: anyone reports"),
    *_s("ticket", "submit_on_behalf", [""], "nieuw", _MAZ, "design: a caller without internet"),
    *_s("ticket", "investigate", ["nieuw"], "in_onderzoek", _MAZ, "2.1.3a"),
    *_s("ticket", "triage_urgent", ["nieuw", "in_onderzoek"], "urgent", _MAZ, "2.1.2"),
    *_s(
        "ticket",
        "triage_not_urgent",
        ["nieuw", "in_onderzoek"],
        "wacht_op_controle",
        _MAZ,
        "2.1.2, 2.2.3: 24-hour wait",
    ),
    *_s("ticket", "reclassify_urgent", ["wacht_op_controle"], "urgent", _MAZ, "design"),
    *_s("ticket", "reclassify_not_urgent", ["urgent"], "wacht_op_controle", _MAZ, "design"),
    *_s("ticket", "place_order", ["urgent"], "opdracht_nemesys", _MAZ, "2.1.3b"),
    *_s(
        "ticket",
        "link_duplicate",
        ["nieuw", "in_onderzoek"],
        "gekoppeld",
        _MAZ,
        "2.1.2 + issue 14: the MAZ, assessing, finds it is a known outage",
    ),
    *_s("ticket", "unlink", ["gekoppeld"], "nieuw", _MAZ, "issue 14: undo while the main is open"),
    *_s("ticket", "follow_up_solved", ["wacht_op_controle"], "verwijderd", _MAZ, "2.2.4"),
    *_s("ticket", "follow_up_not_solved", ["wacht_op_controle"], "opdracht_nemesys", _MAZ, "2.2.4"),
    *_s("ticket", "confirm", ["opdracht_nemesys"], "bevestigd_nemesys", _MAZ, "2.1.4"),
    *_s(
        "ticket",
        "await_quote_decision",
        ["bevestigd_nemesys"],
        "offerte_bij_directie",
        _MAZ,
        "2.1.7",
    ),
    *_s(
        "ticket",
        "quote_decided",
        ["offerte_bij_directie"],
        "bevestigd_nemesys",
        {DIRECTIE},
        "2.1.7: the directie decides",
    ),
    *_s("ticket", "resolve", ["bevestigd_nemesys"], "opgelost", _MAZ, "2.1.8"),
    *_s("ticket", "close", ["opgelost"], "afgesloten", _MAZ, "2.1.8: resolved, then closed"),
    *_s(
        "ticket",
        "reopen",
        ["opgelost", "afgesloten"],
        "opdracht_nemesys",
        _MAZ,
        "design: not solved after all",
    ),
    # --- quotes (2.1 step 7) ---
    *_s("quote", "register", [""], "ontvangen", _MAZ, "2.1.7"),
    *_s("quote", "approve", ["ontvangen"], "goedgekeurd", {DIRECTIE}, "2.1.7"),
    *_s("quote", "reject", ["ontvangen"], "afgewezen", {DIRECTIE}, "2.1.7"),
    # --- invoices (2.1 step 9): arrives at finance, checked by the MAZ, paid by finance ---
    *_s("invoice", "register", [""], "ontvangen", {FINANCE, MAZ}, "2.1.9"),
    *_s("invoice", "approve", ["ontvangen"], "goedgekeurd", _MAZ, "2.1.9"),
    *_s("invoice", "reject", ["ontvangen"], "afgekeurd", _MAZ, "2.1.9"),
    *_s("invoice", "pay", ["goedgekeurd"], "betaald", {FINANCE}, "2.1.9: after approval"),
    *_s("invoice", "contact_nemesys", ["afgekeurd"], "nemesys_benaderd", _MAZ, "2.1.9"),
    *_s(
        "invoice",
        "supersede",
        ["nemesys_benaderd"],
        "vervangen",
        {FINANCE, MAZ},
        "design: the corrected invoice",
    ),
    # --- mails (2.1 step 5): without a mail server the MAZ sends by hand ---
    *_s("message", "send", ["wachtrij", "mislukt"], "verzonden", _MAZ, "design: Postvak"),
    *_s("message", "retry", ["mislukt"], "wachtrij", _MAZ, "design: Postvak"),
    # --- parents and staff informed (2.1 step 6) ---
    *_s("communication", "open", [""], "open", EVERYONE, "2.1.6: opened with the triage"),
    *_s(
        "communication",
        "complete",
        ["open"],
        "afgerond",
        {UNIT_MANAGER, MAZ},
        "2.1.6: the unit manager (the MAZ stands in)",
    ),
]


def target(entity: str, action: str, source: str, role: str) -> str | None:
    """Where `role` taking `action` from `source` leads, or None if the procedure refuses it."""
    for s in STEPS:
        if (s.entity, s.action, s.source) == (entity, action, source) and role in s.who:
            return s.target
    return None


def actions(entity: str) -> set[str]:
    return {s.action for s in STEPS if s.entity == entity}


def who_may(entity: str, action: str) -> frozenset[str]:
    return frozenset().union(*(s.who for s in STEPS if (s.entity, s.action) == (entity, action)))
