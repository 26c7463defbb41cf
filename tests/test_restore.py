"""`workbench restore`: never while the desk is in use, never a broken backup, never a protocol twice.

Every case goes through the real command in a subprocess, with real processes
(an operator registering attendances, a `workbench serve`) beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

import workbench
from workbench.storage import presence

from browser import free_port
from filetools import OPERATOR, cli, damage_block, dump, popen_cli, protocols_issued, sha256, truncate_half

DATA = ("clients", "attendances", "protocol_log", "protocol_counter", "operators")


@pytest.fixture
def live(demo_template, tmp_path):
    """A desk database (nobody has it open) and a verified backup of it in ``backups/``."""
    db = tmp_path / "live.duckdb"
    shutil.copy(demo_template, db)
    backups = tmp_path / "backups"
    backups.mkdir()
    done = cli(db, "backup", str(backups))
    assert done.returncode == 0, done.stderr
    (backup,) = backups.glob("workbench-*.duckdb")
    return db, backup


def _operator(db, count=0, seconds=0.0):
    return subprocess.Popen([sys.executable, "-c", OPERATOR, str(db), str(count), str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _told_and_saved(out: str) -> tuple[list[str], list[str]]:
    lines = [line.split() for line in out.splitlines() if len(line.split()) == 2]
    return [p for k, p in lines if k == "protocolo"], [p for k, p in lines if k == "registrado"]


def _register(db, count):
    proc = _operator(db, count)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return _told_and_saved(out)


def test_restore_refuses_while_an_operator_is_registering(live):
    db, backup = live
    operator = _operator(db, seconds=8)
    try:
        assert operator.stdout.readline().strip() == "pronto"
        refused = cli(db, "restore", str(backup), "--force")
    finally:
        out, err = operator.communicate(timeout=300)
    assert operator.returncode == 0, err
    assert refused.returncode == 2, refused.stdout
    assert "em uso por outro processo" in refused.stderr and "Traceback" not in refused.stderr
    told, saved = _told_and_saved(out)
    assert saved, "the operator registered nothing"
    stored = {r[0] for r in dump(db, ("attendances",))["attendances"]}
    assert set(saved) <= stored                               # every acknowledged attendance is there
    assert len(protocols_issued(db)) == len(set(protocols_issued(db)))

    # once the operator is gone the restore runs, and no number told to a client is given again
    done = cli(db, "restore", str(backup), "--force")
    assert done.returncode == 0, done.stderr
    assert set(told) <= set(protocols_issued(db))
    after, _ = _register(db, 3)
    assert not set(after) & set(told) and min(after) > max(told)


def test_restore_refuses_while_a_server_is_running(live):
    db, backup = live
    before = sha256(db)
    server = popen_cli(db, "serve", "--port", str(free_port()), "--kernels", "0")
    try:
        for line in server.stdout:                            # the banner is printed once registered
            if "Ctrl+C" in line:
                break
        assert presence.server_running(db) and presence.in_use(db)
        refused = cli(db, "restore", str(backup), "--force")
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    assert refused.returncode == 2
    assert "em uso por um servidor (workbench serve)" in refused.stderr and "Traceback" not in refused.stderr
    assert sha256(db) == before
    assert not presence.server_running(db) and not presence.in_use(db)
    assert cli(db, "restore", str(backup), "--force").returncode == 0


def test_a_process_starting_during_a_restore_waits_for_it(live):
    db, backup = live
    restore = popen_cli(db, "restore", str(backup), "--force")
    try:
        assert restore.stdout.readline().startswith("Verificando o backup")
        restore.send_signal(signal.SIGSTOP)                   # frozen while it holds the database
        hurried = cli(db, "add-operator", "apressado", "--name", "Apressado", "--role", "atendente",
                      "--password", "segredo123", env={"WORKBENCH_LOCK_TIMEOUT": "1"})
        assert hurried.returncode == 2 and "está sendo restaurado" in hurried.stderr
        patient = popen_cli(db, "add-operator", "paciente", "--name", "Paciente", "--role", "atendente",
                            "--password", "segredo123", env={"WORKBENCH_LOCK_TIMEOUT": "120"})
    finally:
        restore.send_signal(signal.SIGCONT)
    out, err = restore.communicate(timeout=300)
    assert restore.returncode == 0, err
    _, err = patient.communicate(timeout=300)
    assert patient.returncode == 0, err
    users = {r[1] for r in dump(db, ("operators",))["operators"]}
    assert "paciente" in users and "apressado" not in users   # written to the restored database, not lost


def test_restore_carries_the_protocols_issued_after_the_backup(live):
    db, backup = live
    told, saved = _register(db, 3)
    done = cli(db, "restore", str(backup), "--force")
    assert done.returncode == 0, done.stderr
    high = max(told)
    assert f"Contador de protocolos mantido em {high}" in done.stdout
    assert "3 protocolos emitidos após o backup mantidos no log (3 com atendimento registrado" in done.stdout
    assert set(told) <= set(protocols_issued(db))
    stored = {r[0] for r in dump(db, ("attendances",))["attendances"]}
    assert not set(saved) & stored                            # the backup's attendances, as it was taken
    again, _ = _register(db, 2)
    assert min(again) > high


def test_restore_keeps_the_replaced_database_beside_it(live):
    db, backup = live
    _register(db, 1)
    before = dump(db, DATA)
    done = cli(db, "restore", str(backup), "--force")
    assert done.returncode == 0, done.stderr
    (kept,) = db.parent.glob("live.replaced-*.duckdb")
    assert f"guardado em {kept}" in done.stdout
    assert dump(kept, DATA) == before
    assert not list(db.parent.glob(".*restoring*"))


@pytest.mark.parametrize("damage", ["truncated", "corrupted block"])
@pytest.mark.parametrize("manifest", [True, False])
def test_restore_refuses_a_broken_backup_and_leaves_the_database_untouched(live, damage, manifest):
    db, backup = live
    broken = backup.with_name("workbench-20000101-000000.duckdb")
    shutil.copy(backup, broken)
    if manifest:
        shutil.copy(backup.with_name(backup.name + ".json"), broken.with_name(broken.name + ".json"))
    if damage == "truncated":
        truncate_half(broken)
    else:
        damage_block(broken, "attendances")
    before = sha256(db)
    done = cli(db, "restore", str(broken), "--force")
    assert done.returncode == 2, done.stdout
    expected = "não confere com o seu manifesto" if manifest else "está danificado"
    assert expected in done.stderr and "Nada foi restaurado" in done.stderr and "Traceback" not in done.stderr
    assert "restaurado de" not in done.stdout
    assert sha256(db) == before
    assert not list(db.parent.glob("live.replaced-*")) and not list(db.parent.glob(".*restoring*"))


def test_restore_refuses_a_backup_whose_contents_differ_from_its_manifest(live):
    db, backup = live
    manifest = backup.with_name(backup.name + ".json")
    data = json.loads(manifest.read_text())
    data["tables"]["attendances"]["rows"] += 1
    manifest.write_text(json.dumps(data))
    done = cli(db, "restore", str(backup), "--force")
    assert done.returncode == 2
    assert "não confere com o seu manifesto" in done.stderr and "tabela attendances" in done.stderr


def test_a_backup_without_manifest_is_read_whole_and_restored_with_a_warning(live):
    db, backup = live
    backup.with_name(backup.name + ".json").unlink()
    done = cli(db, "restore", str(backup), "--force")
    assert done.returncode == 0, done.stderr
    assert "não tem manifesto" in done.stderr and "leitura completa" in done.stderr
    assert dump(db, ("clients",)) == dump(backup, ("clients",))


def test_restore_over_a_damaged_database_brings_the_desk_back(live):
    db, backup = live
    told, _ = _register(db, 2)
    damage_block(db, "attendances")
    with workbench.open(db, create=False) as wb, pytest.raises(workbench.CorruptDatabaseError):
        wb.sql("SELECT * FROM attendances")
    done = cli(db, "restore", str(backup), "--force")
    assert done.returncode == 0, done.stderr
    assert set(told) <= set(protocols_issued(db))             # the log was still readable
    with workbench.open(db, create=False) as wb:
        assert len(wb.sql("SELECT * FROM attendances")) == len(dump(backup, ("attendances",))["attendances"])


def test_restore_into_a_new_file_needs_no_force(live, tmp_path):
    _, backup = live
    target = tmp_path / "novo.duckdb"
    done = cli(target, "restore", str(backup.parent))
    assert done.returncode == 0, done.stderr
    assert dump(target, DATA) == dump(backup, DATA)
    assert cli(target, "restore", str(backup.parent)).returncode == 2         # exists: needs --force
    assert os.path.exists(target)


def test_a_file_with_changes_still_in_its_wal_is_refused(live, tmp_path):
    db, backup = live
    source = tmp_path / "com-wal.duckdb"
    shutil.copy(backup, source)
    subprocess.run([sys.executable, "-c", "import duckdb, os, sys; con = duckdb.connect(sys.argv[1]); "
                    "con.execute(\"INSERT INTO audit_log (event_at, action, entity, entity_id) "
                    "VALUES (now(), 'teste', 'x', '1')\"); os._exit(0)", str(source)], check=True)
    assert os.path.getsize(f"{source}.wal") > 0                 # killed before its checkpoint
    before = sha256(db)
    done = cli(db, "restore", str(source), "--force")
    assert done.returncode == 2 and "alterações ainda no WAL" in done.stderr
    assert sha256(db) == before
