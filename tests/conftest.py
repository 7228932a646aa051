"""Shared fixtures: both repository drivers, the Sheets stand-in, and factories.

`repo` runs a test once per driver, so one contract suite holds both to the
same behaviour. The Sheets driver talks real gspread over HTTP to the local
stand-in of the Sheets API (tests/sheets_standin.py), never to Google.
"""

from __future__ import annotations

import itertools
import sys
import time

import pytest
from google.auth.credentials import AnonymousCredentials

from lib.repository.sheets import SheetsRepository
from lib.repository.sql import SqlRepository

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _keep_main_module():
    """AppTest runs a page script as `__main__` and leaves it there; a process started
    with "spawn" (tests/test_several_writers.py) would then run that page first."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(autouse=True, scope="session")
def _apptest_settings():
    """Page tests (AppTest) run as `make run` serves demo mode: on localhost only.

    They also read an error's own text, which production hides from users
    (client.showErrorDetails in .streamlit/config.toml).
    """
    from streamlit import config as st_config

    saved = {k: st_config.get_option(k) for k in ("server.address", "client.showErrorDetails")}
    st_config.set_option("server.address", "127.0.0.1")
    st_config.set_option("client.showErrorDetails", "full")
    yield
    for key, value in saved.items():
        st_config.set_option(key, value)


def tiny_sleep(seconds: float) -> None:
    """Back-off that really yields (so threads interleave) but never slows the suite."""
    time.sleep(min(seconds, 0.005))


@pytest.fixture(scope="session")
def standin():
    from tests.sheets_standin import SheetsStandIn

    server = SheetsStandIn().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def make_sheets_repo(standin):
    """Factory: a SheetsRepository on a brand-new spreadsheet of the stand-in.

    `sheets`/`rows`/`cols` shape the new spreadsheet (default: only "Sheet1", like a
    spreadsheet made by hand); `setup=False` leaves the worksheets to the test.
    """

    def make(
        *,
        sheets: tuple[str, ...] = ("Sheet1",),
        rows: int = 1000,
        cols: int = 26,
        setup: bool = True,
        spreadsheet_id: str | None = None,
        max_attempts: int = 5,
        timeout: float = 5.0,
        sleep=tiny_sleep,
    ) -> SheetsRepository:
        key = standin.create_spreadsheet(
            f"Kivido test {next(_counter)}",
            sheets=sheets,
            spreadsheet_id=spreadsheet_id,
            rows=rows,
            cols=cols,
        )
        repo = SheetsRepository(
            spreadsheet_key=key,
            credentials=AnonymousCredentials(),
            api_root=standin.url,
            max_attempts=max_attempts,
            sleep=sleep,
            timeout=timeout,
        )
        if setup:
            repo.setup()
        return repo

    return make


@pytest.fixture(scope="session")
def make_sql_repo(tmp_path_factory):
    """Factory: a SqlRepository on a fresh SQLite file, set up."""

    def make() -> SqlRepository:
        path = tmp_path_factory.mktemp("store") / "kivido.sqlite"
        repo = SqlRepository.at_path(path)
        repo.setup()
        return repo

    return make


@pytest.fixture(scope="session")
def new_repo(request):
    """Factory by driver name ("sql" / "sheets"); session-scoped so hypothesis can use it.

    The stand-in is only started when a Sheets repository is first asked for.
    """

    def make(kind: str):
        return request.getfixturevalue(f"make_{kind}_repo")()

    return make


@pytest.fixture
def sql_repo(tmp_path) -> SqlRepository:
    repo = SqlRepository.at_path(tmp_path / "kivido.sqlite")
    repo.setup()
    yield repo
    repo.engine.dispose()


@pytest.fixture
def sheets_repo(make_sheets_repo, standin) -> SheetsRepository:
    repo = make_sheets_repo()
    standin.reset_counts()
    return repo


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server (tests/postgres_server.py), started once per session."""
    from tests.postgres_server import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def make_postgresql_repo(postgres):
    """Factory: a SqlRepository on a fresh database of the PostgreSQL server, set up."""
    made: list[SqlRepository] = []

    def make() -> SqlRepository:
        repo = SqlRepository(postgres.new_database())
        repo.setup()
        made.append(repo)
        for old in made[:-8]:  # property tests make many: keep the server's connections few
            old.engine.dispose()
        del made[:-8]
        return repo

    yield make
    for repo in made:
        repo.engine.dispose()


@pytest.fixture
def postgresql_repo(make_postgresql_repo) -> SqlRepository:
    repo = make_postgresql_repo()
    yield repo
    repo.engine.dispose()


DRIVERS = ["sql", "sheets", "postgresql"]


@pytest.fixture(params=DRIVERS, ids=DRIVERS)
def repo(request):
    return request.getfixturevalue(f"{request.param}_repo")
