"""CPF and CNPJ, numeric and alphanumeric (2026 format): validation, storage form, display,
search, import and demo generation agree with the maintained validator (validate-docbr 2.x)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from validate_docbr import CNPJ, CPF

import workbench
from workbench.services import documents as docs
from workbench.services.importer import import_clients

# (text, valid CNPJ?) — numeric and alphanumeric, valid and invalid, with and without punctuation
CNPJS = [
    ("11.222.333/0001-81", True), ("11222333000181", True), ("11222333000182", False),
    ("11.222.333/0001-80", False),
    ("12.ABC.345/01DE-35", True), ("12ABC34501DE35", True), ("12abc34501de35", True),
    ("12.abc.345/01de-35", True), ("12 ABC 345 01DE 35", True),
    ("12.ABC.345/01DE-36", False), ("12ABC34501DE3A", False), ("12ABC34501DE", False),
    ("00000000000000", False), ("AAAAAAAAAAAA00", False), ("12.ABÇ.345/01DE-35", False),
]
CPFS = [("529.982.247-25", True), ("52998224725", True), ("123.456.789-00", False), ("11111111111", False),
        ("5299822472A", False)]


@pytest.mark.parametrize("text, valid", CNPJS)
def test_cnpj_set(text, valid):
    assert docs.is_valid_cnpj(text) is valid
    assert docs.is_valid_document(text) is valid
    assert bool(docs.valid_documents([text])[0]) is valid
    assert (docs.document_kind(text) == "PJ") is valid
    if valid:
        assert docs.format_document(text) in ("11.222.333/0001-81", "12.ABC.345/01DE-35")
        assert docs.document_chars(text) in ("11222333000181", "12ABC34501DE35")


@pytest.mark.parametrize("text, valid", CPFS)
def test_cpf_set(text, valid):
    assert docs.is_valid_cpf(text) is valid and docs.is_valid_document(text) is valid
    assert bool(docs.valid_documents([text])[0]) is valid


def test_vectorised_rule_agrees_with_validate_docbr_on_thousands():
    random.seed(12)
    cnpj, cpf = CNPJ(), CPF()
    good = [cnpj.generate(digits_only=bool(i % 2)) for i in range(2000)] + [cpf.generate() for _ in range(1000)]
    # one character changed: mostly invalid; the reference decides
    bad = [g[:5] + random.choice("0123456789ABCDEFXYZ") + g[6:] for g in good[:2000]]
    values = good + bad
    expected = [(cnpj.validate(v) if len(v) == 14 else cpf.validate(v)) for v in values]
    assert list(docs.valid_documents(values)) == expected
    assert [docs.is_valid_document(v) for v in values] == expected


def test_generated_cnpjs_include_alphanumeric_ones_all_valid():
    rng = np.random.default_rng(5)
    made = docs.random_cnpjs(rng, 5000, alphanumeric=0.3)
    alnum = [m for m in made if not m.isdigit()]
    assert 1200 < len(alnum) < 1800 and all(m[12:].isdigit() for m in made)
    assert all(CNPJ().validate(m) for m in made)


def test_an_alphanumeric_cnpj_client_is_imported_stored_formatted_and_found(tmp_path):
    wb = workbench.open(tmp_path / "a.duckdb", create=True)
    src = tmp_path / "clientes.csv"
    src.write_text("code;kind;name;document\n"
                   "N1;PJ;Nova Era Tecnologia Ltda;12.abc.345/01de-35\n"
                   "N2;PJ;Velha Guarda Ltda;12.ABC.345/01DE-36\n"
                   "N3;PF;Zé Letra;5299822472A\n", encoding="utf-8")
    report = import_clients(wb.store, src)
    assert report.loaded == 1
    reasons = report.summary()
    assert "CNPJ inválido" in reasons and "CPF inválido" in reasons
    for text in ("12.ABC.345/01DE-35", "12ABC34501DE35", "12abc34501de35", "12ABC345"):
        hits = wb.search_clients(text)
        assert list(hits["code"]) == ["N1"], text
        assert hits["document"].iloc[0] == "12.ABC.345/01DE-35"
    record = wb.client(int(hits["client_id"].iloc[0]))
    assert record.data["document"] == "12.ABC.345/01DE-35"


def test_the_demo_makes_some_alphanumeric_cnpjs(demo_template):
    import duckdb

    con = duckdb.connect(str(demo_template), read_only=True)
    try:
        rows = con.execute("SELECT document FROM clients WHERE kind = 'PJ'").fetchall()
    finally:
        con.close()
    alnum = [d for (d,) in rows if not d.isdigit()]
    assert alnum and all(CNPJ().validate(d) for (d,) in rows)
