"""``workbench serve``: the desk (and the dashboard) as web pages through Voila.

Only the app notebooks are served: they are copied into a private folder
that Voila uses as its root (no other file of the project, and never the
database, is reachable), with sources stripped, tracebacks hidden and no
static files allowed. The database path reaches the kernels through
``WORKBENCH_DB``. Kernels are preheated (one waiting per notebook), so the
login screen appears at once.

Bound to 127.0.0.1 by default; on any other address a token is required
(generated when not given) and printed in the URLs.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from workbench import settings
from workbench.demo.generate import DEMO_LOGINS

NOTEBOOKS = ("atendimento.ipynb", "painel.ipynb")
NOTEBOOK_DIR = settings.REPO_ROOT / "notebooks"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class ServePlan:
    argv: list[str]
    env: dict[str, str]
    root: Path
    urls: dict[str, str]
    token: str | None = None
    notebooks: list[str] = field(default_factory=list)


def prepare_root(root: Path | None = None, notebook_dir: Path = NOTEBOOK_DIR) -> tuple[Path, list[str]]:
    """Copy the app notebooks (only those) into ``root`` (a new private folder by default)."""
    root = Path(root) if root else Path(tempfile.mkdtemp(prefix="workbench-serve-"))
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    served = []
    for name in NOTEBOOKS:
        src = notebook_dir / name
        if src.exists():
            shutil.copyfile(src, root / name)
            served.append(name)
    if not served:
        raise FileNotFoundError(f"nenhum notebook do aplicativo em {notebook_dir}")
    return root, served


def plan(db: str | Path | None = None, *, port: int = 8866, ip: str = "127.0.0.1", token: str | None = None,
         root: Path | None = None, pool_size: int = 1, open_browser: bool = False) -> ServePlan:
    """Everything needed to start Voila, without starting it."""
    db_path = Path(db) if db else settings.default_db_path()
    db_path = db_path.expanduser().resolve()
    root, served = prepare_root(root)
    if ip not in LOOPBACK and not token:
        token = secrets.token_urlsafe(24)
    venv_bin = str(Path(sys.executable).parent)
    env = dict(os.environ)
    env["WORKBENCH_DB"] = str(db_path)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")  # kernels run the venv's python
    # the kernels import this checkout even if its editable install is stale
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(settings.REPO_ROOT), env.get("PYTHONPATH")) if x)
    env.setdefault("PYTHONUNBUFFERED", "1")
    argv = [
        sys.executable, "-m", "voila", str(root),
        f"--port={int(port)}", f"--Voila.ip={ip}",
        "--strip_sources=True", "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.file_denylist=['.*']",
        f"--preheat_kernel={pool_size > 0}", f"--pool_size={max(int(pool_size), 0)}",
        "--theme=light",
        f"--token={token or ''}",
    ]
    if not open_browser:
        argv.append("--no-browser")
    host = "127.0.0.1" if ip in ("0.0.0.0", "::") else ip
    query = f"?token={token}" if token else ""
    urls = {name: f"http://{host}:{port}/voila/render/{name}{query}" for name in served}
    return ServePlan(argv, env, root, urls, token, served)


def describe(p: ServePlan) -> str:
    lines = ["Atendimento Workbench em:"]
    labels = {"atendimento.ipynb": "Atendimento (operadores)", "painel.ipynb": "Painel (supervisores)"}
    for name, url in p.urls.items():
        lines.append(f"  {labels.get(name, name):28s} {url}")
    lines.append(f"Banco de dados: {p.env['WORKBENCH_DB']}")
    lines.append("Logins de demonstração (após `workbench demo`): "
                 + ", ".join(f"{u}/{pw}" for u, pw, *_ in DEMO_LOGINS))
    lines.append("Ctrl+C encerra.")
    return "\n".join(lines)


def serve(db=None, *, port: int = 8866, ip: str = "127.0.0.1", token: str | None = None,
          open_browser: bool = False, pool_size: int = 1) -> int:
    """Start Voila and wait for it; returns its exit code."""
    p = plan(db, port=port, ip=ip, token=token, pool_size=pool_size, open_browser=open_browser)
    if not Path(p.env["WORKBENCH_DB"]).exists():
        print(f"aviso: {p.env['WORKBENCH_DB']} não existe; rode `workbench init` ou `workbench demo`.",
              file=sys.stderr)
    print(describe(p), flush=True)
    proc = subprocess.Popen(p.argv, env=p.env)

    def _stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)  # stop Voila (and its kernels) with us
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            return proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return 130
    finally:
        shutil.rmtree(p.root, ignore_errors=True)
