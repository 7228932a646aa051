"""Postvak (MAZ): every queued mail, the orders to Nemesys (2.1 step 3b) and the
status mails to reporters (2.1 step 5). Until SMTP sending exists the MAZ opens
each in her own mail program (mailto:) and marks it sent here.
"""

import streamlit as st

from lib import formatting, queues, services, ui

who = ui.guard("pages/postvak.py")
st.title("Postvak")
ui.flash()
snap = ui.snapshot()
desk = ui.desk(who)

outbox = snap.outbox()
if not outbox:
    st.info("Het postvak is leeg: alle berichten zijn verzonden.")
    st.stop()

orders = [m for m in outbox if m["kind"] == "opdracht"]
others = [m for m in outbox if m["kind"] != "opdracht"]
st.caption("Open een bericht in uw mailprogramma, verstuur het daar en klik dan op 'Verzonden'.")


def _show(message: dict) -> None:
    seen = ui.as_seen("messages", message)
    ticket = snap.ticket(message["ticket_id"]) or {}
    kind = queues.message_kind_label(message["kind"])
    with st.container(border=True):
        st.markdown(f"**{kind}** · {ticket.get('number', '')}")
        st.caption(f"Klaargezet op {formatting.moment(message['created_at'])}")
        st.text(f"Aan: {message['to_address']}\nOnderwerp: {message['subject']}")
        with st.expander("Tekst van het bericht"):
            st.text(message["body"])
        left, right = st.columns(2)
        left.link_button("Openen in mailprogramma", queues.mailto_link(message))
        if right.button("Verzonden", key=f"verzonden-{message['id']}", type="primary"):
            ui.act(
                services.mark_sent,
                desk,
                seen,
                success=f"Gemarkeerd als verzonden: {message['subject']}",
            )


# Orders first: urgent work waits on them (2.1 step 3b "at once").
for title, messages in (
    ("Opdrachten aan Nemesys", orders),
    ("Statusberichten aan melders", others),
):
    st.subheader(f"{title} ({len(messages)})")
    if not messages:
        st.caption("Geen.")
    for message in messages:
        _show(message)
