"""What `setup` of the SQL store reports (in Dutch) and adds, on a new and an older store.

lib/repository/base.py: `setup` creates missing tables, verifies existing ones and
reports in Dutch; lib/repository/sql.py adds the columns the schema gained since
a database was made, with their defaults (a text "", a number 0, a flag false).
"""

from __future__ import annotations

import pytest

from lib.repository.base import Insert
from lib.repository.sql import SqlRepository
from lib.schema import TABLES


def test_a_new_store_reports_every_table_made_and_a_second_setup_every_table_kept(tmp_path):
    repo = SqlRepository.at_path(tmp_path / "new.sqlite")
    assert repo.setup() == [f"Tabel '{name}' aangemaakt." for name in TABLES]
    assert repo.setup() == [f"Tabel '{name}' bestond al." for name in TABLES]
    repo.engine.dispose()


@pytest.mark.parametrize("kind", ["sql", "postgresql"])
def test_an_older_store_gains_each_missing_column_with_its_default(request, kind):
    repo = request.getfixturevalue(f"{kind}_repo")
    repo.commit([Insert("messages", {"id": "m1", "subject": "oud"})])
    with repo.engine.begin() as conn:  # a store made before these columns existed
        for column in ("attempts", "is_demo", "last_error"):
            conn.exec_driver_sql(f'ALTER TABLE "messages" DROP COLUMN "{column}"')
        if kind == "sql":  # SQLite keeps an index on a dropped column
            conn.exec_driver_sql('DROP INDEX "ix_tickets_live"')
        conn.exec_driver_sql('ALTER TABLE "tickets" DROP COLUMN "archived_at"')
    lines = repo.setup()
    assert "Tabel 'tickets' bestond al (kolommen toegevoegd: archived_at)." in lines
    assert (
        "Tabel 'messages' bestond al (kolommen toegevoegd: attempts, last_error, is_demo)." in lines
    )
    assert "Tabel 'orders' bestond al." in lines and len(lines) == len(TABLES)
    message = repo.read(["messages"])["messages"][0]
    assert (message["attempts"], message["is_demo"], message["last_error"]) == (0, False, "")
    assert message["subject"] == "oud"
