"""What a `doctor` check reports: a status, a subject, a detail and a remedy, in two languages."""

from __future__ import annotations

from dataclasses import dataclass

OK, WARN, FAIL = "ok", "warn", "fail"
LABELS = {
    "nl": {OK: "OK    ", WARN: "LET OP", FAIL: "FOUT  "},
    "en": {OK: "OK    ", WARN: "WARN  ", FAIL: "FAIL  "},
}
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Finding:
    status: str
    subject: str
    detail: str
    remedy: str = ""


class Say:
    """Pick the Dutch or the English text of a line."""

    def __init__(self, english: bool):
        self.lang = "en" if english else "nl"

    def __call__(self, nl: str, en: str) -> str:
        return en if self.lang == "en" else nl
