"""The Facturen page's parts: the register form, one card per invoice, the settled table.

Buttons hand the service the rows as they were drawn (callback arguments), so a
change by someone else in between is refused as a Conflict, never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib import billing, formatting, invoice_check, invoice_view, services, ui
from lib.invoice_view import KINDS, NOTES
from lib.procedure import Invoice
from lib.services import Desk
from lib.snapshot import Snapshot
from lib.ui.timeline import entity_status_label, plain

REGISTER = "invoice-register"


@dataclass(frozen=True)
class InvoicesView:
    """What every part needs: the page's read, who acts, the order labels, all invoices."""

    snap: Snapshot
    desk: Desk
    labels: dict
    invoices: list[dict]


def _register(desk: Desk, sub: str) -> None:
    s = st.session_state
    fields = ("kind", "number", "invoice_date", "amount_excl", "amount_incl", "order_ids")
    form = {f: s[f"{REGISTER}-{sub}-{f}"] for f in (*fields, "document_url", "corrects_invoice_id")}
    ui.act_form(
        REGISTER,
        billing.register_invoice,
        desk,
        ui.snapshot(),
        form,
        invoice_id=sub,
        success=f"{KINDS[form['kind']]} {form['number'].strip()} geregistreerd; de MAZ controleert.",
    )


def _step(desk: Desk, action: str, invoice: dict, form: str) -> None:
    field, service, _, success = STEPS[action]
    ui.act_form(form, service, desk, invoice, st.session_state[f"{form}-{field}"], success=success)


# action -> (its one field, the service call, button, success message)
STEPS = {
    "approve": (
        "reason",
        lambda d, i, reason: billing.check_invoice(d, i, approve=True, reason=reason),
        "Goedkeuren",
        "Factuur goedgekeurd; financiën kan betalen.",
    ),
    "reject": (
        "reason",
        lambda d, i, reason: billing.check_invoice(d, i, approve=False, reason=reason),
        "Afkeuren",
        "Factuur afgekeurd; neem contact op met Nemesys.",
    ),
    "pay": ("paid_on", billing.pay_invoice, "Betaald", "Betaling vastgelegd."),
    "contact_nemesys": (
        "note",
        billing.record_nemesys_contact,
        "Contact vastleggen",
        "Contact met Nemesys vastgelegd.",
    ),
}
FIELD_LABELS = {
    "reason": "Reden van afkeuring (alleen bij afkeuren)",
    "paid_on": "Betaald op (dd-mm-jjjj)",
    "note": "Verslag van het contact met Nemesys over de afkeuring",
}


def register_form(view: InvoicesView) -> None:
    sub = st.session_state.get("invoice-submission")
    if not sub or view.snap.get("invoices", sub):  # renewed after its invoice was registered
        sub = st.session_state["invoice-submission"] = services.new_id()
    k = f"{REGISTER}-{sub}"
    contacted = {i["id"]: i for i in view.invoices if i["status"] == Invoice.NEMESYS_CONTACTED}
    st.subheader("Factuur of creditnota registreren")
    with st.form(REGISTER):
        st.radio("Soort", list(KINDS), format_func=KINDS.get, horizontal=True, key=f"{k}-kind")
        for field, label, hint in (
            ("number", "Factuurnummer", ""),
            ("invoice_date", "Factuurdatum", "dd-mm-jjjj"),
            ("amount_excl", "Bedrag excl. btw", "bijv. 1.234,56"),
            ("amount_incl", "Bedrag incl. btw", "bijv. 1.493,82"),
        ):
            st.text_input(label, placeholder=hint, key=f"{k}-{field}")
            ui.field_error(field, REGISTER)
        st.multiselect(
            "Voor opdracht(en)",
            list(view.labels),
            format_func=view.labels.get,
            key=f"{k}-order_ids",
            placeholder="Kies een of meer opdrachten",
        )
        ui.field_error("order_ids", REGISTER)
        st.text_input("Link naar het document", placeholder="https://", key=f"{k}-document_url")
        ui.field_error("document_url", REGISTER)
        st.selectbox(
            "Corrigeert factuur (afgekeurd, Nemesys benaderd)",
            ["", *contacted],
            format_func=lambda i: f"{contacted[i]['number']}" if i else "(geen)",
            key=f"{k}-corrects_invoice_id",
            placeholder="Kies een factuur",
        )
        st.form_submit_button(
            "Registreren", key=f"{k}-go", on_click=_register, args=(view.desk, sub)
        )


def comparison(snap: Snapshot, invoice: dict) -> None:
    """2.1 step 9: the approved quote beside the invoice, a deviation flagged."""
    dev = invoice_check.deviation(invoice, snap)
    amount, quote, diff = st.columns(3)
    amount.metric("Factuur excl. btw", formatting.money(invoice["amount_excl_cents"]))
    quote.metric("Goedgekeurde offerte", formatting.money(dev.quote_cents) or "geen")
    diff.metric("Verschil", formatting.money(dev.difference_cents) or "-")
    if dev.flagged:
        st.warning(f"Afwijking: {dev.note}")
    else:
        st.caption(dev.note)


def invoice_card(view: InvoicesView, invoice: dict) -> None:
    snap, desk = view.snap, view.desk
    with st.container(border=True):
        st.markdown(
            f"**{KINDS.get(invoice['kind'], '')} {plain(invoice['number'])}** · "
            f"{entity_status_label('invoice', invoice['status'])}"
        )
        orders = ", ".join(
            plain(view.labels.get(o, o)) for o in invoice_check.invoice_order_ids(invoice)
        )
        st.caption(
            f"Factuurdatum {formatting.day(invoice['invoice_date'])} · incl. btw "
            f"{formatting.money(invoice['amount_incl_cents'])} · opdracht(en): {orders}"
        )
        corrected = snap.get("invoices", invoice["corrects_invoice_id"])
        if corrected:
            st.caption(f"Corrigeert factuur {plain(corrected['number'])}.")
        if invoice["document_url"]:
            st.link_button("Document openen", invoice["document_url"])
        for label, column in NOTES.items():
            if invoice[column]:
                st.text(f"{label}: {invoice[column]}")
        comparison(snap, invoice)
        steps = invoice_view.offered_steps(invoice, desk.actor, STEPS)
        if not steps:
            for line in invoice_view.next_steps(invoice):
                st.caption(line)
            return
        field, form = STEPS[steps[0]][0], f"invoice-{invoice['id']}"
        with st.form(form):
            if field == "paid_on":
                st.text_input(
                    FIELD_LABELS[field], value=formatting.day(desk.clock()), key=f"{form}-{field}"
                )
            else:
                st.text_area(FIELD_LABELS[field], key=f"{form}-{field}", height=68)
            ui.field_error(field, form)
            for action in steps:
                st.form_submit_button(
                    STEPS[action][2],
                    key=f"{form}-{action}",
                    on_click=_step,
                    args=(desk, action, invoice, form),
                )


def settled_table(done: list[dict]) -> None:
    """Paid and superseded invoices, newest first."""
    st.dataframe(
        [
            {
                "Nummer": i["number"],
                "Soort": KINDS.get(i["kind"], i["kind"]),
                "Status": entity_status_label("invoice", i["status"]),
                "Excl. btw": formatting.money(i["amount_excl_cents"]),
                "Incl. btw": formatting.money(i["amount_incl_cents"]),
                "Betaald op": formatting.day(i["paid_on"]),
            }
            for i in reversed(done)
        ],
        hide_index=True,
    )
