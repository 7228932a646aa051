"""Facturen (2.1 step 9): finance registers, the MAZ checks, finance pays or Nemesys hears why not.

The form and the cards are lib/ui/invoices.py; what is shown, lib/invoice_view.py.
"""

import streamlit as st

from lib import invoice_check, invoice_view, ui
from lib.ui import invoices as invoice_ui

ACTIONS = ("register", "approve", "reject", "pay", "contact_nemesys")

who = ui.guard("pages/facturen.py")
st.title("Facturen van Nemesys")
ui.flash()
snap, desk = ui.snapshot(), ui.desk(who)
labels = invoice_check.order_labels(snap)
invoices = invoice_view.by_registration(snap.rows("invoices"))
view = invoice_ui.InvoicesView(snap, desk, labels, invoices)

if invoice_view.may_register(who):
    invoice_ui.register_form(view)

st.subheader("In behandeling")
active = invoice_view.in_hand(invoices)
if not active:
    st.caption("Geen facturen in behandeling.")
for invoice in active:
    invoice_ui.invoice_card(view, invoice)

done = invoice_view.settled(invoices)
if done:
    st.subheader("Afgehandeld")
    invoice_ui.settled_table(done)
