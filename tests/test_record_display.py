"""A client's record and an attendance show as tables in a notebook (``_repr_html_``), escaped, pt-BR."""

from __future__ import annotations

import duckdb

from dashdata import build


def test_records_display_as_tables(tmp_path_factory):
    wb, *_ = build(tmp_path_factory.mktemp("dash") / "dash.duckdb")
    con = duckdb.connect(str(wb.path))
    con.execute("UPDATE clients SET name = '<script>alert(1)</script> Ana' WHERE client_id = 1")
    con.close()
    html = wb.client(1)._repr_html_()
    assert "<table" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert "529.982.247-25" in html and "Planos" in html
    detail = wb.attendance("20261125000001")._repr_html_()
    assert "Atendimento nº 20261125000001" in detail and "25/11/2026 10:00" in detail
    assert "No cabo também" in detail and "Relatório do Script" in detail and "Histórico" in detail
    assert "concluido" in detail or "Concluído" in detail           # the reopening is in the history
