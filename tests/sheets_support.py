"""Small helpers of the Sheet driver's tests: a ticket to insert, the write requests counted."""

from __future__ import annotations

import json

import requests
from google.auth.credentials import AnonymousCredentials
from gspread.exceptions import APIError

from lib.repository.base import Insert
from lib.repository.sheets import SheetsRepository, _Shared

WRITES = ("values.batchUpdate", "values.update", "values.append", "spreadsheets.batchUpdate")
NEVER = ("values.clear", "values.batchClear", "values.update")
LOG = "_wijzigingen"


def ticket(ticket_id: str, **values) -> Insert:
    return Insert("tickets", {"id": ticket_id, **values}, number_prefix="KIV-2026-")


def writes(standin) -> int:
    return sum(standin.count(kind) for kind in WRITES)


def other_process(repo: SheetsRepository, **options) -> SheetsRepository:
    """A repository on the same Sheet that shares nothing with `repo` (another process)."""
    other = SheetsRepository(
        spreadsheet_key=repo.key,
        credentials=AnonymousCredentials(),
        api_root=repo._http.api_root,
        **options,
    )
    other._shared = _Shared()
    return other


def watched(repo: SheetsRepository) -> list[tuple[list[str], int]]:
    """Record the ranges and the answer size (bytes) of every batchGet of `repo`."""
    seen, real = [], repo._http.values_batch_get

    def batch_get(key, ranges, params=None):
        answer = real(key, ranges, params)
        seen.append((list(ranges), len(json.dumps(answer).encode())))
        return answer

    repo._http.values_batch_get = batch_get
    return seen


def service_account_info(email: str) -> dict:
    """A service account's key as Google hands it out (its JSON), with a fresh RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "client_email": email,
        "private_key": pem,
        "private_key_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def refused(
    code: int = 400, text: str | None = "Invalid requests[0].updateCells", *, html: bool = False
) -> APIError:
    """Google's refusal as gspread builds it: 400 for a request it finds invalid (a row
    beyond a worksheet shrunk by hand), 403 when the account may no longer edit, 404 for
    a Sheet it cannot find; `text` None for a body without a message, `html` for a
    proxy's HTML page in its place (no JSON code)."""
    answer = requests.Response()
    answer.status_code = code
    if html:
        answer._content = b"<html><body>Forbidden</body></html>"
        return APIError(answer)
    status = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}
    error = {"code": code, "status": status.get(code, "UNKNOWN")}
    error |= {"message": text} if text is not None else {}
    answer._content = json.dumps({"error": error}).encode()
    return APIError(answer)


def refusing_rows(monkeypatch, repo) -> None:
    """Google refuses every batchUpdate that writes worksheet rows (400)."""
    http = repo._http
    real = http.batch_update

    def refusing(key, body):
        if any("updateCells" in r for r in body["requests"]):
            raise refused()
        return real(key, body)

    monkeypatch.setattr(http, "batch_update", refusing)
