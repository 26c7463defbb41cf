"""A damaged database file (truncated, a block failing its checksum): one clear message, nothing changed.

The same message names the file and the restore command in the CLI (exit code 2,
no traceback), the API (CorruptDatabaseError, a StoreError) and the desk's screen.
"""

from __future__ import annotations

import html
import shutil

import pytest

import workbench
from workbench.widgets.desk.app import DeskApp

from filetools import cli, damage_block, sha256, truncate_half

RESTORE_HINT = "restore <pasta-de-backup> --force"


def _damage(path, how):
    if how == "truncated":
        truncate_half(path)
    elif how == "corrupted block":
        for table in ("clients", "client_terms", "attendances"):
            damage_block(path, table)
    else:                                        # the headers themselves
        with open(path, "r+b") as fh:
            fh.write(b"\0" * 8192)


@pytest.fixture(params=["truncated", "corrupted block", "header"])
def damaged(request, demo_template, tmp_path):
    path = tmp_path / "desk.duckdb"
    shutil.copy(demo_template, path)
    _damage(path, request.param)
    return path


def test_cli_says_what_happened_and_how_to_restore(damaged, tmp_path):
    before = sha256(damaged)
    clients = tmp_path / "clientes.csv"
    clients.write_text("code,kind,name,document\nC9999999,PF,Maria Teste,52998224725\n", encoding="utf-8")
    backups = tmp_path / "backups"
    backups.mkdir()
    for args in (("import-clients", str(clients)), ("backup", str(backups)), ("snapshot", str(tmp_path / "s.duckdb"))):
        done = cli(damaged, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert str(damaged) in done.stderr and RESTORE_HINT in done.stderr
        assert "danificado" in done.stderr
    assert sha256(damaged) == before
    assert not list(backups.iterdir()) and not (tmp_path / "s.duckdb").exists()


def test_api_raises_one_typed_error(demo_template, tmp_path):
    path = tmp_path / "desk.duckdb"
    shutil.copy(demo_template, path)
    _damage(path, "corrupted block")
    before = sha256(path)
    with workbench.open(path, create=False) as wb:
        for call in (lambda: wb.search_clients("silva"), lambda: wb.sql("SELECT * FROM attendances")):
            with pytest.raises(workbench.CorruptDatabaseError) as error:
                call()
            assert isinstance(error.value, workbench.StoreError)
            assert str(path) in str(error.value) and RESTORE_HINT in str(error.value)
    assert sha256(path) == before
    _damage(path, "header")
    with pytest.raises(workbench.CorruptDatabaseError, match="não é um banco de dados DuckDB válido"):
        workbench.open(path, create=False)


def test_the_desk_screen_shows_the_message(demo_template, tmp_path):
    path = tmp_path / "desk.duckdb"
    shutil.copy(demo_template, path)
    app = DeskApp(path)
    app.login.username.value, app.login.password.value = "atendente", "atendente123"
    app.login.submit()
    assert app.screen == "desktop"
    _damage(path, "corrupted block")
    app.search.text.value = "silva"
    app.search.search_btn.click()
    shown = html.unescape(app.search.status.value)
    assert "danificado" in shown and RESTORE_HINT in shown and "Não foi possível concluir" not in shown
