"""The desk at a glance, for ``workbench status`` and ``workbench serve``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from workbench.services import auth
from workbench.storage.migrations import LATEST

LAST_BACKUP_KEY = "last_backup"


@dataclass(frozen=True)
class DeskStatus:
    """Schema version, row counts, size on disk and the last backup taken with ``workbench backup``."""

    schema_version: int
    latest_version: int
    counts: dict[str, int] = field(default_factory=dict)
    size_bytes: int = 0
    last_backup: dict | None = None


def desk_status(store) -> DeskStatus:
    raw = store.get_setting(LAST_BACKUP_KEY)
    return DeskStatus(schema_version=store.schema_version(), latest_version=LATEST,
                      counts=store.status_counts(), size_bytes=store.database_size(),
                      last_backup=json.loads(raw) if raw else None)


def record_backup(store, path: str, at: str) -> None:
    """Remember the last backup (shown by ``workbench status``)."""
    store.set_setting(LAST_BACKUP_KEY, json.dumps({"path": path, "at": at}))


def demo_logins_unchanged(store, logins) -> list[tuple[str, str]]:
    """The ``(user, password)`` pairs of ``logins`` that still open an active account.

    Checks the stored hashes without logging in, so nothing is counted as a
    failed login and no account gets locked.
    """
    hashes = store.password_hashes([user for user, *_ in logins])
    return [(user, password) for user, password, *_ in logins
            if user in hashes and auth.password_matches(hashes[user], password)]
