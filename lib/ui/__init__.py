"""The one small module in lib/ that knows Streamlit: glue between pages and lib.

Pages call `guard(path)` first (who may see it), `snapshot()` once per view, and `act()`
to hand a user action to a service; `act` turns the service's refusals into
Dutch messages and drops the cached read after the session's own writes.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lib import accounts, app_settings, mailer, navigation
from lib import config as config_module
from lib.procedure import Actor, IllegalTransition, refuse
from lib.repository import Conflict, NotFound, Repository, StoreUnavailable
from lib.schema import MAIL_TEXTS, SHARED_TABLES, WITHOUT_MAIL_TEXTS
from lib.services import Desk
from lib.snapshot import Snapshot
from lib.store import open_repository
from lib.ui import outage, shared_frames
from lib.validation import ValidationError


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml: the embedded defaults apply
        return {}


@st.cache_resource
def _config_and_repo(_secrets_key: str) -> tuple[config_module.Config, Repository]:
    config = config_module.load(_secrets())
    repo = open_repository(config)
    outage.set_up(repo)
    return config, repo


@st.cache_resource
def _outbox(_secrets_key: str) -> mailer.Outbox | None:
    settings = mailer.SmtpSettings.from_secrets(config().smtp)
    return mailer.Outbox(repository(), settings) if settings else None


def send_mail_soon() -> None:
    """Wake this process's sender (lib/mailer.py): the page does not wait for it."""
    outbox = _outbox(str(sorted(_secrets())))
    if outbox is not None:
        outbox.kick()


def config() -> config_module.Config:
    return _config_and_repo(str(sorted(_secrets())))[0]


def repository() -> Repository:
    return _config_and_repo(str(sorted(_secrets())))[1]


# Issue 10: the read is kept once per process and handed to every session as it is
# (st.cache_resource: no pickled copy per session and period; callers never change
# rows). Bounded: a few live reads (one per period and per writing session) and
# fewer full reads (the archive included), each dropped after READ_TTL seconds.
READ_TTL = 300
LIVE_READS = 16
FULL_READS = 2


def _read_store(live: bool) -> dict:
    # Local accounts ride along in the same request, reduced to their session tokens
    # (lib/accounts.py): a password reset ends open sessions without a second read.
    # The mails come without their texts, most of a live read's bytes: Postvak asks
    # for those of the mails it shows (mail_texts).
    tables = (*SHARED_TABLES, "accounts")
    rows = repository().read(tables, live_only=live, columns=WITHOUT_MAIL_TEXTS)
    rows["accounts"] = accounts.session_tokens(rows["accounts"])
    return rows


@st.cache_resource(max_entries=LIVE_READS, ttl=READ_TTL, show_spinner=False)
def _read_live(label: str, nonce: str, generation: int, epoch: str = "") -> dict:
    return _read_store(live=True)


@st.cache_resource(max_entries=FULL_READS, ttl=READ_TTL, show_spinner=False)
def _read(label: str, nonce: str, generation: int, epoch: str = "") -> dict:
    return _read_store(live=False)


@st.cache_data(show_spinner=False)
def _read_epoch() -> str:
    """New after st.cache_data is cleared ("Clear cache", tests): the next view reads anew."""
    return uuid.uuid4().hex


@st.cache_resource
def _generations() -> dict:
    return {"lock": threading.Lock(), "started": {}}


def _generation(nonce: str) -> int:
    """Which read is current: a new one [app] cache_seconds after the last began.

    Counted from when a read was made (not on a fixed clock), so a slow build is
    still reused for the full period; `nonce` changes after the session's own
    writes (`invalidate`), so it sees them at once.
    """
    seconds, now = max(config().cache_seconds, 0.001), time.time()
    state = _generations()
    with state["lock"]:
        started, generation = state["started"].get(nonce, (now, 0))
        retired = None
        if now - started >= seconds:
            started, generation, retired = now, generation + 1, generation
        state["started"][nonce] = (started, generation)
        if len(state["started"]) > 1000:  # one entry per writing session: forget old ones
            old = [k for k, (t, _) in state["started"].items() if now - t > 3600]
            for key in old:
                del state["started"][key]
    if retired is not None:
        _retire(nonce, retired)
    return generation


def _retire(nonce: str, generation: int) -> None:
    """Drop the reads of a period no new view will ask for (its next one has begun).

    Without this, every period's read stayed until READ_TTL or LIVE_READS pushed it
    out: up to 16 copies of the live store held at once (issue 10: memory). A view
    still running on it keeps its own reference; a late call in it reads again.
    """
    label, epoch = repository().label, _read_epoch()
    for cached in (_read_live, _read):
        cached.clear(label, nonce, generation, epoch)


MAIL_TEXTS_KEPT = 500  # mails' texts kept per process: ten pages of Postvak


@st.cache_resource
def _kept_texts() -> dict:
    return {"lock": threading.Lock(), "texts": OrderedDict()}


def mail_texts(messages: list[dict]) -> dict[str, dict] | None:
    """The texts (schema.MAIL_TEXTS) of these mails, by id: what a page view's read
    leaves out, asked for the mails a page shows in one small request (none for the
    ones asked before: kept per version, which a purge of the text raises). None when
    the store does not answer."""
    label, kept = repository().label, _kept_texts()
    with kept["lock"]:
        found = {
            m["id"]: kept["texts"][key]
            for m in messages
            if (key := (label, m["id"], m["version"])) in kept["texts"]
        }
    missing = [m["id"] for m in messages if m["id"] not in found]
    if not missing:
        return found
    try:
        rows = repository().read_rows("messages", missing)
    except StoreUnavailable:
        return None
    with kept["lock"]:
        for row in rows:
            found[row["id"]] = {c: row[c] for c in MAIL_TEXTS}
            kept["texts"][(label, row["id"], row["version"])] = found[row["id"]]
        while len(kept["texts"]) > MAIL_TEXTS_KEPT:
            kept["texts"].popitem(last=False)
    return found


def effective_config() -> config_module.Config:
    """The configuration with the settings saved on Beheer applied (lib/app_settings.py)."""
    return app_settings.applied(config(), snapshot())


def snapshot(full: bool = False) -> Snapshot:
    """The one read of this page view (one batched request, briefly cached).

    Live by default: archived reports and their rows left out (lib/archive.py).
    `full` adds the archive, for what reaches into history (a search by number,
    Mijn meldingen's archive, Overzicht over an old period).
    """
    nonce, generation = _run_generation()
    # One Snapshot per script run (issue 10): its indexes are built once, however
    # often the page, desk() and effective_config() ask.
    ctx = get_script_run_ctx()
    key = (nonce, generation, full)
    memo = getattr(ctx, "_kivido_snapshot", None)
    if ctx is not None and memo and memo[0] is ctx.cursors and key in memo[1]:
        return memo[1][key]
    cached = _read if full else _read_live
    epoch = _read_epoch()
    read = lambda: cached(repository().label, nonce, generation, epoch)  # noqa: E731
    snap = Snapshot(outage.guarded_read(read, repository(), config()))
    if ctx is not None:
        if not (memo and memo[0] is ctx.cursors):
            memo = (ctx.cursors, {})
            ctx._kivido_snapshot = memo
        memo[1][key] = snap
    return snap


def _run_generation() -> tuple[str, int]:
    """The read this script run uses: one per run, also when cache_seconds is 0."""
    ctx = get_script_run_ctx()
    nonce = st.session_state.get("_write_nonce", "")
    memo = getattr(ctx, "_kivido_generation", None)
    if ctx is not None and memo and memo[0] is ctx.cursors and memo[1] == nonce:
        return nonce, memo[2]
    generation = _generation(nonce)
    if ctx is not None:
        ctx._kivido_generation = (ctx.cursors, nonce, generation)
    return nonce, generation


def derived(
    name: str, tables: tuple[str, ...], build: Callable[[dict], Any], full: bool = False
) -> Any:
    """`build` applied to `tables` of the cached read, itself cached as long.

    For pages that summarise many rows (Overzicht): the cache keeps the compact
    built value (DataFrames), so a warm view skips the build. `name` tells
    builders apart, since `build` itself is not hashed. Live, or with `full`
    the archive included (see `snapshot`).
    """
    nonce, generation = _run_generation()

    def shared():  # issue 10: kept once per data change for all sessions
        label = repository().label + (" (met archief)" if full else "")
        cached, epoch = (_read if full else _read_live), _read_epoch()
        read = lambda: cached(repository().label, nonce, generation, epoch)  # noqa: E731
        return shared_frames.built(label, nonce, generation, name, tuple(tables), build, read)

    return outage.guarded(shared)


def invalidate() -> None:
    st.session_state["_write_nonce"] = uuid.uuid4().hex


def actor() -> Actor | None:
    """Who is acting: the signed-in person (lib/ui/identity.py), or None."""
    from lib.ui import identity

    return identity.current()


def leave_pages_folder_mode() -> None:
    """Make Streamlit treat pages/ as our own page files, not as an app of its own.

    Streamlit decides once per server process whether pages/ beside app.py is a
    "pages folder" app, before the first script run; only st.navigation (in
    app.py) switches that off. A server's very first visitor arriving on a deep
    link (/facturen) would run that page directly, and every later session
    would get all files listed and no sign-in. Every page calls this first: in
    that first run it switches the mode off and reruns through the router.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def guard(path: str) -> Actor:
    """The first line of every page: who may see it comes from lib/navigation.py.

    Not signed in: the sign-in screen. Signed in without a role for this page: a
    Dutch refusal, logged. Either way the page stops before it reads anything.
    """
    from lib.ui import identity

    leave_pages_folder_mode()
    who = identity.current()
    if who is None:
        identity.sign_in_screen()
        st.stop()
    if not navigation.may_open(who, path):
        screen = navigation.SCREENS[path]
        refuse(who, f"pagina '{screen.title}' geopend zonder de rol ervoor")
        st.info(navigation.for_whom(path))
        page_link(navigation.HOME, "Naar de startpagina", "🏠")
        st.stop()
    from lib.ui import freshness

    freshness.forget_stale(who, path)
    return who


def page_link(path: str, label: str, icon: str) -> None:
    """A link to another page of the menu (a page run on its own, in a test, has none)."""
    with contextlib.suppress(StreamlitAPIException):
        st.page_link(path, label=label, icon=icon)


def desk(who: Actor | None = None) -> Desk:
    """A Desk for the acting person; pass `who` when the page already asked actor()."""
    who = who or actor()
    if who is None:
        raise IllegalTransition("U bent niet aangemeld.")
    return Desk(repo=repository(), actor=who, config=effective_config(), snapshot=snapshot())


def act(action: Callable[..., Any], *args: Any, success: str = "Opgeslagen.", **kwargs: Any) -> Any:
    """Run a service call; show a Dutch message for every refusal; rerun on success."""
    try:
        result = action(*args, **kwargs)
    except ValidationError as e:
        st.session_state["_field_errors"] = e.errors
        st.error("Controleer de invoer:\n\n" + "\n".join(f"- {m}" for m in e.errors.values()))
        return None
    except Conflict as e:
        invalidate()
        st.session_state["_flash"] = ("warning", str(e))
        st.rerun()
    except (IllegalTransition, NotFound) as e:
        invalidate()
        st.error(str(e))
        return None
    except StoreUnavailable as e:
        st.error(str(e))
        return None
    st.session_state.pop("_field_errors", None)
    invalidate()
    send_mail_soon()
    st.session_state["_flash"] = ("success", success)
    st.rerun()
    return result


def field_error(name: str, form: str | None = None) -> None:
    """Show the message for one field next to it, if the last attempt failed there.

    With `form`, only when that form (see `act_form`) made the failed attempt.
    """
    if form is not None and st.session_state.get("_field_errors_form") != form:
        return
    message = st.session_state.get("_field_errors", {}).get(name)
    if message:
        st.error(message)


def flash() -> None:
    """Show the outcome of the last action after the rerun it caused.

    Always in a container of its own, present also when empty: a message must
    not shift what follows, or Streamlit resets the tabs and expanders below it.
    """
    slot = st.container()
    kind, text = st.session_state.pop("_flash", (None, None))
    if kind:
        getattr(slot, kind)(text)


def act_form(
    form: str, action: Callable[..., Any], *args: Any, success: str = "Opgeslagen.", **kwargs: Any
) -> Any:
    """`act` for a submitted st.form: refused input reruns the page, so the fields of
    this form (drawn before the button was known to be pressed) show their messages."""
    st.session_state.pop("_field_errors", None)
    result = act(action, *args, success=success, **kwargs)
    if "_field_errors" in st.session_state:
        st.session_state["_field_errors_form"] = form
        st.session_state["_flash"] = (
            "error",
            "Controleer de invoer: zie de meldingen bij de velden.",
        )
        st.rerun()
    return result


def as_seen(table: str, row: dict) -> dict:
    """The row as the user saw it on the screen they acted on (the previous run).

    A button press reruns the page, which reads afresh; handing the service the
    row as it was shown makes a change by someone else in between a Conflict
    instead of an unnoticed overwrite.
    """
    seen = st.session_state.setdefault("_seen_rows", {})
    key = f"{table}:{row['id']}"
    previous = seen.get(key, row)
    seen[key] = row
    return previous


def run_page(page: Any) -> None:
    """Run the router's page; a store outage anywhere in it ends in a Dutch message."""
    outage.guarded(page.run)
