"""What pages do while the store does not answer (issue 9 point 5).

- A read that fails shows the last good read of this app process, under a Dutch
  notice with the time it is from; saving is refused with a message (`act`), and
  reports go to the local intake queue (lib/intake.py). Without any earlier read
  the page shows a Dutch message and a retry button, never a traceback.
- Each successful read also delivers reports waiting in the intake queue.
- `keep_input` keeps what someone typed in a form across runs in which the form
  could not be drawn (in a browser Streamlit forgets a widget's value as soon as
  one run does not draw it, which a store outage at the top of a page causes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lib import intake, workdays
from lib.config import Config
from lib.repository import Repository, StoreUnavailable

DELIVERY_PAUSE_SECONDS = 5.0  # look at the queue file at most this often per process
RETRY_KEY = "_outage_retry"


@st.cache_resource
def _last_good() -> dict:
    return {"rows": None, "at": None, "checked": 0.0, "lock": threading.Lock()}


def set_up(repo: Repository) -> None:
    """Set the store up at start; if it does not answer, the first good read does it."""
    try:
        repo.setup()
        repo._kivido_ready = True
    except StoreUnavailable:
        repo._kivido_ready = False


def guarded_read(read: Callable[[], dict], repo: Repository, config: Config) -> dict:
    """`read()`, or during an outage the last good read (with a notice), or a stop."""
    last = _last_good()
    try:
        if not getattr(repo, "_kivido_ready", True):
            repo.setup()
            repo._kivido_ready = True
        rows = read()
    except StoreUnavailable as e:
        if last["rows"] is None:
            stop(e)
        _notice(e, last["at"])
        return last["rows"]
    last["rows"], last["at"] = rows, workdays.now()
    _deliver_waiting(repo, config, last)
    return rows


def guarded(call: Callable[[], Any]) -> Any:
    """`call()`; a store outage becomes the Dutch message with a retry button."""
    try:
        return call()
    except StoreUnavailable as e:
        stop(e)


def stop(error: StoreUnavailable) -> None:
    """End this run with a calm Dutch message and a way to try again."""
    st.error(
        "De opslag antwoordt op dit moment niet, dus deze pagina kan niet worden getoond.\n\n"
        f"{error}\n\nWat u al had ingevuld, blijft bewaard."
    )
    st.button("Opnieuw proberen", key=RETRY_KEY, icon="🔄")
    st.stop()


def _notice(error: StoreUnavailable, at: datetime | None) -> None:
    ctx = get_script_run_ctx()
    if ctx is not None and getattr(ctx, "_kivido_outage_shown", None) is ctx.cursors:
        return  # one notice per page run, however often the page reads
    if ctx is not None:
        ctx._kivido_outage_shown = ctx.cursors
    moment = at.astimezone(workdays.AMSTERDAM).strftime("%H:%M") if at else "eerder"
    # In the sidebar, below everything there: an element inserted into the main
    # area would shift what follows, and Streamlit would close its expanders.
    st.sidebar.warning(
        f"De opslag antwoordt op dit moment niet. U ziet de stand van {moment}; opslaan kan "
        "even niet (een nieuwe melding wordt wel bewaard en later geregistreerd). "
        f"\n\n{error}"
    )
    st.sidebar.button("Opnieuw proberen", key=RETRY_KEY, icon="🔄")


def _deliver_waiting(repo: Repository, config: Config, last: dict) -> None:
    """Hand queued reports to the store now that it answers (at most every few seconds).

    In a thread of its own: a page never waits for the queue (the store may
    answer this read from the cache and still be down for the delivery).
    """
    now = time.monotonic()
    with last["lock"]:
        if now - last["checked"] < DELIVERY_PAUSE_SECONDS:
            return
        last["checked"] = now
    queue = intake.IntakeQueue(intake.queue_path(config))
    if queue.has_waiting():
        threading.Thread(
            target=queue.deliver, args=(repo, config), name="intake-delivery", daemon=True
        ).start()


def deliver_now(repo: Repository, config: Config) -> None:
    """Deliver waiting reports in this run (the page of someone waiting for their number)."""
    intake.IntakeQueue(intake.queue_path(config)).deliver(repo, config)


def keep_input(keys: Iterable[str]) -> None:
    """Keep these widget values across runs that do not draw their widgets.

    Call before the widgets are drawn: a value Streamlit dropped comes back
    from the copy, and every present value is copied for next time.
    """
    for key in keys:
        copy = f"_kept:{key}"
        if key in st.session_state:
            st.session_state[copy] = st.session_state[key]
        elif copy in st.session_state:
            st.session_state[key] = st.session_state[copy]


def forget_input(keys: Iterable[str]) -> None:
    for key in keys:
        st.session_state.pop(key, None)
        st.session_state.pop(f"_kept:{key}", None)
