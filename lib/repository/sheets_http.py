"""A gspread HTTP client with bounded retries, so a busy Google never hangs a page.

gspread's own BackOffHTTPClient retries without bound and keeps its back-off
counter on the (shared) instance; this one gives up after `max_attempts` and
raises StoreUnavailable, which pages show as a calm Dutch message.

Retrying a write is safe: a worksheet write sets explicit cells to explicit
values, so repeating it after a lost answer leaves the Sheet as one request
would; a change-log append repeated is a second row with the same change id,
which every reader ignores (lib/repository/sheets_log.py). The rare structural
requests (addSheet, appendDimension) are handled in lib/repository/sheets.py.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any

import requests
from google.auth.exceptions import TransportError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from lib.repository.base import StoreUnavailable

GOOGLE_API_ROOT = "https://sheets.googleapis.com"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
# Google's own advice for a smaller answer (issue 10: a worksheet re-read is
# megabytes): the system parameter prettyPrint=false leaves out the indentation
# (about half of a values answer), and a User-Agent containing "gzip" next to
# Accept-Encoding: gzip (which requests sends) gets the answer compressed.
# https://cloud.google.com/apis/docs/system-parameters and Google's API
# "Performance tips" (Compression using gzip).
COMPACT = {"prettyPrint": "false"}
USER_AGENT = "kivido-storingen (gzip)"
# No answer, a half answer, or a token fetch that did not get through: all
# transient, and none of them tells us the request was refused.
RETRY_EXCEPTIONS = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    TransportError,
)


def unavailable_message(attempts: int) -> str:
    return (
        f"De Google Sheet reageert niet (na {attempts} pogingen). "
        "Er is niets half opgeslagen; probeer het later opnieuw."
    )


class RetryingHTTPClient(HTTPClient):
    """HTTPClient whose `request` retries transient failures a bounded number of times."""

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        api_root: str | None = None,
        max_attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 8.0,
        timeout: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[float, float], float] = random.uniform,
    ) -> None:
        super().__init__(auth, session)
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.api_root = api_root.rstrip("/") if api_root else None
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self.jitter = jitter
        self.set_timeout(timeout)

    @classmethod
    def factory(cls, **options: Any) -> Callable[..., RetryingHTTPClient]:
        """What gspread.Client(http_client=...) wants: a callable (auth, session) -> client."""
        return functools.partial(cls, **options)

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)], attempt counted from 0."""
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        delay = self.jitter(0.0, ceiling)
        if retry_after is not None:  # Google's own hint wins, but never beyond the cap
            delay = max(delay, min(retry_after, self.max_delay))
        return delay

    def request(
        self, method: str, endpoint: str, params: Any = None, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if self.api_root and endpoint.startswith(GOOGLE_API_ROOT):
            endpoint = self.api_root + endpoint[len(GOOGLE_API_ROOT) :]
        params = {**(params or {}), **COMPACT}
        kwargs["headers"] = {"User-Agent": USER_AGENT, **(kwargs.get("headers") or {})}
        last_error: Exception | None = None
        for attempt in range(self.max_attempts):
            retry_after = None
            try:
                return super().request(method, endpoint, params, *args, **kwargs)
            except APIError as err:
                # The HTTP status, not err.code: that is -1 when the body was not JSON
                # (a proxy's HTML 502 page).
                if err.response.status_code not in RETRY_STATUS:
                    raise
                last_error, retry_after = err, _retry_after(err.response)
            except RETRY_EXCEPTIONS as err:
                last_error = err
            if attempt + 1 < self.max_attempts:
                self.sleep(self.backoff(attempt, retry_after))
        raise StoreUnavailable(unavailable_message(self.max_attempts)) from last_error


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:  # an HTTP date; the jittered back-off is good enough then
        return None
