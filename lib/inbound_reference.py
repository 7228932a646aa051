"""Nemesys's reference and the new part of a mail's body (lib/inbound.py, step 2.1.4).

The order in which a reference is looked for is in lib/inbound.py's docstring.
"""

from __future__ import annotations

import re

from lib.inbound_mail import EXCERPT_CHARS, REPORT_NUMBER, clean_subject

# --- the new part of the body and the reference ---------------------------------------

_QUOTE_STARTS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|"
        r"forwarded message|doorgestuurd bericht)\s*-{2,}",
        r"^_{10,}$",
        r"^(op|on)\s.{4,200}(schreef|wrote|heeft.{0,40}geschreven)\s*.{0,60}:$",
        r"^begin (doorgestuurd bericht|forwarded message):",
    )
]
_HEADER_BLOCK = re.compile(r"^(van|from)\s*:\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^(verzonden|sent|datum|date|aan|to)\s*:", re.IGNORECASE)


def new_part(text: str) -> str:
    """The text above the quoted original: a reply's own words (">" lines left out)."""
    lines = text.splitlines()
    kept = []
    for i, line in enumerate(lines):
        s = line.strip()
        if any(p.match(s) for p in _QUOTE_STARTS):
            break
        if _HEADER_BLOCK.match(s) and any(
            _HEADER_NEXT.match(n.strip()) for n in lines[i + 1 : i + 4]
        ):
            break  # Outlook's "Van: ... / Verzonden: ..." block above the original
        if not s.startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


def excerpt(text: str) -> str:
    flat = " ".join(new_part(text).split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"


_LABELLED = re.compile(
    r"(?<![A-Za-z])(?P<label>ticket|referentie|ref|kenmerk|dossier|zaak|incident|case|"
    r"verzoek|request|meldings?)\.?"
    r"(?P<suffix>\s*-?\s*(?:nummer|nr\.?|number|no\.?|id))?"
    r"\s*(?P<sep>[:#]|\bis\b)?\s*#?\s*"
    r"(?P<value>[A-Za-z0-9][A-Za-z0-9\-/_.]{0,40})",
    re.IGNORECASE,
)
_TAG = re.compile(r"(?<![A-Za-z0-9-])(?P<value>[A-Z]{2,6}-\d[\d-]{2,20})(?![A-Za-z0-9])")
_HASH = re.compile(r"(?<![A-Za-z0-9&])#(?P<value>\d{3,12})(?!\d)")


def _acceptable(value: str) -> str:
    value = value.rstrip(".,;:)/-_")
    if not any(ch.isdigit() for ch in value) or REPORT_NUMBER.fullmatch(value):
        return ""
    return value


def _labelled(text: str) -> str:
    for m in _LABELLED.finditer(text):
        if not (m["suffix"] or m["sep"]):  # "ticket 12" in a sentence: no label
            continue
        if value := _acceptable(m["value"]):
            return value
    return ""


def _first(pattern: re.Pattern, text: str) -> str:
    for m in pattern.finditer(text):
        if value := _acceptable(m["value"]):
            return value
    return ""


def find_reference(subject: str, text: str) -> str:
    """Nemesys's own reference (see the module's docstring for the order), or ""."""
    subject, own = clean_subject(subject), new_part(text)
    return (
        _labelled(subject)
        or _labelled(own)
        or _first(_TAG, subject)
        or _first(_HASH, subject)
        or _first(_HASH, own)
        or _labelled("\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith(">")))
    )
