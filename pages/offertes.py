"""Offertes: the MAZ registers a quote from Nemesys, the directie decides (2.1 step 7).

Buttons hand the service the rows as they were drawn (callback arguments), so a
change by someone else in between is refused as a Conflict, never overwritten.
"""

import streamlit as st

from lib import amount_check, billing, formatting, invoice_check, procedure, ui
from lib.procedure import Quote
from lib.ui import cards
from lib.ui.timeline import entity_status_label, show_timeline, ticket_header, ticket_title

ACTIONS = ("register", "approve", "reject")

who = ui.guard("pages/offertes.py")
st.title("Offertes van Nemesys")
ui.flash()
snap, desk = ui.snapshot(), ui.desk(who)
labels = invoice_check.order_labels(snap)


def _register(candidates: dict, key: str) -> None:
    s = st.session_state
    ticket, order = candidates[s[f"{key}-ticket"]]
    form = {f: s[f"{key}-{f}"] for f in ("amount", "reference", "document_url", "confirm_amount")}
    ui.act_form(
        key,
        billing.register_quote,
        desk,
        ticket,
        order,
        form,
        success=f"Offerte geregistreerd bij {ticket['number']}; de directie beslist.",
    )


def _decide(ticket: dict, quote: dict, approve: bool, key: str) -> None:
    ui.act_form(
        key,
        billing.decide_quote,
        desk,
        ticket,
        quote,
        approve=approve,
        note=st.session_state[f"{key}-note"],
        success="Offerte goedgekeurd." if approve else "Offerte afgewezen.",
    )


def register_form() -> None:
    """Only a ticket Nemesys confirmed can wait on a quote decision (the procedure's table)."""
    candidates = {
        t["id"]: (t, snap.order_for(t["id"]))
        for t in snap.open_tickets()
        if snap.order_for(t["id"])
        and any(
            s.action == "await_quote_decision"
            for s in procedure.allowed_actions("ticket", t["status"], who)
        )
    }
    st.subheader("Offerte registreren")
    if not candidates:
        st.caption("Geen door Nemesys bevestigde opdrachten om een offerte bij te registreren.")
        return
    key = "quote-register"
    with st.form(key):
        st.selectbox(
            "Opdracht",
            list(candidates),
            format_func=lambda tid: labels[candidates[tid][1]["id"]],
            key=f"{key}-ticket",
            placeholder="Kies een opdracht",
        )
        st.text_input("Bedrag excl. btw", placeholder="bijv. 1.234,56", key=f"{key}-amount")
        ui.field_error("amount", key)
        st.checkbox(amount_check.checkbox_label(desk.config), key=f"{key}-confirm_amount")
        ui.field_error("confirm_amount", key)
        st.text_input("Referentie van Nemesys", key=f"{key}-reference")
        ui.field_error("reference", key)
        st.text_input("Link naar het document", placeholder="https://", key=f"{key}-document_url")
        ui.field_error("document_url", key)
        st.form_submit_button(
            "Offerte registreren", key=f"{key}-go", on_click=_register, args=(candidates, key)
        )


def quote_facts(quote: dict) -> None:
    st.markdown(
        f"**{formatting.money(quote['amount_cents'])}** · ontvangen "
        f"{formatting.moment(quote['received_at'])} · {entity_status_label('quote', quote['status'])}"
    )
    st.text(f"Referentie Nemesys: {quote['reference']}")
    if quote["document_url"]:
        st.link_button("Document openen", quote["document_url"])


def pending_card(quote: dict) -> None:
    ticket = snap.ticket(quote["ticket_id"])
    label = f"{ticket_title(snap, ticket)} · {formatting.money(quote['amount_cents'])}"
    with cards.card(label, "offertes", ticket) as shown:  # drawn only when opened
        if not shown:
            return
        ticket_header(snap, ticket)
        quote_facts(quote)
        allowed = {s.action for s in procedure.allowed_actions("quote", quote["status"], who)}
        if not allowed:
            st.info("Deze opdracht wacht op het besluit van de directie over de offerte.")
        else:
            key = f"decide-{quote['id']}"
            with st.form(key):
                st.text_area("Toelichting (verplicht bij afwijzen)", key=f"{key}-note", height=68)
                ui.field_error("note", key)
                for action, label in (("approve", "Goedkeuren"), ("reject", "Afwijzen")):
                    if action in allowed:
                        st.form_submit_button(
                            label,
                            key=f"{key}-{action}",
                            on_click=_decide,
                            args=(ticket, quote, action == "approve", key),
                        )
        with st.popover("Tijdlijn"):  # an expander may not hold another expander
            show_timeline(snap, ticket["id"])


if any(s.action == "register" for s in procedure.allowed_actions("quote", "", who)):
    register_form()

quotes = snap.rows("quotes")
pending = sorted(
    (q for q in quotes if q["status"] == Quote.RECEIVED), key=lambda q: q["received_at"]
)
st.subheader("Wacht op besluit van de directie")
if not pending:
    st.caption("Geen offertes die op een besluit wachten.")
for quote in cards.paged(pending, "offertes", lambda q: snap.ticket(q["ticket_id"])["number"]):
    pending_card(quote)

decided = [q for q in quotes if q["status"] != Quote.RECEIVED]
st.subheader("Besliste offertes")
if not decided:
    st.caption("Nog geen besliste offertes.")
else:
    st.dataframe(
        [
            {
                "Opdracht": labels.get(q["order_id"], ""),
                "Referentie": q["reference"],
                "Besloten op": formatting.moment(q["decided_at"]),
                "Besluit": entity_status_label("quote", q["status"]),
                "Bedrag": formatting.money(q["amount_cents"]),
                "Door": q["decided_by"],
                "Toelichting": q["decision_note"],
                "Document": q["document_url"] or None,
            }
            for q in sorted(decided, key=lambda q: q["decided_at"], reverse=True)
        ],
        hide_index=True,
        # Reference and date first and wide enough: they were cut off (issue 12).
        column_config={
            "Opdracht": st.column_config.TextColumn(width="medium"),
            "Referentie": st.column_config.TextColumn(width="small"),
            "Besloten op": st.column_config.TextColumn(width="small"),
            "Document": st.column_config.LinkColumn("Document", display_text="openen"),
        },
    )
