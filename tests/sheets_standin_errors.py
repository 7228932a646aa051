"""Google's error bodies, fixed answers and parameter checks, for the Sheets stand-in.

Shapes copied from the recordings under shared/reference/google-sheets-api-recordings.
"""

from __future__ import annotations

import json
import re
from typing import Any


class ApiError(Exception):
    """An error answer, shaped like Google's: {"error": {"code", "message", "status"}}."""

    STATUS = {
        400: "INVALID_ARGUMENT",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        503: "UNAVAILABLE",
    }

    def __init__(self, code: int, message: str, status: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.status = status or self.STATUS.get(code, "UNKNOWN")

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}

    def prefixed(self, prefix: str) -> ApiError:
        return ApiError(self.code, prefix + self.message, self.status)


def bad(message: str) -> ApiError:
    return ApiError(400, message)


RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATETIME = ("SERIAL_NUMBER", "FORMATTED_STRING")
MAX_CELLS = 10_000_000

# Google's answer to a new spreadsheet, copied from the recordings.
DEFAULT_FORMAT = json.loads(
    '{"backgroundColor": {"red": 1, "green": 1, "blue": 1}, "padding": {"top": 2, "right": 3, '
    '"bottom": 2, "left": 3}, "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL", '
    '"textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, '
    '"bold": false, "italic": false, "strikethrough": false, "underline": false, '
    '"foregroundColorStyle": {"rgbColor": {}}}, "backgroundColorStyle": {"rgbColor": '
    '{"red": 1, "green": 1, "blue": 1}}}'
)
_THEME_COLORS = [
    ("TEXT", {}),
    ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
THEME = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": t, "color": {"rgbColor": c}} for t, c in _THEME_COLORS],
}

_READS = ("spreadsheets.get", "values.get", "values.batchGet")


def fault_answer(fault: str, kind: str) -> tuple[int, dict]:
    """Google's own error bodies for a rate limit (429) and its 500 / 503 answers."""
    if fault == "500":
        return 500, ApiError(500, "Internal error encountered.").body()
    if fault == "503":
        return 503, ApiError(503, "The service is currently unavailable.").body()
    metric = "Read" if kind in _READS else "Write"
    body = ApiError(
        429,
        f"Quota exceeded for quota metric '{metric} requests' and limit '{metric} requests "
        f"per minute per user' of service 'sheets.googleapis.com' for consumer "
        f"'project_number:0'.",
    ).body()
    body["error"]["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "sheets.googleapis.com",
                "quota_metric": f"sheets.googleapis.com/{metric.lower()}_requests",
                "quota_limit": f"{metric}RequestsPerMinutePerUser",
                "consumer": "projects/0",
            },
        }
    ]
    return 429, body


def enum(value: str | None, name: str, allowed: tuple[str, ...], default: str | None) -> str:
    if value is None or value == "":
        if default is None:
            raise bad(f"'{name}' is required but not specified")
        return default
    if value not in allowed:
        snake = re.sub(r"([A-Z])", r"_\1", name).lower()
        raise bad(f"Invalid value at '{snake}', \"{value}\"")
    return value


def flag(value: Any) -> bool:
    return str(value).lower() == "true"
