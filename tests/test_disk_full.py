"""A full disk: one typed error (DiskFullError, pt-BR, naming the folder) in the API, the screen and
the CLI, for commits, backups and snapshots; what was saved before is intact once space is freed.

The disk is real: a small tmpfs mounted for the test (root is needed; CI runs as root).
"""

from __future__ import annotations

import errno
import html
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import workbench
from workbench.errors import DiskFullError
from workbench.widgets.desk.app import DeskApp

from filetools import cli, dump

TABLES = ("attendances", "protocol_log", "protocol_counter", "script_answers", "audit_log", "operators")


class SmallDisk:
    def __init__(self, path: Path):
        self.path = path
        self.filler = path / "enchimento.bin"

    def fill(self) -> None:
        """Write until the file system refuses even a small write."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (1 << 20, 1 << 12, 1 << 9):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink()

    def message(self) -> str:
        return f"Disco cheio em {self.path}: libere espaço e tente de novo; nada foi perdido."


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disco"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"could not mount a tmpfs (these tests need root; CI runs as root): {done.stderr}")
    try:
        yield SmallDisk(mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _register(session, client_id) -> str:
    draft = session.new_attendance(client_id, "Telefônico")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Maria",
                   problem="Sem internet desde ontem", title="Lentidão")
    draft.set_first_contact(type="Suporte Técnico", checks="Roteador verificado", resolved=True,
                            solution="Roteador reiniciado")
    return draft.finish()


def test_a_full_disk_is_one_typed_error_and_loses_nothing(small_disk, demo_template):
    db = small_disk.path / "desk.duckdb"
    shutil.copy(demo_template, db)
    wb = workbench.open(db, create=False)
    session = wb.login("atendente", "atendente123")
    client_id = int(wb.sql("SELECT min(client_id) AS c FROM contracts WHERE status = 'Ativo'")["c"][0])
    saved = [_register(session, client_id) for _ in range(2)]          # acknowledged before the disk fills
    app = DeskApp(wb=wb)
    app.login.username.value, app.login.password.value = "atendente", "atendente123"
    app.login.submit()
    app.open_client({"client_id": client_id})
    before = dump(db, TABLES)

    small_disk.fill()
    with pytest.raises(DiskFullError) as error:                        # the API
        session.new_attendance(client_id, "Telefônico")
    assert str(error.value) == small_disk.message() and isinstance(error.value, workbench.StoreError)
    app.client.attendances.add_btn.click()                             # the screen
    assert app.screen == "client"
    assert small_disk.message() in html.unescape(app.client.attendances.status.value)
    done = cli(db, "add-operator", "novo.operador", "--name", "Novo Operador", "--role", "atendente",
               "--password", "segredo123")                            # the CLI
    assert done.returncode == 2 and small_disk.message() in done.stderr and "Traceback" not in done.stderr

    small_disk.free()
    assert dump(db, TABLES) == before                                 # nothing acknowledged was lost
    again = _register(session, client_id)
    assert set(saved + [again]) <= set(wb.attendances(client_id=client_id, limit=1000)["protocol"])
    wb.close()


def test_backup_and_snapshot_into_a_full_disk(small_disk, desk):
    small_disk.fill()
    done = cli(desk.path, "backup", str(small_disk.path))
    assert done.returncode == 2, done.stdout
    assert small_disk.message() in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(DiskFullError) as error:
        desk.snapshot(small_disk.path / "analise.duckdb", max_age=0)
    assert str(error.value) == small_disk.message()
    assert [p.name for p in small_disk.path.iterdir()] == [small_disk.filler.name]   # no partial file left
    small_disk.free()
    assert cli(desk.path, "backup", str(small_disk.path)).returncode == 0
    assert desk.snapshot(small_disk.path / "analise.duckdb", max_age=0).snapshot_info.refreshed


def test_a_commit_whose_checkpoint_fails_leaves_the_wal_as_it_was(small_disk):
    """A commit appending to a table with an index makes DuckDB checkpoint at once; on a full disk it
    writes the commit to the WAL, fails the checkpoint and says the commit is durable. The unit of work
    reports the full disk, so the WAL must hold what it held before (the earlier commits, not this one)."""
    wb = workbench.open(small_disk.path / "desk.duckdb", create=True)
    wb.store.set_setting("antes", "1")
    wb.store.set_setting("antes", "2")                                 # a change: left in the WAL
    wal = Path(f"{wb.path}.wal")
    held = wal.read_bytes()
    assert held

    small_disk.fill()
    with pytest.raises(DiskFullError) as error:
        wb.store.set_setting("depois", "3")                            # a new key: the indexed append
    assert str(error.value) == small_disk.message()
    assert wal.read_bytes() == held
    small_disk.free()
    assert wb.store.get_setting("depois") is None and wb.store.get_setting("antes") == "2"
    wb.store.set_setting("depois", "4")
    assert ("depois", "4") in dump(wb.path, ("settings",))["settings"]
    wb.close()
