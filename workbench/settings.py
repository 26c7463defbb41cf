"""Settings, declared once.

Each setting has a name, an environment variable, a default and a help text;
``tests/test_settings.py`` checks each one is documented in the README.

Where the database lives by default (one rule, documented in the README):

* a checkout of the project (the source tree with ``pyproject.toml`` beside
  the package, as ``bin/run`` uses it) keeps it in its ``data/`` folder;
* an installed package keeps it in the platform's data folder
  (``~/.local/share/atendimento-workbench/`` on Linux, from ``platformdirs``);
* ``WORKBENCH_DB`` (or ``--db``) overrides both. The value is a path or, for
  the PostgreSQL backend, a ``postgresql://`` URL: it is kept as text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

APP_NAME = "atendimento-workbench"
_PACKAGE_DIR = Path(__file__).resolve().parent
# The source tree, when the package runs from a checkout (editable install); None when installed.
CHECKOUT = _PACKAGE_DIR.parent if (_PACKAGE_DIR.parent / "pyproject.toml").is_file() \
    and (_PACKAGE_DIR.parent / "data").is_dir() else None


def data_home() -> Path:
    """Folder of the default database: ``data/`` of a checkout, else the platform's data folder."""
    if CHECKOUT is not None:
        return CHECKOUT / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, ensure_exists=True))


def packaged(name: str) -> Path:
    """A folder shipped as package data: ``"data"`` (reference CSVs, scripts/) or ``"notebooks"``.

    Both live once, at the top of the source tree, and are mapped into the
    package as ``workbench.app_data`` / ``workbench.app_notebooks`` (see
    ``pyproject.toml``). Raises :class:`workbench.errors.InstallationError` naming what
    is missing when the installation lacks them.
    """
    from workbench.errors import InstallationError

    package = {"data": "workbench.app_data", "notebooks": "workbench.app_notebooks"}[name]
    try:
        folder = resources.files(package)
    except ModuleNotFoundError:
        raise InstallationError(f"a instalação do workbench não contém {package} (pasta {name}/): "
                                "reinstale o pacote.") from None
    return Path(str(folder))


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def get(self) -> str:
        return os.environ.get(self.env) or _default(self)


def _default(setting: Setting) -> str:
    if setting.name == "db":
        return str(data_home() / "workbench.duckdb")
    if setting.name == "data_dir":
        return str(packaged("data"))
    return setting.default


SETTINGS = (
    Setting("db", "WORKBENCH_DB", "data/workbench.duckdb in a checkout, else the platform's data folder",
            "Path of the DuckDB file, or a postgresql:// URL for the PostgreSQL backend (the --db option overrides it)."),
    Setting("timezone", "WORKBENCH_TZ", "America/Sao_Paulo",
            "The desk's time zone: protocol dates and displayed times."),
    Setting("lock_timeout", "WORKBENCH_LOCK_TIMEOUT", "10",
            "Seconds to keep retrying when another process holds the database."),
    Setting("stale_draft_hours", "WORKBENCH_STALE_DRAFT_HOURS", "12",
            "Hours after which an unfinished protocol whose draft was not saved since is marked abandoned "
            "(and other forms' untouched drafts are deleted)."),
    Setting("memory_limit", "WORKBENCH_MEMORY_LIMIT", "1GB",
            "DuckDB memory limit of each connection."),
    Setting("snapshot_max_age", "WORKBENCH_SNAPSHOT_MAX_AGE", "900",
            "Seconds an analysis snapshot (`wb.snapshot()`) may age before it is copied again from the database."),
    Setting("data_dir", "WORKBENCH_DATA_DIR", "the reference data shipped with the package (data/)",
            "Folder of the reference CSV files and scripts/ loaded by `workbench init`."),
    Setting("log_dir", "WORKBENCH_LOG_DIR", "the database's folder",
            "Folder of the server's log file workbench.log (rotated; errors with their id)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """Current value of a setting (environment first, then default)."""
    return _BY_NAME[name].get()


def database() -> str:
    """The database to use when none is given: ``$WORKBENCH_DB`` or the default place (a path or a URL)."""
    return get("db")


def default_db_path() -> Path:
    """The default database as a path (the DuckDB backend)."""
    return Path(database())


def log_dir(db: str | Path) -> Path:
    """Where the server's log goes: ``$WORKBENCH_LOG_DIR`` or the database's folder."""
    explicit = os.environ.get(_BY_NAME["log_dir"].env)
    if explicit:
        return Path(explicit).expanduser()
    text = str(db)
    if "://" in text:
        return data_home()
    return Path(text).expanduser().resolve().parent
