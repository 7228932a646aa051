"""AppTest help for work lists whose cards draw their content only when opened.

A work page's cards (lib/ui/cards.py) are expanders that draw forms and the
timeline only while open, as in a browser after a click. Tests that act inside
a card open it first: `open_cards(at)` opens every card the last run showed;
`page_with_open_cards(...)` does so after every run, like a user who opens each
card before using it.
"""

from __future__ import annotations

from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.testing.v1 import AppTest

from lib.config import ROOT
from lib.ui.cards import KEY_PREFIX


def card_keys(at: AppTest, *, closed_only: bool = False) -> list[str]:
    """The widget keys of the cards (lib/ui/cards.py) the last run drew."""
    keys = []
    for box in at.expander:
        key = user_key_from_element_id(box.proto.id) if box.proto.id else None
        if key and key.startswith(KEY_PREFIX):
            if closed_only and at.session_state[key] is True:
                continue
            keys.append(key)
    return keys


def open_cards(at: AppTest, *, number: str = "") -> AppTest:
    """Open the cards of the last run (only the one labelled with `number` if given); rerun."""
    opened = False
    for box in at.expander:
        key = user_key_from_element_id(box.proto.id) if box.proto.id else None
        if key and key.startswith(KEY_PREFIX) and (not number or number in box.label):
            at.session_state[key] = True
            opened = True
    return at.run() if opened else at


class CardsOpened(AppTest):
    """An AppTest that opens every closed card after each run (and runs once more)."""

    def _run(self, widget_state=None, timeout=None):
        super()._run(widget_state, timeout)
        closed = card_keys(self, closed_only=True)
        if closed and not self.exception:
            for key in closed:
                self.session_state[key] = True
            self._tree.run(timeout=timeout)
        return self


def page_with_open_cards(
    path: str, *, role: str | None = None, name: str = "Test-MAZ", email: str = ""
) -> AppTest:
    """`tests.apptest_support.page`, with every card opened after each run."""
    at = CardsOpened(str(ROOT / path), default_timeout=30)
    if role:
        at.session_state["demo_role"] = role
        at.session_state["demo_name"] = name
        at.session_state["demo_email"] = email or f"{role}@kivido.example"
    return at
