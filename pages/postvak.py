"""Postvak (MAZ): every mail the procedure sends, with its state.

With SMTP configured ([smtp] in secrets.toml) mail goes out by itself after
each action (lib/mailer.py); here the MAZ sees what was sent, what failed and
why, and sends a failed mail again. Without SMTP she opens each mail in her own
mail program (mailto:) and marks it sent. Newest first, filtered, 50 at a time.
"""

import streamlit as st

from lib import formatting, queues, services, ui
from lib.procedure import Message

SHOWN_AT_ONCE = 50

who = ui.guard("pages/postvak.py")
st.title("Postvak")
ui.flash()
snap = ui.snapshot()
desk = ui.desk(who)
smtp = ui.config().smtp

if smtp:
    st.caption(f"Berichten gaan automatisch via de mailserver {smtp['host']}.")
else:
    st.caption(
        "Er is geen mailserver ingesteld: open een bericht in uw mailprogramma, "
        "verstuur het daar en klik dan op 'Verzonden'."
    )

left, middle, right = st.columns(3)
view = left.selectbox(
    "Toon", list(queues.POSTVAK_VIEWS), key="postvak-view", placeholder="Kies een weergave"
)
number = middle.text_input("Meldingsnummer", key="postvak-number")
recipient = right.text_input("Ontvanger", key="postvak-recipient")
if number.strip():  # issue 10: a report's mail stays findable after it is archived
    snap = ui.snapshot(full=True)
messages = queues.postvak(snap, view, number=number, recipient=recipient)


def _show(message: dict, text: dict | None) -> None:
    seen = ui.as_seen("messages", message)
    ticket = snap.ticket(message["ticket_id"]) or {}
    status = queues.MESSAGE_STATUS_LABELS.get(message["status"], message["status"])
    with st.container(border=True):
        st.markdown(
            f"**{queues.message_kind_label(message['kind'])}** · "
            f"{ticket.get('number', '')} · {status}"
        )
        when = f"Klaargezet op {formatting.moment(message['created_at'])}"
        if message["sent_at"]:
            when += f" · verzonden op {formatting.moment(message['sent_at'])}"
        if message["attempts"]:
            when += f" · {message['attempts']} poging(en)"
        st.caption(when)
        if message["last_error"] and message["status"] != Message.SENT:
            st.error(f"Fout van de mailserver: {message['last_error']}")
        elif message["last_error"]:  # sent, but refused for one of the recipients
            st.warning(message["last_error"])
        st.text(f"Aan: {message['to_address']}\nOnderwerp: {message['subject']}")
        with st.expander("Tekst van het bericht"):
            if text is None:
                st.info(queues.NO_TEXT)
            else:
                st.text(text["body"])
        if message["status"] == Message.SENT:
            return
        key = message["id"]
        if not smtp:
            left, right = st.columns(2)
            if text is not None:  # never a mail without its text
                left.link_button("Openen in mailprogramma", queues.mailto_link(message | text))
            if right.button("Verzonden", key=f"verzonden-{key}", type="primary"):
                ui.act(
                    services.mark_sent,
                    desk,
                    seen,
                    success=f"Gemarkeerd als verzonden: {message['subject']}",
                )
        elif message["status"] == Message.FAILED and st.button(
            "Opnieuw versturen", key=f"opnieuw-{key}", type="primary"
        ):
            ui.act(
                services.retry_message,
                desk,
                seen,
                success=f"Opnieuw in de wachtrij: {message['subject']}",
            )


if not messages:
    if view == "Nog te versturen" and not (number or recipient):
        st.info("Het postvak is leeg: alle berichten zijn verzonden.")
    else:
        st.info("Geen berichten met deze keuze.")
    st.stop()
st.caption(f"{len(messages)} bericht(en), nieuwste eerst.")
shown = messages[:SHOWN_AT_ONCE]
texts = ui.mail_texts(shown) or {}  # only the shown mails' texts (issue 10)
for message in shown:
    _show(message, texts.get(message["id"]))
if len(messages) > SHOWN_AT_ONCE:
    st.caption(f"De nieuwste {SHOWN_AT_ONCE} staan hier; verfijn de keuze voor de rest.")
