"""The base class's own reads, for a driver that has only `read` (issue 10).

The Sheet driver takes `read_batches` and `read_each` from lib/repository/base.py
(tests/test_read_columns.py); `read_rows` there serves a driver that cannot ask
for rows by id, such as the benchmark's earlier Sheet driver (bench/sheets_writers.py):
the rows with those ids, in the order asked, each once, unknown ids left out.
"""

from __future__ import annotations

from lib.repository.base import Repository


class TableOnly(Repository):
    """A store that can only read whole tables."""

    def __init__(self, rows: dict[str, list[dict]]) -> None:
        self.rows, self.reads = rows, 0

    def setup(self) -> list[str]:
        return []

    def read(self, tables, live_only=False, columns=None):
        self.reads += 1
        return {t: [dict(r) for r in self.rows[t]] for t in tables}

    def commit(self, changes):
        raise NotImplementedError


def test_read_rows_gives_the_asked_rows_in_the_asked_order_each_once():
    mails = [{"id": f"m{n}", "body": f"Tekst {n}"} for n in range(1, 6)]
    store = TableOnly({"messages": mails, "tickets": [{"id": "m2", "body": "melding"}]})
    found = store.read_rows("messages", ["m4", "m1", "onbekend", "m4", "m2"])
    assert found == [mails[3], mails[0], mails[1]]
    assert store.reads == 1
    assert store.read_rows("messages", []) == []
