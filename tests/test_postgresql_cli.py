"""PostgreSQL as the store of the app: configured by URL, set up and filled by the CLI."""

from __future__ import annotations

import pytest

from lib import cli, config
from lib.repository.sql import SqlRepository
from lib.store import open_repository
from tests.flows import Office


def test_migrate_from_the_embedded_file_to_postgresql(postgres, tmp_path, monkeypatch, capsys):
    embedded = SqlRepository.at_path(tmp_path / "kivido.db")
    embedded.setup()
    office = Office(embedded)
    office.urgent_until_closed(office.submit(), quote="250,00")
    url = postgres.new_database()
    monkeypatch.setenv("KIVIDO_STORE", "postgresql")
    monkeypatch.setenv("KIVIDO_DATABASE_URL", url)
    args = ["migrate", "--to", "postgresql", "--from-db", str(tmp_path / "kivido.db")]
    assert cli.main(args) == 0
    assert "versies gecontroleerd" in capsys.readouterr().out
    assert cli.main(args) == 0  # again: nothing doubles
    server = open_repository(config.load({}))
    assert server.label.startswith("PostgreSQL-database")
    assert server.read_all() == embedded.read_all()
    server.engine.dispose()


def test_postgresql_store_needs_its_url(monkeypatch):
    monkeypatch.setenv("KIVIDO_STORE", "postgresql")
    monkeypatch.delenv("KIVIDO_DATABASE_URL", raising=False)
    with pytest.raises(ValueError, match="database_url"):
        open_repository(config.load({}))
