"""Opvolgen (MAZ, 2.2 steps 3-4): the next-working-day checks of not-urgent reports.

The MAZ contacts the reporter or the location, notes what she tried, and then
either removes the report (solved; the history stays) or orders at Nemesys.
"""

import streamlit as st

from lib import follow_up_rule, formatting, queues, services, ui, workdays
from lib.ui import cards
from lib.ui.forms import note_and_choice
from lib.ui.timeline import plain, show_timeline, ticket_header

who = ui.guard("pages/opvolgen.py")
st.title("Opvolgen")
ui.flash()
snap = ui.snapshot()
now = workdays.now()
desk = ui.desk(who)


def _contacts(row: queues.QueueRow) -> None:
    t, loc = row.ticket, row.location
    st.markdown(
        f"**Melder:** {plain(t['reporter_name'])} · {plain(t['reporter_email'])} · "
        f"bereikbaar: {plain(t['contact_info']) or '-'}"
    )
    if loc.get("unit_manager_name"):
        st.markdown(
            f"**Unitmanager {plain(loc['name'])}:** {plain(loc['unit_manager_name'])} · "
            f"{plain(loc.get('unit_manager_email')) or '-'} · "
            f"{plain(loc.get('unit_manager_phone')) or '-'}"
        )


def _follow_up_form(ticket: dict) -> None:
    form = f"opvolgen-{ticket['id']}"
    rule = follow_up_rule.choice(ticket, now)
    if rule.hint:
        st.info(rule.hint)
    notes, solved = note_and_choice(
        form,
        rule.note_label,
        ("solved", rule.solved_label),
        ("not-solved", rule.order_label),
        note_key="notes",
    )
    if solved is not None:
        ordered = "Alsnog urgent" if rule.early else "Niet opgelost"
        success = (
            "Opgelost: de melding is verwijderd (de geschiedenis blijft bewaard)."
            if solved
            else f"{ordered}: de opdracht en de mail aan Nemesys staan klaar in het Postvak."
        )
        ui.act_form(
            form,
            services.follow_up,
            desk,
            snap,
            ticket,
            solved=solved,
            notes=notes,
            success=success,
        )


def _show(scope: str, rows: list[queues.QueueRow]) -> None:
    for row in cards.paged(rows, f"opvolgen-{scope}", lambda r: r.ticket["number"]):
        seen = ui.as_seen("tickets", row.ticket)
        due = formatting.moment(row.ticket["check_due_at"])
        with cards.card(f"{row.title} · controle {due}", "opvolgen", row.ticket) as shown:
            if not shown:  # drawn only when opened; a Start link opens it
                continue
            ticket_header(snap, row.ticket)
            _contacts(row)
            st.text(row.ticket["description"])
            if row.ticket["urgency_reason"]:
                st.caption(f"Niet urgent omdat: {plain(row.ticket['urgency_reason'])}")
            _follow_up_form(seen)
            with st.popover("Verloop"):
                show_timeline(snap, row.ticket["id"])


buckets = queues.follow_up_buckets(snap, now)
if not len(buckets):
    st.info("Er zijn geen niet-urgente meldingen die op controle wachten.")
    st.stop()

for title, rows in (
    ("Te laat", buckets.overdue),
    ("Vandaag", buckets.today),
    ("Binnenkort", buckets.upcoming),
):
    st.subheader(f"{title} ({len(rows)})")
    if not rows:
        st.caption("Geen.")
    _show(title.lower().replace(" ", "-"), rows)
