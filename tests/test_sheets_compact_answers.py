"""Issue 10: the Sheet's answers travel small, as Google advises for its APIs.

A page view re-reads the live worksheets about once a minute: megabytes of JSON
at realistic sizes. Google's system parameter prettyPrint=false leaves out the
indentation, and a User-Agent containing "gzip" (with Accept-Encoding: gzip)
gets the answer compressed. The stand-in answers as Google does: indented and
plain unless asked otherwise (tests/test_standin_replay.py checks its answers).
"""

from __future__ import annotations

import json
from datetime import datetime

import requests

from lib import demo, workdays
from lib.repository.sheets_http import RetryingHTTPClient
from lib.schema import SHARED_TABLES

END = datetime(2026, 6, 1, 12, 0, tzinfo=workdays.AMSTERDAM)


def _answers(monkeypatch) -> list[requests.Response]:
    seen: list[requests.Response] = []
    original = RetryingHTTPClient.request

    def noted(self, *args, **kwargs):
        response = original(self, *args, **kwargs)
        seen.append(response)
        return response

    monkeypatch.setattr(RetryingHTTPClient, "request", noted)
    return seen


def test_a_worksheet_read_comes_compact_and_compressed(sheets_repo, standin, monkeypatch):
    demo.seed_demo(sheets_repo, tickets=30, end=END)
    sheets_repo.compact_log(min_age=0)  # the rows in the worksheets, as the timer leaves them
    seen = _answers(monkeypatch)
    standin.reset_counts()

    sheets_repo.read(SHARED_TABLES, live_only=True)

    (answer,) = seen
    assert standin.count("values.batchGet") == 1
    assert answer.headers.get("Content-Encoding") == "gzip"
    assert answer.request.url.count("prettyPrint=false") == 1
    pretty = len((json.dumps(answer.json(), indent=2, ensure_ascii=False) + "\n").encode())
    assert b"\n" not in answer.content  # no indentation, no line breaks: the same values
    assert len(answer.content) < pretty * 0.9
    # On the wire: compressed, a small part of what an indented plain answer costs.
    assert standin.bytes_sent() < pretty / 5


def test_the_standin_answers_as_google_when_not_asked(sheets_repo, standin):
    """A client that follows neither piece of advice gets indented, uncompressed JSON."""
    sheets_repo.read(["tickets"])
    url = f"{standin.url}/v4/spreadsheets/{sheets_repo.key}/values:batchGet"
    plain = requests.get(url, params={"ranges": "tickets"}, headers={"User-Agent": "plain"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert plain.content.startswith(b"{\n  ")
    compact = requests.get(url, params={"ranges": "tickets", "prettyPrint": "false"})
    assert compact.json() == plain.json() and not compact.content.startswith(b"{\n")
