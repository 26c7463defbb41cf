"""``workbench serve``: a locked-down Voila plan, and every bad option refused with exit code 2.

The server itself is driven in the browser tests (tests/test_browser_*.py); here the command line
is run for real up to the point where it would start listening.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from workbench import serve
from workbench.cli import main
from workbench.demo import DEMO_LOGINS
from workbench.services.status import demo_logins_unchanged


def test_plan_serves_only_app_notebooks(tmp_path):
    db = tmp_path / "data" / "x.duckdb"
    p = serve.plan(db, port=9123, root=tmp_path / "root")
    assert sorted(x.name for x in p.root.iterdir()) == sorted(p.notebooks)
    assert "atendimento.ipynb" in p.notebooks
    for flag in ("--strip_sources=True", "--show_tracebacks=False", "--preheat_kernel=True", "--Voila.ip=127.0.0.1",
                 "--no-browser", "--Voila.port_retries=0", "--VoilaConfiguration.template=workbench",
                 "--WorkbenchKernelManager.max_kernels=40", "--KernelManager.transport=ipc"):
        assert flag in p.argv
    assert p.env["WORKBENCH_DB"] == str(db.resolve())
    assert not Path(p.env["WORKBENCH_DB"]).is_relative_to(p.root)
    assert p.token is None and p.urls["atendimento.ipynb"] == "http://127.0.0.1:9123/voila/render/atendimento.ipynb"


def test_plan_requires_token_off_loopback(tmp_path):
    p = serve.plan(tmp_path / "x.duckdb", ip="0.0.0.0", root=tmp_path / "root")
    assert p.token and f"--token={p.token}" in p.argv and p.urls["atendimento.ipynb"].endswith(p.token)
    text = serve.describe(p)
    assert "Acesso pela rede" in text and f"?token={p.token}" in text and "token é exigido" in text
    q = serve.plan(tmp_path / "x.duckdb", ip="10.0.0.5", token="segredo-longo-123", root=tmp_path / "root2")
    assert q.token == "segredo-longo-123" and "--token=segredo-longo-123" in q.argv


def test_describe_warns_about_demo_passwords_only_when_given(tmp_path):
    p = serve.plan(tmp_path / "x.duckdb", root=tmp_path / "root")
    quiet = serve.describe(p)
    assert "/voila/render/atendimento.ipynb" in quiet and "atendente123" not in quiet
    loud = serve.describe(p, [("atendente", "atendente123")])
    assert "atendente/atendente123" in loud and "Troque essas senhas" in loud


def test_demo_logins_are_checked_without_counting_failures(desk):
    hits = demo_logins_unchanged(desk.store, DEMO_LOGINS)
    assert [u for u, _ in hits] == [u for u, *_ in DEMO_LOGINS]
    admin = desk.login("admin", "admin123")
    before = desk.operators(by=admin).set_index("username")["failed_logins"].to_dict()
    demo_logins_unchanged(desk.store, [(u, "senha-errada", *rest) for u, _, *rest in DEMO_LOGINS])
    assert desk.operators(by=admin).set_index("username")["failed_logins"].to_dict() == before
    atendente = int(desk.operators(by=admin).set_index("username").loc["atendente", "operator_id"])
    desk.set_operator_active(atendente, False, by=admin)
    assert "atendente" not in [u for u, _ in demo_logins_unchanged(desk.store, DEMO_LOGINS)]


def test_fresh_database_has_no_demo_logins(wb):
    assert demo_logins_unchanged(wb.store, DEMO_LOGINS) == []


@pytest.mark.parametrize("args, says", [
    (["--port", "0"], "Porta inválida"),
    (["--port", "70000"], "Porta inválida"),
    (["--ip", "999.1.1.1"], "Endereço inválido"),
    (["--ip", "servidor"], "Endereço inválido"),
    (["--kernels", "-1"], "--kernels deve ser 0 ou mais"),
    (["--max-kernels", "0"], "--max-kernels deve ser 1 ou mais"),
    (["--reclaim-after", "-5"], "--reclaim-after deve ser 0 ou mais"),
    (["--ip", "0.0.0.0", "--token", "curto"], "ao menos 12"),
])
def test_bad_options_exit_2_with_a_clear_message(args, says, wb, capsys):
    assert _exit_code(["--db", str(wb.path), "serve", *args]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def _exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:                # argparse's own refusals
        return int(exc.code)


def test_non_numeric_port_is_refused_by_the_parser(wb, capsys):
    assert _exit_code(["--db", str(wb.path), "serve", "--port", "abc"]) == 2
    assert "esperado um número inteiro" in capsys.readouterr().err


def test_taken_port_is_an_error_not_a_silent_move(wb, capsys):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        assert main(["--db", str(wb.path), "serve", "--port", str(port)]) == 2
    err = capsys.readouterr()
    assert f"A porta {port} já está em uso" in err.err
    assert "Atendimento Workbench em:" not in err.out         # no URL printed for a server that is not there


def test_unwritable_log_folder_is_refused(wb, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "arquivo"
    blocker.write_text("não é uma pasta")
    monkeypatch.setenv("WORKBENCH_LOG_DIR", str(blocker / "logs"))
    assert main(["--db", str(wb.path), "serve", "--port", "1"]) == 2
    assert "pasta do log" in capsys.readouterr().err


def test_missing_database_is_refused(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "nada.duckdb"), "serve"]) == 2
    err = capsys.readouterr().err
    assert "nada.duckdb" in err and "workbench init" in err
