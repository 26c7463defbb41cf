"""A throwaway PostgreSQL server for the tests and the benchmarks.

``Cluster.start()`` runs ``initdb`` in a new temporary folder and starts
``postgres`` on a free port of 127.0.0.1 (its socket in that folder too);
``stop()`` stops it and deletes everything. Nothing is assumed to be
running before. ``initdb`` and ``postgres`` refuse to run as root, so as
root they run as the ``postgres`` system user that Debian's package creates.

A missing PostgreSQL is a failure with a message saying how to install it
(``bin/test`` installs Debian's ``postgresql`` package when it is missing).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = ("PostgreSQL não está instalado: rode bin/test (instala o pacote postgresql do Debian) "
                "ou `apt-get install postgresql`.")


def bin_dir() -> Path:
    """The newest installed PostgreSQL's bin folder ($WORKBENCH_PG_BIN overrides)."""
    if os.environ.get("WORKBENCH_PG_BIN"):
        chosen = Path(os.environ["WORKBENCH_PG_BIN"])
        if not (chosen / "initdb").exists():
            raise RuntimeError(f"WORKBENCH_PG_BIN={chosen} não tem initdb. " + INSTALL_HINT)
        return chosen
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError(INSTALL_HINT)
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One throwaway server. ``durable=False`` (tests) turns fsync off; benchmarks keep it on.

    TCP connections authenticate with a password (``PASSWORD`` for ``postgres``);
    the socket in the cluster's folder trusts its local owner (``psql()``).
    """

    PASSWORD = "workbench-test"

    def __init__(self, *, durable: bool = False, max_connections: int = 200,
                 settings: dict[str, str] | None = None):
        self.durable = durable
        self.max_connections = max_connections
        self.settings = dict(settings or {})
        self.folder: Path | None = None
        self.port: int | None = None
        self.as_root = os.geteuid() == 0

    # -- running commands as the server's owner ----------------------------------
    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(argv)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, cwd="/")

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder

    def url(self, dbname: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        """A TCP URL (password authentication, as a real server asks); ``password=""`` leaves it out."""
        password = self.PASSWORD if password is None and user == "postgres" else password
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    # -- life cycle ------------------------------------------------------------------
    def start(self) -> "Cluster":
        bindir = bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        try:
            self._run(str(bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                      "--auth-local=trust", "--auth-host=scram-sha-256",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
            options = {"port": str(self.port), "listen_addresses": "127.0.0.1",
                       "unix_socket_directories": str(self.socket_dir),
                       "max_connections": str(self.max_connections), "shared_buffers": "256MB",
                       "fsync": "on" if self.durable else "off",
                       "synchronous_commit": "on" if self.durable else "off",
                       "full_page_writes": "on" if self.durable else "off", **self.settings}
            with open(self.data / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
                for key, value in options.items():
                    conf.write(f"{key} = '{value}'\n")
            started = self._run(str(bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                                "-w", "-t", "60", "start", check=False)
            if started.returncode != 0:
                raise RuntimeError(f"PostgreSQL não iniciou: {started.stderr or started.stdout}\n{self.log()}")
            self.psql(f"ALTER ROLE postgres PASSWORD '{self.PASSWORD}'")
        except subprocess.CalledProcessError as exc:
            self.stop()
            raise RuntimeError(f"initdb falhou: {exc.stderr or exc.stdout}") from None
        except BaseException:
            self.stop()
            raise
        return self

    def log(self) -> str:
        path = self.folder / "server.log" if self.folder else None
        return path.read_text(errors="replace")[-3000:] if path and path.exists() else ""

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        out = self._run(str(bin_dir() / "psql"), "-h", str(self.socket_dir), "-p", str(self.port), "-U", "postgres",
                        "-d", dbname, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"psql: {out.stderr.strip()}")
        return out.stdout.strip()

    def stop(self) -> None:
        if self.folder is None:
            return
        if (self.data / "postmaster.pid").exists():
            self._run(str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        for _ in range(50):
            if not (self.data / "postmaster.pid").exists():
                break
            time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
