"""The ``workbench`` command speaks Portuguese, documents every option, and tells the desk's state.

Every sub-command and option (those of other features included: the test walks the real parser)
must have a help text and appear in the README.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import workbench
from workbench.cli import build_parser, main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _subparsers(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise AssertionError("no sub-commands")


def test_every_command_and_option_has_help_and_is_in_the_readme():
    parser = build_parser()
    sub = _subparsers(parser)
    helps = {a.dest: a.help for a in sub._choices_actions}
    missing = []
    for option in parser._actions:
        if option.option_strings and option.dest != "help":
            assert option.help, option.option_strings
            missing += [s for s in option.option_strings if s.startswith("--") and s not in README]
    for name, command in sub.choices.items():
        assert helps.get(name), f"{name}: no help text"
        if f"workbench {name}" not in README:
            missing.append(f"workbench {name}")
        for option in command._actions:
            if option.dest in ("help",):
                continue
            assert option.help, f"{name} {option.option_strings or option.dest}: no help text"
            for text in option.option_strings:
                if text.startswith("--") and text not in README:
                    missing.append(f"{name} {text}")
    assert not missing, f"document in README.md: {missing}"


def test_help_is_in_portuguese_with_defaults():
    out = subprocess.run([sys.executable, "-m", "workbench", "serve", "--help"], capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("uso: workbench serve") and "mostra esta ajuda e sai" in out
    assert "(padrão: 8866)" in out and "(padrão: 127.0.0.1)" in out
    assert "show this help" not in out and "usage:" not in out and "default" not in out
    top = subprocess.run([sys.executable, "-m", "workbench", "--help"], capture_output=True, text=True,
                         check=True).stdout
    assert "comandos:" in top and "opções:" in top


def test_version_and_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "workbench", "--version"], capture_output=True, text=True,
                         check=True).stdout
    from importlib.metadata import version

    assert out.strip() == f"workbench {version('atendimento-workbench')}"


def test_parser_errors_in_portuguese(capsys):
    try:
        main(["add-operator", "fulano"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "erro: faltam os argumentos: --name, --role" in err and "required" not in err


def test_status_tells_path_schema_counts_backup_and_server(desk, tmp_path, capsys):
    from workbench.serve import registered

    assert main(["--db", str(desk.path), "status"]) == 0
    out = capsys.readouterr().out
    assert f"Banco de dados: {desk.path}" in out and "Esquema: v" in out
    assert "60 clientes" in out and "400 atendimentos" in out and "Tamanho:" in out
    assert "nenhum registrado" in out and "nenhum `workbench serve`" in out
    backups = tmp_path / "copias"
    backups.mkdir()
    assert main(["--db", str(desk.path), "backup", str(backups)]) == 0
    with registered(desk.path):
        assert main(["--db", str(desk.path), "status"]) == 0
    out = capsys.readouterr().out
    assert f"Último backup: " in out and str(backups) in out and "Servidor: em execução" in out


def test_commands_on_a_missing_database_say_init(tmp_path, capsys):
    db = tmp_path / "ausente.duckdb"
    for argv in (["status"], ["backup", str(tmp_path)], ["import-clients", "x.csv"],
                 ["add-operator", "chefe", "--name", "Chefe", "--role", "admin", "--password", "chefe1234"]):
        assert main(["--db", str(db), *argv]) == 2
        assert "workbench init" in capsys.readouterr().err
    assert not db.exists()


def test_open_on_a_missing_database_raises_and_creates_nothing(tmp_path, monkeypatch):
    import pytest

    monkeypatch.chdir(tmp_path)                    # a notebook in another folder
    monkeypatch.delenv("WORKBENCH_DB")
    missing = tmp_path / "outro.duckdb"
    with pytest.raises(workbench.StoreError, match="workbench init") as err:
        workbench.open(missing)
    assert str(missing) in str(err.value) and not missing.exists()
    created = workbench.open(missing, create=True)
    assert created.store.schema_version() >= 1
