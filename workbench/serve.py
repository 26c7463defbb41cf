"""``workbench serve``: the desk (and the dashboard) as web pages through Voila.

Only the app notebooks are served: they are copied into a private folder
that Voila uses as its root (no other file of the project, and never the
database, is reachable), with sources stripped, tracebacks hidden and no
static files allowed. The database path reaches the kernels through
``WORKBENCH_DB``. Kernels are preheated (``--kernels`` waiting per page), so the
login screen appears at once; a closed page gives its kernel back at once, a
page whose browser vanished after ``--reclaim-after`` seconds, and at most
``--max-kernels`` pages are open at once (see :mod:`workbench.server`).

Bound to 127.0.0.1 by default; on any other address a token is required
(generated when not given) and printed with the URLs, which are printed
once the server listens (a taken port is an error, never a silent move).
"""

from __future__ import annotations

import errno
import ipaddress
import os
import secrets
import shutil
import socket
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from workbench import logs, settings
from workbench.errors import StoreError, ValidationError
from workbench.storage import is_url, presence, shown

NOTEBOOKS = ("atendimento.ipynb", "painel.ipynb")
LABELS = {"atendimento.ipynb": "Atendimento (operadores)", "painel.ipynb": "Painel (supervisores)"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MIN_TOKEN = 12


@dataclass
class ServePlan:
    argv: list[str]            # WorkbenchVoila's command line
    env: dict[str, str]        # what the server and its kernels get on top of os.environ
    root: Path
    urls: dict[str, str]
    token: str | None = None
    notebooks: list[str] = field(default_factory=list)
    ip: str = "127.0.0.1"
    port: int = 8866


# -- checks ------------------------------------------------------------------------------
def check_port(port) -> int:
    try:
        value = int(port)
    except (TypeError, ValueError):
        raise ValidationError(f"Porta inválida: {port!r}; use um número de 1 a 65535.", field="--port") from None
    if not 1 <= value <= 65535:
        raise ValidationError(f"Porta inválida: {value}; use um número de 1 a 65535.", field="--port")
    return value


def check_ip(ip: str) -> str:
    if ip == "localhost":
        return ip
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        raise ValidationError(f"Endereço inválido: {ip!r}; use um IP como 127.0.0.1 ou 0.0.0.0.",
                              field="--ip") from None


def check_count(value, option: str, *, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{option} deve ser um número inteiro (recebido {value!r}).", field=option) from None
    if number < minimum:
        raise ValidationError(f"{option} deve ser {minimum} ou mais (recebido {number}).", field=option)
    return number


def check_free(ip: str, port: int) -> None:
    """Refuse a port another program holds (a clear message instead of Voila moving elsewhere)."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ValidationError(f"A porta {port} já está em uso em {ip}: outro programa (talvez outro "
                                      f"`workbench serve`) a ocupa. Escolha outra com --port.", field="--port") from None
            raise ValidationError(f"Não é possível escutar em {ip}:{port}: {exc.strerror or exc}.",
                                  field="--ip") from None


# -- the plan ----------------------------------------------------------------------------
def prepare_root(root: Path | None = None, notebook_dir: Path | None = None) -> tuple[Path, list[str]]:
    """Copy the app notebooks (only those) into ``root`` (a new private folder by default)."""
    notebook_dir = Path(notebook_dir) if notebook_dir else settings.packaged("notebooks")
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
        raise StoreError(f"Nenhum notebook do aplicativo em {notebook_dir}: reinstale o workbench.")
    return root, served


def plan(db: str | Path | None = None, *, port: int = 8866, ip: str = "127.0.0.1", token: str | None = None,
         root: Path | None = None, pool_size: int = 1, max_kernels: int = 40, reclaim_after: float = 120,
         open_browser: bool = False) -> ServePlan:
    """Check the options and prepare everything needed to start the server, without starting it."""
    port = check_port(port)
    ip = check_ip(ip)
    pool_size = check_count(pool_size, "--kernels")
    max_kernels = check_count(max_kernels, "--max-kernels", minimum=1)
    reclaim_after = check_count(reclaim_after, "--reclaim-after")
    if token is not None and token and len(token) < MIN_TOKEN:
        raise ValidationError(f"O token deve ter ao menos {MIN_TOKEN} caracteres.", field="--token")
    if ip not in LOOPBACK and not token:
        token = secrets.token_urlsafe(24)
    target = str(db or settings.database())
    db_path = target if is_url(target) else str(Path(target).expanduser().resolve())
    from workbench.server.app import JUPYTER_DIR, TEMPLATE
    from workbench.server.client_address import voila_options

    root, served = prepare_root(root)
    env = {
        "WORKBENCH_DB": db_path,
        # kernels run this environment's python
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        # where Voila finds the `workbench` template (no request to another host)
        "JUPYTER_PATH": os.pathsep.join(x for x in (str(JUPYTER_DIR), os.environ.get("JUPYTER_PATH")) if x),
        "PYTHONUNBUFFERED": "1",
    }
    argv = [
        str(root),
        f"--port={port}", f"--Voila.ip={ip}", "--Voila.port_retries=0",
        "--strip_sources=True", "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.file_denylist=['.*']",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.multi_kernel_manager_class=workbench.server.kernels.WorkbenchKernelManager",
        f"--WorkbenchKernelManager.max_kernels={max_kernels}",
        f"--WorkbenchKernelManager.reclaim_after={reclaim_after}",
        "--KernelManager.transport=ipc",      # kernels talk over unix sockets in the private root
        f"--preheat_kernel={pool_size > 0}", f"--pool_size={pool_size}",
        "--theme=light",
        f"--token={token or ''}",
        *voila_options(),                     # the page's client address reaches the kernels (audit log)
    ]
    if not open_browser:
        argv.append("--no-browser")
    host = "127.0.0.1" if ip in ("0.0.0.0", "::") else (f"[{ip}]" if ":" in ip else ip)
    query = f"?token={token}" if token else ""
    urls = {name: f"http://{host}:{port}/voila/render/{name}{query}" for name in served}
    return ServePlan(argv, env, root, urls, token, served, ip, port)


def describe(p: ServePlan, demo_logins: list[tuple[str, str]] = ()) -> str:
    """What the console shows once the server listens: the URLs, and how to reach it from the network."""
    lines = ["Atendimento Workbench em:"]
    for name, url in p.urls.items():
        lines.append(f"  {LABELS.get(name, name):28s} {url}")
    if p.ip not in LOOPBACK:
        lines.append(f"Acesso pela rede: troque {urls_host(p)} pelo nome ou IP deste servidor "
                     f"(ex.: http://{socket.gethostname()}:{p.port}/voila/render/atendimento.ipynb?token={p.token}).")
        lines.append("  O token é exigido em cada endereço; o navegador o guarda após a primeira visita. "
                     "Guarde-o: quem o tiver abre as páginas (o login do workbench continua valendo).")
    lines.append(f"Banco de dados: {shown(p.env['WORKBENCH_DB'])}")
    lines.append(f"Log do servidor: {logs.log_path(p.env['WORKBENCH_DB'])}")
    if demo_logins:
        lines.append("ATENÇÃO: operadores de demonstração com a senha de demonstração: "
                     + ", ".join(f"{u}/{pw}" for u, pw in demo_logins)
                     + ". Troque essas senhas (ou desative esses operadores) antes de usar com clientes reais.")
    lines.append("Ctrl+C encerra.")
    return "\n".join(lines)


def urls_host(p: ServePlan) -> str:
    return "127.0.0.1" if p.ip in ("0.0.0.0", "::") else p.ip


# -- running -----------------------------------------------------------------------------
@contextmanager
def registered(db: Path | str):
    """Registered as a server on ``db`` while serving: a restore refuses meanwhile, and
    ``workbench status`` sees it (see :mod:`workbench.storage.presence`). A PostgreSQL desk has
    no file to lock: many servers share it, and ``status`` counts their connections instead."""
    if is_url(db):
        yield
        return
    with presence.serving(db):
        yield


def server_running(db: str | Path) -> bool:
    """True while a ``workbench serve`` serves the database (a DuckDB file)."""
    return presence.server_running(db)


def _demo_logins(db: Path | str) -> list[tuple[str, str]]:
    from workbench.api import Workbench
    from workbench.demo import DEMO_LOGINS
    from workbench.services.status import demo_logins_unchanged

    return demo_logins_unchanged(Workbench.open(db).store, DEMO_LOGINS)


def serve(db=None, *, port: int = 8866, ip: str = "127.0.0.1", token: str | None = None,
          open_browser: bool = False, pool_size: int = 1, max_kernels: int = 40, reclaim_after: float = 120,
          all_extensions: bool = False) -> int:
    """Run the server in this process until Ctrl+C or SIGTERM; returns its exit code."""
    p = plan(db, port=port, ip=ip, token=token, pool_size=pool_size, max_kernels=max_kernels,
             reclaim_after=reclaim_after, open_browser=open_browser)
    try:
        db_path = p.env["WORKBENCH_DB"] if is_url(p.env["WORKBENCH_DB"]) else Path(p.env["WORKBENCH_DB"])
        if isinstance(db_path, Path) and not db_path.exists():
            raise StoreError(f"O banco de dados {db_path} não existe; rode `workbench init` "
                             "(e `workbench demo` para dados de demonstração).")
        logs.check_writable(logs.log_path(db_path).parent)
        check_free(p.ip, p.port)
        demo = _demo_logins(db_path)
        return _run(p, demo, all_extensions)
    finally:
        shutil.rmtree(p.root, ignore_errors=True)


def _quiet(record) -> bool:
    """Drop a notice that does not apply: the served copies are ours and carry no outputs to trust."""
    return "is not trusted" not in str(record.msg)


def _run(p: ServePlan, demo: list[tuple[str, str]], all_extensions: bool) -> int:
    import warnings

    # the jupyter stack's own deprecation notices are not the operator's business
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    os.environ.update(p.env)
    logs.configure(p.env["WORKBENCH_DB"])
    from workbench.server.app import WorkbenchVoila

    app = WorkbenchVoila()
    app.all_extensions = all_extensions
    app.on_listening = lambda _app: print(describe(p, demo), flush=True)
    try:
        with registered(p.env["WORKBENCH_DB"] if is_url(p.env["WORKBENCH_DB"]) else Path(p.env["WORKBENCH_DB"])):
            app.initialize(p.argv)
            app.log.addFilter(_quiet)
            app.log.addHandler(logs.file_handler(p.env["WORKBENCH_DB"]))
            app.start()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
