"""Settings, declared once.

Each setting has a name, an environment variable, a default and a help text;
``tests/test_settings.py`` checks each one is documented in the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def get(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS = (
    Setting("db", "WORKBENCH_DB", str(REPO_ROOT / "data" / "workbench.duckdb"),
            "Path of the DuckDB file (the --db option overrides it)."),
    Setting("timezone", "WORKBENCH_TZ", "America/Sao_Paulo",
            "The desk's time zone: protocol dates and displayed times."),
    Setting("lock_timeout", "WORKBENCH_LOCK_TIMEOUT", "10",
            "Seconds to keep retrying when another process holds the database."),
    Setting("stale_draft_hours", "WORKBENCH_STALE_DRAFT_HOURS", "12",
            "Hours after which an unfinished protocol is marked abandoned."),
    Setting("memory_limit", "WORKBENCH_MEMORY_LIMIT", "1GB",
            "DuckDB memory limit of each connection."),
    Setting("data_dir", "WORKBENCH_DATA_DIR", str(REPO_ROOT / "data"),
            "Folder of the reference CSV files and scripts/ loaded by `workbench init`."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Current value of a setting (environment first, then default)."""
    return _BY_NAME[name].get()


def default_db_path() -> Path:
    return Path(get("db"))
