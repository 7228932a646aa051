"""Open the repository the configuration asks for."""

from __future__ import annotations

from lib.config import Config
from lib.repository import Repository


def open_repository(config: Config) -> Repository:
    if config.store == "sheets":
        from lib.repository.sheets import WORKSHEET_REFRESH, SheetsRepository

        if not config.spreadsheet_key:
            raise ValueError("Geen spreadsheet_key ingesteld in [sheets] van secrets.toml.")
        if config.sheets_api_root and not (
            config.service_account_info or config.service_account_file
        ):
            from google.auth.credentials import AnonymousCredentials

            return SheetsRepository(
                spreadsheet_key=config.spreadsheet_key,
                credentials=AnonymousCredentials(),
                api_root=config.sheets_api_root,
                worksheet_refresh=WORKSHEET_REFRESH,
            )
        return SheetsRepository.from_service_account(
            spreadsheet_key=config.spreadsheet_key,
            info=dict(config.service_account_info) if config.service_account_info else None,
            file=config.service_account_file or None,
            api_root=config.sheets_api_root or None,
            worksheet_refresh=WORKSHEET_REFRESH,
        )
    if config.store not in ("sqlite", "postgresql"):
        raise ValueError(
            f"Onbekende opslag '{config.store}': kies 'sqlite', 'postgresql' of 'sheets'."
        )
    if config.store == "postgresql" and not config.database_url.startswith("postgresql"):
        raise ValueError("Geen database_url voor PostgreSQL ingesteld in [store] van secrets.toml.")
    from lib.repository.sql import SqlRepository

    return SqlRepository(config.database_url)
