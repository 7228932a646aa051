"""One repository interface, two drivers (embedded SQL store, Google Sheet)."""

from lib.repository.base import (
    Change,
    Conflict,
    Insert,
    NotFound,
    Redact,
    Repository,
    StoreUnavailable,
    Update,
)

__all__ = [
    "Change",
    "Conflict",
    "Insert",
    "NotFound",
    "Redact",
    "Repository",
    "StoreUnavailable",
    "Update",
]
