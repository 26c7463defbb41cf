"""The built wheel works as a new user installs it: init, demo, status, serve, the login screen.

The wheel is built from this checkout and installed with ``--no-deps`` into a fresh virtual
environment that sees the test environment's packages through a ``.pth`` line (so nothing is
downloaded, and the checkout itself is not importable there). HOME and XDG_DATA_HOME point into the
test's folder: the default database must land in the platform's data folder, whatever the current
folder is. The dependencies' data files (``share/jupyter``) are reached through ``JUPYTER_PATH``. Then the installed package is broken on purpose (its data removed) to check the message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

import browser as B

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600, cwd=work)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheel = next(dist.glob("atendimento_workbench-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # the test environment's packages (duckdb, voila, ...), appended after the new site-packages
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=600)
    home = work / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBENCH_", "PYTHONPATH", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
               # the dependencies' data files (Voila's templates, the widgets' browser code) stay where
               # the test environment installed them, beside the packages the .pth line reaches
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    return {"bin": env_dir / "bin", "site": Path(site), "env": env, "cwd": work, "home": home}


def _run(installed, *args, check=True):
    return subprocess.run([str(installed["bin"] / "workbench"), *args], capture_output=True, text=True,
                          env=installed["env"], cwd=installed["cwd"], timeout=600, check=check)


def test_wheel_installs_and_serves_the_desk(installed):
    where = subprocess.run([str(installed["bin"] / "python"), "-c", "import workbench; print(workbench.__file__)"],
                           capture_output=True, text=True, env=installed["env"], cwd=installed["cwd"], check=True)
    assert where.stdout.startswith(str(installed["site"])), where.stdout      # the wheel, not the checkout
    init = _run(installed, "init")
    db = installed["home"] / ".local" / "share" / "atendimento-workbench" / "workbench.duckdb"
    assert str(db) in init.stdout and db.exists()
    _run(installed, "demo", "--clients", "40", "--attendances", "200", "--operators", "1")
    status = _run(installed, "status").stdout
    assert f"Banco de dados: {db}" in status and "40 clientes" in status
    with B.served(None, command=[str(installed["bin"] / "workbench")], env=installed["env"],
                  log_path=installed["cwd"] / "serve.log") as base, sync_playwright() as p:
        browser = B.chromium(p)
        page = browser.new_page()
        hosts = B.HostGuard(page, base)
        B.open_desk(page, base)
        B.login(page, "atendente", "atendente123")
        B.wait_text(page, "Bem-vindo")
        browser.close()
        assert not hosts.foreign(), hosts.foreign()
    log = (installed["cwd"] / "serve.log").read_text()
    assert "Atendimento Workbench em:" in log and "atendente/atendente123" in log


def test_wheel_without_its_data_says_so(installed):
    package = installed["site"] / "workbench"
    shutil.move(package / "app_data", installed["cwd"] / "app_data.removed")
    try:
        result = _run(installed, "--db", str(installed["cwd"] / "novo.duckdb"), "init", check=False)
    finally:
        shutil.move(installed["cwd"] / "app_data.removed", package / "app_data")
    assert result.returncode == 2
    assert "workbench.app_data" in result.stderr and "reinstale" in result.stderr
    assert "Traceback" not in result.stderr
