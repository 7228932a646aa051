"""Work lists that cost what they show: paged, searchable by number, drawn when opened.

A work page hands its list to `paged`, which shows at most PAGE_SIZE cards (the
one a Start link focuses always among them) with a search by report number over
the whole list; each card is a `card`, whose content (forms, timeline) is drawn
only while it is open (issue 10: a page view must not grow with history).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import streamlit as st

from lib import ui
from lib.ui import privacy, worklist

PAGE_SIZE = 25
KEY_PREFIX = "card-"
OPEN_CARDS = "_open_cards"  # the keys of the cards open in the last run

Item = TypeVar("Item")


def card_key(scope: str, ticket: dict) -> str:
    return f"{KEY_PREFIX}{scope}-{ticket['id']}"


@contextlib.contextmanager
def card(label: str, scope: str, ticket: dict, *, expanded: bool = False) -> Iterator[bool]:
    """An expander that yields whether its content is to be drawn (only when open).

    Opening it is a view of someone's report, logged as lib/ui/privacy.py says.
    The card a Start link names (?melding=) opens by itself. An open card stays
    open when its label changes (its age, its status after an action): Streamlit
    treats a new label as a new expander, so the card remembers itself as open.
    """
    key = card_key(scope, ticket)
    remembered = st.session_state.setdefault(OPEN_CARDS, set())
    focus = expanded or key in remembered or ticket["number"] == worklist.focused_number()
    box = st.expander(label, key=key, expanded=focus, on_change="rerun")
    if box.open:
        remembered.add(key)
    else:
        remembered.discard(key)
    with box:
        # A work list shows other people's reports: opening one is logged (issue 13).
        # Who is asked only for an open card: a page draws up to 25 closed ones per run.
        who = ui.actor() if box.open else None
        yield privacy.logged_open(who, ticket, key, bool(box.open))


def _matches(query: str, number: str) -> bool:
    return query in number.upper()


def paged(
    items: Sequence[Item],
    scope: str,
    number: Callable[[Item], str],
    *,
    size: int = PAGE_SIZE,
    noun: str = "melding(en)",
) -> list[Item]:
    """The items to draw: a page of `size`, or those whose report number matches the search.

    A list that fits on one page gets no controls at all.
    """
    items = list(items)
    if len(items) <= size:
        return items
    query = st.text_input(
        "Zoek op meldingsnummer", key=f"zoek-{scope}", placeholder="bijvoorbeeld KIV-2026-000123"
    )
    query = query.strip().upper()
    if query:
        found = [i for i in items if _matches(query, number(i))]
        if not found:
            st.info(f"Geen {noun} met '{query}' in het nummer in deze lijst.")
        elif len(found) > size:
            st.caption(f"{len(found)} gevonden; de eerste {size} staan hier. Zoek preciezer.")
        return found[:size]
    pages = (len(items) + size - 1) // size
    shown = st.number_input(
        f"Pagina (van {pages})", min_value=1, max_value=pages, value=1, key=f"pagina-{scope}"
    )
    start = (int(shown) - 1) * size
    chosen = items[start : start + size]
    st.caption(
        f"{len(items)} {noun}; {start + 1}–{start + len(chosen)} staan hier. "
        "Zoek op nummer om een andere direct te openen."
    )
    focus = worklist.focused_number()
    if focus and not any(number(i) == focus for i in chosen):
        chosen = [i for i in items if number(i) == focus] + chosen  # a Start link's report
    return chosen
