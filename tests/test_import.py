"""`workbench import-clients`: per-row validation, one transaction, clear errors."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

import workbench
from workbench.cli import main
from workbench.errors import ValidationError
from workbench.services.documents import format_document, is_valid_document, only_digits
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


def _clients(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT code, kind, name, trade_name, document, email, phone, mobile, zip "
                           "FROM clients ORDER BY client_id").fetchall(), \
            con.execute("SELECT count(*) FROM client_search").fetchall()[0][0]
    finally:
        con.close()


def test_document_helpers():
    assert only_digits("529.982.247-25") == "52998224725" and only_digits(None) == ""
    assert is_valid_document("529.982.247-25") and is_valid_document("11222333000181")
    assert not is_valid_document("123.456.789-00") and not is_valid_document("11111111111")
    assert format_document("52998224725") == "529.982.247-25"
    assert format_document("11222333000181") == "11.222.333/0001-81"


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
    rows, indexed = _clients(wb.path)
    assert rows[0] == ("A1", "PF", "João da Conceição", None, "52998224725", "joao@example.com",
                       "1133334444", "11987654321", "01310100")
    assert rows[1][3] == "Padaria Pão Dourado" and rows[1][4] == "11222333000181"
    assert indexed == 2
    assert wb.search_clients("joao conceicao").code.tolist() == ["A1"]       # searchable at once
    assert wb.search_clients("pao dourado").code.tolist() == ["A2"]
    frame = pd.read_csv(rejects, dtype=str)
    assert list(frame["linha"]) == ["4", "5", "6", "7", "8"] and "motivo" in frame.columns

    # again: everything is now a duplicate of the database
    report = import_clients(wb.store, src)
    assert report.loaded == 0
    assert "código já cadastrado" in dict((l, r) for l, _, r in report.rejected)[2]
    assert "documento já cadastrado" in dict((l, r) for l, _, r in report.rejected)[3]


def test_parquet(tmp_path, wb):
    src = tmp_path / "clientes.parquet"
    pd.DataFrame({"code": ["P1", "P2"], "kind": ["PF", "PF"], "name": ["Conceição", "Ana"],
                  "document": ["52998224725", "52998224724"]}).to_parquet(src)
    report = import_clients(wb.store, src)
    assert report.loaded == 1 and report.rejected == [(2, "P2", "CPF inválido")]


@pytest.mark.parametrize("content, message", [
    ("nome,cpf\nJoão,52998224725\n", "colunas obrigatórias ausentes"),
    ("code,kind,name,document,idade\nA,PF,B,52998224725,3\n", "colunas desconhecidas"),
    (b"code,kind,name,document\nA,PF,Jo\xe3o,52998224725\n", "UTF-8"),
])
def test_wrong_file_writes_nothing(tmp_path, wb, capsys, content, message):
    src = tmp_path / "ruim.csv"
    (src.write_bytes if isinstance(content, bytes) else src.write_text)(content)
    with pytest.raises(ValidationError) as err:
        import_clients(wb.store, src)
    assert str(src) in str(err.value) and message in str(err.value)
    assert main(["--db", str(wb.path), "import-clients", str(src)]) == 2
    assert str(src) in capsys.readouterr().err
    assert _clients(wb.path) == ([], 0)


def test_unreadable_and_missing_files(tmp_path, wb):
    for src in (tmp_path / "nao_existe.csv", tmp_path / "lixo.parquet"):
        if src.suffix == ".parquet":
            src.write_bytes(b"not a parquet file")
        with pytest.raises(ValidationError, match=str(src)):
            import_clients(wb.store, src)
    assert _clients(wb.path) == ([], 0)


def test_nothing_half_written_on_failure(tmp_path, wb, monkeypatch):
    src = tmp_path / "clientes.csv"
    src.write_text(GOOD_CSV, encoding="utf-8")
    from workbench.storage import bulk

    def boom(con, *args, **kwargs):
        raise RuntimeError("falha no índice")

    monkeypatch.setattr(bulk.search_index, "rebuild", boom)
    monkeypatch.setattr(bulk.search_index, "index_clients", boom)
    with pytest.raises(RuntimeError):
        import_clients(wb.store, src)
    assert _clients(wb.path) == ([], 0)


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
