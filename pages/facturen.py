"""Facturen (2.1 step 9): finance registers, the MAZ checks, finance pays or Nemesys hears why not.

Buttons hand the service the rows as they were drawn (callback arguments), so a
change by someone else in between is refused as a Conflict, never overwritten.
"""

import streamlit as st

from lib import billing, formatting, invoice_check, procedure, services, ui
from lib.procedure import ROLE_LABELS, Invoice
from lib.ui.timeline import entity_status_label, plain

ACTIONS = ("register", "approve", "reject", "pay", "contact_nemesys")
DONE = {Invoice.PAID, Invoice.SUPERSEDED}
KINDS = {"factuur": "Factuur", "creditnota": "Creditnota"}
NOTES = {"Reden van afkeuring": "rejection_reason", "Contact met Nemesys": "nemesys_contact_note"}

who = ui.guard("pages/facturen.py")
st.title("Facturen van Nemesys")
ui.flash()
snap, desk = ui.snapshot(), ui.desk(who)
labels = invoice_check.order_labels(snap)
invoices = sorted(snap.rows("invoices"), key=lambda i: i["registered_at"])
REGISTER = "invoice-register"


def _register(sub: str) -> None:
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


def _step(action: str, invoice: dict, form: str) -> None:
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


def register_form() -> None:
    sub = st.session_state.get("invoice-submission")
    if not sub or snap.get("invoices", sub):  # renewed after its invoice was registered
        sub = st.session_state["invoice-submission"] = services.new_id()
    k = f"{REGISTER}-{sub}"
    contacted = {i["id"]: i for i in invoices if i["status"] == Invoice.NEMESYS_CONTACTED}
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
            list(labels),
            format_func=labels.get,
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
        st.form_submit_button("Registreren", key=f"{k}-go", on_click=_register, args=(sub,))


def comparison(invoice: dict) -> None:
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


def next_step(invoice: dict) -> None:
    for t in (t for t in procedure.TRANSITIONS["invoice"] if invoice["status"] in t.sources):
        roles = " of ".join(ROLE_LABELS[r] for r in sorted(t.roles))
        st.caption(f"Volgende stap: {t.label} (door {roles}).")


def invoice_card(invoice: dict) -> None:
    with st.container(border=True):
        st.markdown(
            f"**{KINDS.get(invoice['kind'], '')} {plain(invoice['number'])}** · "
            f"{entity_status_label('invoice', invoice['status'])}"
        )
        orders = ", ".join(
            plain(labels.get(o, o)) for o in invoice_check.invoice_order_ids(invoice)
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
        comparison(invoice)
        allowed = procedure.allowed_actions("invoice", invoice["status"], who)
        steps = [a for a in STEPS if a in {s.action for s in allowed}]
        if not steps:
            next_step(invoice)
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
                    args=(action, invoice, form),
                )


if any(s.action == "register" for s in procedure.allowed_actions("invoice", "", who)):
    register_form()

st.subheader("In behandeling")
active = [i for i in invoices if i["status"] not in DONE]
if not active:
    st.caption("Geen facturen in behandeling.")
for invoice in active:
    invoice_card(invoice)

done = [i for i in invoices if i["status"] in DONE]
if done:
    st.subheader("Afgehandeld")
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
