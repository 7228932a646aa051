"""Kivido's fixed lists: categories, reporter roles, and the urgency suggestion."""

from __future__ import annotations

from lib.procedure import Role

CATEGORIES: dict[str, str] = {
    "telefonie": "Telefonie",
    "mail": "E-mail",
    "server": "Server",
    "netwerk": "Verbinding / netwerk",
    "internet_locatie": "Internet op een locatie",
    "printen": "Printen",
    "terminal_server": "Terminal server",
    "overig": "Overig",
}

# Step 6: an outage of telephony or mail makes the unit manager inform parents and staff.
COMMUNICATION_CATEGORIES = frozenset({"telefonie", "mail"})

# The procedure's own urgent examples (2.1 footnote *): the server down, "geen verbinding
# kunnen maken", no mail, no telephone traffic. The not-urgent ones (2.2 footnote **):
# printing, internet at a location, the terminal server.
URGENT_BY_NATURE = frozenset({"telefonie", "mail", "server", "netwerk"})

REPORTER_ROLES: dict[str, str] = {
    Role.STAFF: "Medewerker",
    Role.UNIT_MANAGER: "Unitmanager",
}

URGENCY_LABELS = {"urgent": "Urgent", "niet_urgent": "Niet urgent", "": "Nog niet beoordeeld"}

URGENT_EXAMPLES = (
    "Kantoormedewerkers kunnen niet werken, bijvoorbeeld door uitval van de server",
    "Geen verbinding kunnen maken",
    "Geen mail kunnen versturen of ontvangen",
    "Binnen de organisatie is geen telefoonverkeer mogelijk",
)
NOT_URGENT_EXAMPLES = (
    "Niet kunnen printen",
    "Geen internetverbinding op een locatie",
    "Geen verbinding kunnen maken met de terminal server",
)


def suggest_urgency(category: str, blocks_office_work: bool) -> str:
    """A suggestion for the MAZ, who decides (2.1 step 2); the reporter does not."""
    if blocks_office_work or category in URGENT_BY_NATURE:
        return "urgent"
    return "niet_urgent"
