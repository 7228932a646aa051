"""Every table and column, declared once.

The SQL tables and the Google Sheet's header rows are both generated from this
module, so the two stores can never disagree about the shape of the data.
Money is stored as integer cents, times as ISO 8601 strings with offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["text", "int", "bool"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    header: str  # Dutch header shown in the Sheet and in exports


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    mutable: bool = True  # append-only tables have no version column
    # Private tables (password hashes) stay out of the page's shared read and its cache.
    private: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")


def _t(name: str, header: str) -> Column:
    return Column(name, "text", header)


def _i(name: str, header: str) -> Column:
    return Column(name, "int", header)


def _b(name: str, header: str) -> Column:
    return Column(name, "bool", header)


ID = _t("id", "ID")
VERSION = _i("version", "Versie")


def _mutable(name: str, *columns: Column, private: bool = False) -> Table:
    return Table(name, (ID, VERSION, *columns), mutable=True, private=private)


def _append_only(name: str, *columns: Column) -> Table:
    return Table(name, (ID, *columns), mutable=False)


TICKETS = _mutable(
    "tickets",
    _t("number", "Meldingsnummer"),
    _t("created_at", "Gemeld op"),
    _t("updated_at", "Gewijzigd op"),
    _t("status", "Status"),
    _t("reporter_name", "Melder"),
    _t("reporter_email", "E-mail melder"),
    _t("reporter_role", "Functie melder"),
    _t("location_id", "Locatie"),
    _t("category", "Categorie"),
    _b("blocks_office_work", "Kantoor kan niet werken"),
    _t("description", "Omschrijving"),
    _t("contact_info", "Bereikbaarheid melder"),
    _t("suggested_urgency", "Voorgestelde urgentie"),
    _t("urgency", "Urgentie"),
    _t("urgency_reason", "Reden urgentie"),
    _t("investigation_notes", "Onderzoek MAZ"),
    _t("check_due_at", "Controlemoment"),
    _t("followup_notes", "Opvolging"),
    _b("is_demo", "Demo"),
    # Issue 10: set when the report is archived (lib/archive.py); "" while it is live.
    _t("archived_at", "Gearchiveerd op"),
)

EVENTS = _append_only(
    "events",
    _t("ticket_id", "Melding"),
    _t("entity", "Soort"),
    _t("entity_id", "Object"),
    _t("at", "Tijdstip"),
    _t("actor_name", "Door"),
    _t("actor_role", "Rol"),
    _t("action", "Actie"),
    _t("from_status", "Van"),
    _t("to_status", "Naar"),
    _t("note", "Toelichting"),
)

ORDERS = _mutable(
    "orders",
    _t("ticket_id", "Melding"),
    _t("ordered_at", "Opdracht gegeven op"),
    _t("nemesys_reference", "Referentie Nemesys"),
    _t("confirmed_at", "Bevestigd op"),
)

QUOTES = _mutable(
    "quotes",
    _t("order_id", "Opdracht"),
    _t("ticket_id", "Melding"),
    _t("status", "Status"),
    _i("amount_cents", "Bedrag (cent)"),
    _t("reference", "Referentie Nemesys"),
    _t("document_url", "Document"),
    _t("received_at", "Ontvangen op"),
    _t("decided_at", "Besloten op"),
    _t("decided_by", "Besloten door"),
    _t("decision_note", "Toelichting besluit"),
)

INVOICES = _mutable(
    "invoices",
    _t("number", "Factuurnummer"),
    _t("kind", "Soort"),
    _t("status", "Status"),
    _t("invoice_date", "Factuurdatum"),
    _i("amount_excl_cents", "Bedrag excl. btw (cent)"),
    _i("amount_incl_cents", "Bedrag incl. btw (cent)"),
    _t("order_ids", "Opdrachten"),
    _t("document_url", "Document"),
    _t("registered_at", "Geregistreerd op"),
    _t("checked_at", "Gecontroleerd op"),
    _t("paid_on", "Betaald op"),
    _t("rejection_reason", "Reden afkeuring"),
    _t("nemesys_contact_note", "Contact met Nemesys"),
    _t("corrects_invoice_id", "Corrigeert factuur"),
)

MESSAGES = _mutable(
    "messages",
    _t("ticket_id", "Melding"),
    _t("kind", "Soort"),
    _t("status", "Status"),
    _t("created_at", "Aangemaakt op"),
    _t("to_address", "Aan"),
    _t("subject", "Onderwerp"),
    _t("body", "Tekst"),
    _t("sent_at", "Verzonden op"),
    # Added for sending by SMTP; new columns go at the end (existing Sheets and databases grow).
    _t("message_id", "Message-ID"),  # made when queued: a retry is the same message
    _t("thread_ref", "Draad (References)"),  # every mail of one report shares it
    _t("html_body", "HTML-tekst"),
    _i("attempts", "Pogingen"),
    _t("last_error", "Laatste fout"),
    _t("attempted_at", "Laatste poging op"),
    _b("is_demo", "Demo"),
)

COMMUNICATION_TASKS = _mutable(
    "communication_tasks",
    _t("ticket_id", "Melding"),
    _t("location_id", "Locatie"),
    _t("status", "Status"),
    _t("created_at", "Aangemaakt op"),
)

COMMUNICATION_TICKS = _append_only(
    "communication_ticks",
    _t("task_id", "Communicatietaak"),
    _t("phase", "Fase"),
    _t("channel", "Kanaal"),
    _t("at", "Tijdstip"),
    _t("actor_name", "Door"),
)

LOCATIONS = _mutable(
    "locations",
    _t("name", "Naam"),
    _t("kind", "Soort"),
    _t("unit_manager_name", "Unitmanager"),
    _t("unit_manager_email", "E-mail unitmanager"),
    _t("unit_manager_phone", "Telefoon unitmanager"),
    _b("active", "Actief"),
    _b("is_demo", "Demo"),
)

# People and their roles; `role` holds one or more roles, comma-separated
# ("maz,directie"). A unit manager's locations are those naming their address.
USERS = _mutable(
    "users",
    _t("name", "Naam"),
    _t("email", "E-mail"),
    _t("role", "Rol"),
    _b("active", "Actief"),
    _b("is_demo", "Demo"),
)

# Local sign-in (when no identity provider is configured): one row per address.
ACCOUNTS = _mutable(
    "accounts",
    _t("email", "E-mail"),
    _t("password_hash", "Wachtwoord (argon2id-hash)"),
    _i("failed_attempts", "Mislukte pogingen"),
    _t("locked_until", "Geblokkeerd tot"),
    _t("changed_at", "Wachtwoord gewijzigd op"),
    _b("must_change", "Moet wachtwoord wijzigen"),
    private=True,
)

SETTINGS = _mutable(
    "settings",
    _t("key", "Sleutel"),
    _t("value", "Waarde"),
)

# Issue 14: people affected by an open report besides its reporter ("Ik heb dit
# ook", or the reporter of a report linked to it). One row per report and address
# (the id is derived from both), so two presses at once make one row; `active`
# is cleared, never deleted, when a link is undone.
AFFECTED = _mutable(
    "affected",
    _t("ticket_id", "Melding"),
    _t("name", "Naam"),
    _t("email", "E-mail"),
    _t("location_id", "Locatie"),
    _t("created_at", "Gemeld op"),
    _t("linked_from", "Via gekoppelde melding"),  # "" when they pressed "Ik heb dit ook"
    _b("active", "Actief"),
)

# A report linked to the main report of the same outage ("hoort bij KIV-..."):
# one row per linked report (its id is the linked report's id), kept after undo.
LINKS = _mutable(
    "links",
    _t("ticket_id", "Melding"),
    _t("main_ticket_id", "Hoort bij melding"),
    _t("linked_at", "Gekoppeld op"),
    _t("from_status", "Status voor koppeling"),
    _b("active", "Actief"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        TICKETS,
        EVENTS,
        ORDERS,
        QUOTES,
        INVOICES,
        MESSAGES,
        COMMUNICATION_TASKS,
        COMMUNICATION_TICKS,
        LOCATIONS,
        USERS,
        ACCOUNTS,
        SETTINGS,
        AFFECTED,
        LINKS,
    )
}

# What a page view reads: every table but the private ones.
SHARED_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if not t.private)

# A mail's texts: read only where a mail is shown or sent (Postvak, the mailer). On a
# page view's read they would be most of its bytes (issue 10: the Sheet's 2 MB).
MAIL_TEXTS = ("body", "html_body")
WITHOUT_MAIL_TEXTS = {"messages": tuple(n for n in MESSAGES.column_names if n not in MAIL_TEXTS)}


def empty_row(table: str) -> dict:
    """A row with every column present, so drivers never see missing keys."""
    defaults = {"text": "", "int": 0, "bool": False}
    return {c.name: defaults[c.type] for c in TABLES[table].columns}


# Who opened which report (by someone other than its reporter) and every data
# request (inzageverzoek): lib/privacy.py writes it, only Beheer reads it.
ACCESS_LOG = Table(
    "access_log",
    (
        ID,
        _t("at", "Tijdstip"),
        _t("kind", "Soort"),  # "bekeken" or "inzageverzoek"
        _t("ticket_id", "Melding"),
        _t("actor_name", "Door"),
        _t("actor_email", "E-mail door"),
        _t("actor_role", "Rol"),
        _t("subject_email", "Gevraagd e-mailadres"),
    ),
    mutable=False,
    private=True,
)
TABLES[ACCESS_LOG.name] = ACCESS_LOG
