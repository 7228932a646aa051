"""python -m bench.postvak [--sizes 500,5000] [--runs 5]: the Postvak at many messages.

For each size it writes a store with that many messages (a quarter of them
reports from bench.generate, four mails each; 10 % queued, 2 % failed, the rest
sent), then times, as the MAZ, with AppTest:

  open, cold      the first view (Streamlit's caches emptied: includes the read)
  open, warm      a view within the cache time
  mark one sent   pressing "Verzonden" on the newest queued mail (write + rerun)

and prints the median of --runs next to two baselines measured in the same run:
linear_ms (the previous size scaled by the number of messages) and all_rows_ms
(the same measure with every matching message drawn, as the Postvak did before
it showed 50 at a time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import bench
from lib import workdays
from lib.procedure import Message
from lib.repository.base import complete_row
from lib.repository.sql import SqlRepository

PAGE = Path(__file__).resolve().parent.parent / "pages" / "postvak.py"
KINDS = ("ontvangst", "status", "opdracht", "status")


def messages_for(tickets: list[dict], n: int) -> list[dict]:
    rows = []
    for i in range(n):
        ticket = tickets[i // len(KINDS) % len(tickets)]
        status = Message.QUEUED if i % 10 == 0 else Message.FAILED if i % 50 == 1 else Message.SENT
        rows.append(
            complete_row(
                "messages",
                {
                    "id": f"bench-message-{i:06d}",
                    "ticket_id": ticket["id"],
                    "kind": KINDS[i % len(KINDS)],
                    "status": status,
                    "created_at": ticket["created_at"],
                    "to_address": "support@nemesys.nl" if i % 4 == 2 else "ruben@kivido.example",
                    "subject": f"[{ticket['number']}] Bericht {i}",
                    "body": "Beste Ruben,\n\nEr is nieuws over uw melding.\n" * 3,
                    "sent_at": ticket["created_at"] if status == Message.SENT else "",
                    "message_id": f"<bench-message-{i:06d}@kivido.nl>",
                    "thread_ref": f"<melding-{ticket['id']}@kivido.nl>",
                    "last_error": "451 Probeer later" if status == Message.FAILED else "",
                    "attempts": 5 if status == Message.FAILED else 0,
                },
            )
        )
    return rows


def _clear() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _open(page: Path = PAGE):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(page), default_timeout=600)
    at.session_state["demo_role"] = "maz"
    at.session_state["demo_email"] = "maz@kivido.example"
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return at


def _mark_one(at) -> None:
    button = next(b for b in at.button if b.key and b.key.startswith("verzonden-"))
    button.click().run()
    if at.exception or not at.success:
        raise RuntimeError(
            f"Verzonden werd niet opgeslagen: {[e.value for e in [*at.error, *at.warning, *at.exception]]}"
        )


def _median(fn, runs: int, before=None) -> float:
    times = []
    for _ in range(runs):
        arg = before() if before else None
        start = time.perf_counter()
        fn(arg) if before else fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(runs: int, page: Path = PAGE) -> dict[str, float]:
    def cold():
        _clear()
        _open(page)

    def fresh_view():  # each press is on a mail still queued in the store
        _clear()
        return _open(page)

    return {
        "open, cold": _median(cold, runs),
        "open, warm": _median(lambda: _open(page), runs),
        "mark one sent": _median(_mark_one, runs, before=fresh_view),
    }


def run_size(n: int, runs: int) -> dict[str, tuple[float, float]]:
    tickets = bench.generate(max(n // len(KINDS), 1), end=workdays.now())
    tickets["messages"] = messages_for(tickets["tickets"], n)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "postvak.db"
        repo = SqlRepository.at_path(db)
        repo.setup()
        bench.write(repo, tickets)
        os.environ.update(KIVIDO_DB=str(db), KIVIDO_STORE="sqlite", KIVIDO_DEMO_MODE="true")
        _clear()
        _open()  # warm-up: imports
        shown = measure(runs)
        # Baseline: every matching message drawn (the Postvak before paging).
        source = PAGE.read_text().replace("SHOWN_AT_ONCE = 50", "SHOWN_AT_ONCE = 10**9")
        all_rows = Path(tmp) / "postvak_all.py"
        all_rows.write_text(source)
        _clear()
        every = measure(runs, all_rows)
        repo.engine.dispose()
    return {k: (shown[k], every[k]) for k in shown}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.postvak")
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'messages':>8}  {'measure':<14} {'median_ms':>9} {'linear_ms':>9} {'all_rows_ms':>11}")
    previous: dict[str, tuple[int, float]] = {}
    for n in (int(s) for s in args.sizes.split(",")):
        for name, (median, every) in run_size(n, args.runs).items():
            prev = previous.get(name)
            linear = f"{prev[1] * n / prev[0]:9.0f}" if prev else f"{'-':>9}"
            print(f"{n:>8}  {name:<14} {median:9.0f} {linear} {every:11.0f}")
            previous[name] = (n, median)


if __name__ == "__main__":
    main()
