"""One repository interface, two drivers (embedded SQL store, Google Sheet)."""

from lib.repository.base import (
    Change,
    Conflict,
    Duplicate,
    Insert,
    NotFound,
    OutcomeUnknown,
    Redact,
    Repository,
    StoreUnavailable,
    Update,
)

__all__ = [
    "Change",
    "Conflict",
    "Duplicate",
    "Insert",
    "NotFound",
    "Redact",
    "OutcomeUnknown",
    "Repository",
    "StoreUnavailable",
    "Update",
]
