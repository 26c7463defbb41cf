"""Client search on a small fixed dataset inserted through the store (real DuckDB file)."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest
import rawdb

import workbench
from workbench.errors import ValidationError
from workbench.storage import migrations, search_index

pytestmark = pytest.mark.backends("duckdb", "postgres")

NOW = datetime(2025, 1, 2, 12, 0, tzinfo=timezone.utc)

# code, kind, name, trade_name, document, email, phone, mobile, city, state
CLIENTS = [
    ("C0000001", "PF", "João da Silva", None, "52998224725", "joao.silva@gmail.com", "1130001000", "11987654321",
     "São Paulo", "SP"),
    ("C0000002", "PF", "Maria da Conceição Araújo", None, "11144477735", "maria@uol.com.br", None, "21999990002",
     "Rio de Janeiro", "RJ"),
    ("C0000003", "PJ", "Padaria Pão Quente Ltda", "Pão Quente", "11222333000181", "contato@paoquente.com.br",
     "1633334444", None, "Ribeirão Preto", "SP"),
    ("C0000004", "PF", "José Antônio Simões", None, "39053344705", None, None, "19988887777", "Campinas", "SP"),
    ("C0000005", "PF", "Ana Lúcia Silva Araújo", None, "86288366757", "ana@example.com", None, "31977776666",
     "Belo Horizonte", "MG"),
    ("C0000006", "PF", "Silvana Joana Prado", None, "71428793860", None, None, "41966665555", "Curitiba", "PR"),
    ("C0000007", "PJ", "Comércio Irmãos Conceição S.A.", "Mercadinho Bom Preço", "45997418000153", None,
     "1140040000", None, "São Paulo", "SP"),
    ("C0000123", "PF", "Beatriz Nogueira", None, "12345678909", None, None, "11955554444", "Santos", "SP"),
]


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{
        "code": r[0], "kind": r[1], "name": r[2], "trade_name": r[3], "document": r[4], "email": r[5],
        "phone": r[6], "mobile": r[7], "street": "Rua A", "number": "1", "district": "Centro", "city": r[8],
        "state": r[9], "zip": "01000000", "created_at": NOW} for r in rows])


@pytest.fixture
def swb(wb):
    wb.store.insert_clients(_frame(CLIENTS))
    return wb


def codes(df) -> list[str]:
    return list(df["code"])


def test_result_shape_and_formatted_document(swb):
    df = swb.search_clients("joão da silva")
    assert codes(df)[0] == "C0000001"
    for column in ("client_id", "code", "name", "document", "city", "kind", "trade_name", "phone", "email"):
        assert column in df.columns
    row = df.iloc[0]
    assert row["document"] == "529.982.247-25"
    assert row["city"] == "São Paulo"
    assert df.attrs["truncated"] is False and df.attrs["limit"] == 50


@pytest.mark.parametrize("text", ["joao", "JOÃO", "João", "jOaO"])
def test_accents_and_case_both_ways(swb, text):
    assert "C0000001" in codes(swb.search_clients(text))


def test_conceicao_without_cedilla(swb):
    found = codes(swb.search_clients("conceicao"))
    assert set(found) >= {"C0000002", "C0000007"}
    assert "C0000002" in codes(swb.search_clients("Conceição"))


@pytest.mark.parametrize("text", ["529.982.247-25", "52998224725", " 529 982 247 25 "])
def test_cpf_with_and_without_punctuation(swb, text):
    df = swb.search_clients(text)
    assert codes(df)[0] == "C0000001"


@pytest.mark.parametrize("text", ["11.222.333/0001-81", "11222333000181"])
def test_cnpj(swb, text):
    assert codes(swb.search_clients(text))[0] == "C0000003"


@pytest.mark.parametrize("text", ["11987654321", "(11) 98765-4321", "98765-4321", "(16) 3333-4444", "1633334444",
                                  "+55 11 98765-4321"])
def test_phone_digits_and_formatted(swb, text):
    found = codes(swb.search_clients(text))
    assert found and found[0] in ("C0000001", "C0000003")
    assert ("C0000001" if "98765" in text or "987654321" in text else "C0000003") in found


@pytest.mark.parametrize("text", ["C0000004", "c0000004"])
def test_code(swb, text):
    assert codes(swb.search_clients(text))[0] == "C0000004"


def test_code_number_exact_first(swb):
    df = swb.search_clients("123")
    assert codes(df)[0] == "C0000123"


def test_email(swb):
    assert codes(swb.search_clients("joao.silva@gmail.com")) == ["C0000001"]
    assert codes(swb.search_clients("contato@paoquente"))[0] == "C0000003"


def test_multi_word_any_order(swb):
    assert codes(swb.search_clients("silva joão")) == ["C0000001"]
    assert codes(swb.search_clients("araujo maria")) == ["C0000002"]
    assert set(codes(swb.search_clients("silva araujo"))) == {"C0000005"}


def test_substring_inside_a_word(swb):
    found = codes(swb.search_clients("ilva"))
    assert set(found) >= {"C0000001", "C0000005", "C0000006"}
    assert "C0000004" in codes(swb.search_clients("imoe"))   # Simões


def test_razao_social_and_nome_fantasia(swb):
    assert "C0000003" in codes(swb.search_clients("padaria"))
    assert "C0000003" in codes(swb.search_clients("pao quente"))
    assert "C0000007" in codes(swb.search_clients("mercadinho bom preco"))
    assert "C0000007" in codes(swb.search_clients("irmaos"))


def test_typo_fallback(swb):
    df = swb.search_clients("joao slva")
    assert codes(df)[0] == "C0000001"
    assert df.attrs["fuzzy"] is True
    assert "C0000002" in codes(swb.search_clients("conseicao"))


def test_ranking_exact_code_then_name_start_then_others(swb):
    df = swb.search_clients("silva")
    found = codes(df)
    # "Silvana ..." starts with the text; João da Silva and Ana Lúcia Silva only contain it
    assert found[0] == "C0000006"
    assert found[1:] == ["C0000005", "C0000001"]     # then by name: Ana... before João...
    assert codes(swb.search_clients("C0000123"))[0] == "C0000123"


def test_truncation_flag(swb):
    df = swb.search_clients("sil", limit=2)
    assert len(df) == 2 and df.attrs["truncated"] is True and df.attrs["limit"] == 2
    df = swb.search_clients("sil", limit=3)
    assert len(df) == 3 and df.attrs["truncated"] is False


@pytest.mark.parametrize("limit", [0, -1, 501, 2.5, "x", None, True])
def test_limit_errors(swb, limit):
    with pytest.raises(ValidationError) as err:
        swb.search_clients("silva", limit=limit)
    assert err.value.field == "Quantidade"


@pytest.mark.parametrize("text", ["", " ", "a", "  b  ", None])
def test_short_text_error(swb, text):
    with pytest.raises(ValidationError) as err:
        swb.search_clients(text)
    assert err.value.field == "Procurar"
    assert "2 caracteres" in str(err.value)


@pytest.mark.parametrize("text", [
    "''", "'x", '"joão"', "%%", "%a", "__", "\\\\", "\\%", "'; DROP TABLE clients; --", "silva%", "a_b",
    "😀😀", "joão 😀", "SELECT * FROM clients", "x" * 10_000, "joão " * 3000, "\x00\x01", "ação\t\n",
])
def test_hostile_texts_are_literal(swb, text):
    df = swb.search_clients(text)
    assert isinstance(df, pd.DataFrame)
    assert not ("%" in text and len(df) == len(CLIENTS))     # '%' is not a wildcard
    assert len(swb.search_clients("silva")) == 3              # nothing was dropped


def test_long_text_is_cut(swb):
    df = swb.search_clients("joão " + "z" * 500)
    assert df.attrs["text"] == ("joão " + "z" * 500)[:200]


def test_single_insert_is_indexed(swb):
    new_id = swb.store.insert_clients(_frame([
        ("C0000200", "PF", "Aaron Silva", None, "98765432100", None, None, "11911112222", "São Paulo", "SP"),
    ])).client_ids[0]
    swb.store.reindex_clients([new_id])              # idempotent re-index of one client
    found = codes(swb.search_clients("silva"))
    assert found[1] == "C0000200"                     # Aaron before Ana, in name order
    assert codes(swb.search_clients("98765432100")) == ["C0000200"]


@pytest.mark.backends("duckdb")
def test_pack_preserves_order():
    words = ["", "0", "9", "a", "a b", "aa", "ab", "silva", "silvana", "z", "zzzzzzzzzzzz"]
    keys = [search_index.pack(w) for w in words]
    assert keys == sorted(keys)
    lo, hi = search_index.prefix_range("silv")
    assert lo <= search_index.pack("silva") < hi and not lo <= search_index.pack("silw") < hi


@pytest.mark.backends("duckdb")
def test_rebuild_recreates_an_older_index_layout(swb):
    with swb.store._write() as con:
        con.execute("DROP INDEX IF EXISTS client_search_nid")
        con.execute("DROP TABLE client_search")
        con.execute("CREATE TABLE client_search (client_id INTEGER, name_key VARCHAR)")
        search_index.rebuild(con)
    assert codes(swb.search_clients("joao silva")) == ["C0000001"]


def _stored_tokens(con) -> dict[int, set[str]]:
    """Each client's searchable tokens as the index stored them before migration 7 (its ``haystack``)."""
    df = search_index.prepare(search_index.normalized(con))
    tokens = {}
    for row in df.itertuples():
        text = " ".join([row.n_name, row.n_trade, row.n_code, row.n_document, row.n_phone, row.n_mobile, row.n_email])
        tokens[int(row.client_id)] = set(text.split())
    return tokens


@pytest.mark.backends("duckdb")              # DuckDB's index layout (PostgreSQL's has no payload)
def test_tokens_from_the_payload_are_the_stored_tokens(swb):
    with swb.store._read() as con:
        stored = _stored_tokens(con)
        computed = dict(con.execute(f"SELECT client_id, {search_index.haystack_sql()} FROM client_search").fetchall())
    assert sorted(computed) == sorted(stored)
    for client_id, text in computed.items():
        assert text.startswith(" ") and text.endswith(" ")
        mine = set(text.split())
        # every token a long term can be in (longer than a phone) is there, and nothing else
        assert {t for t in stored[client_id] if len(t) > 11} <= mine <= stored[client_id], client_id


@pytest.mark.parametrize("text", ["11222333000181", "45997418000153", "112223330001", "1122233300019",
                                  "contatopaoquentecombr", "joaosilvagmailcom", "mercadinhobom",
                                  "conceicaoaraujo", "irmaos conceicao", "c0000001 silva"])
def test_long_terms_find_what_the_stored_tokens_found(swb, text):
    with swb.store._read() as con:
        stored = _stored_tokens(con)
        code_of = dict(con.execute("SELECT client_id, code FROM clients").fetchall())
    terms = text.split()
    expected = sorted(code_of[c] for c, tokens in stored.items()
                      if all(any(term in token for token in tokens) for term in terms))
    assert sorted(codes(swb.search_clients(text))) == expected


@pytest.mark.backends("duckdb")
def test_migration_7_drops_the_stored_haystack(swb):
    with swb.store._write() as con:                 # the layout of a file from before migration 7
        con.execute("DROP INDEX client_search_nid")
        con.execute("ALTER TABLE client_search ADD COLUMN haystack VARCHAR NOT NULL DEFAULT ''")
        con.execute("CREATE INDEX client_search_nid ON client_search (nid)")
        con.execute(migrations.DROP_CLIENT_ATTENDANCES_INDEX)        # and without migration 8's column
        con.execute("ALTER TABLE attendances DROP COLUMN client_name")
        con.execute(migrations.CLIENT_ATTENDANCES_INDEX)
        con.execute("DELETE FROM schema_migrations WHERE version >= 7")
    upgraded = workbench.open(swb.path, create=False)
    assert upgraded.store.schema_version() == migrations.LATEST
    assert rawdb.query(swb.path, "SELECT count(*) AS n FROM schema_migrations WHERE version = 7").n[0] == 1
    columns = rawdb.query(swb.path, "SELECT column_name FROM information_schema.columns "
                                    "WHERE table_name = 'client_search' ORDER BY ordinal_position")
    assert columns["column_name"].tolist() == ["nid", "client_id", "name_key", "payload"]
    assert rawdb.query(swb.path, "SELECT index_name FROM duckdb_indexes() "
                                 "WHERE table_name = 'client_search'")["index_name"].tolist() == ["client_search_nid"]
    assert codes(upgraded.search_clients("11222333000181")) == ["C0000003"]
    assert codes(upgraded.search_clients("1122233300019")) == []


def assert_keys_beside_words(wb):
    """Every client_search row's ``keys`` is its client_keys, sorted, each between spaces."""
    differ = rawdb.query(wb, """
        SELECT count(*) AS n FROM client_search s
        LEFT JOIN (SELECT client_id, ' ' || string_agg(key, ' ' ORDER BY key) || ' ' AS keys
                   FROM client_keys GROUP BY client_id) k ON k.client_id = s.client_id
        WHERE s.keys <> coalesce(k.keys, '')""").n[0]
    assert differ == 0


@pytest.mark.backends("postgres")
def test_migration_7_on_postgresql_leaves_the_trigram_index_as_it_is(swb):
    """PostgreSQL's search index never stored a haystack: the step runs on an existing desk and changes nothing."""
    with swb.store._write() as con:                 # a desk from before migrations 7 and 8
        con.execute("DROP SCHEMA workbench_analyst CASCADE")     # the analysts' views read the column
        con.execute("ALTER TABLE attendances DROP COLUMN client_name")
        con.execute("DROP INDEX client_search_trade_first")          # and from before migration 10
        con.execute("ALTER TABLE client_search DROP COLUMN keys")
        con.execute("DELETE FROM schema_migrations WHERE version >= 7")
    upgraded = workbench.open(swb.store.target, create=False)
    assert upgraded.store.schema_version() == migrations.LATEST
    assert rawdb.query(swb, "SELECT count(*) AS n FROM schema_migrations WHERE version = 7").n[0] == 1
    columns = rawdb.query(swb, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'workbench' "
                               "AND table_name = 'client_search' ORDER BY ordinal_position")
    assert columns["column_name"].tolist() == ["client_id", "name_key", "first_words", "words", "keys"]
    indexes = rawdb.query(swb, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'workbench' "
                               "AND tablename = 'client_search' ORDER BY indexname")
    assert indexes["indexname"].tolist() == ["client_search_keys", "client_search_order", "client_search_pkey",
                                             "client_search_trade_first", "client_search_words"]
    assert "gin_trgm_ops" in indexes["indexdef"][0] and "gin_trgm_ops" in indexes["indexdef"][4]
    assert_keys_beside_words(swb)
    assert codes(upgraded.search_clients("11222333000181")) == ["C0000003"]
    assert codes(upgraded.search_clients("1122233300019")) == []
    assert codes(upgraded.search_clients("irmaos conceicao")) == ["C0000007"]


@pytest.mark.backends("postgres")
def test_postgresql_keys_follow_a_reindexed_client(swb):
    """The trigram-indexed keys are written with the client's index rows, and replaced when it is re-indexed."""
    assert_keys_beside_words(swb)
    new_id = swb.store.insert_clients(_frame([
        ("C0000201", "PF", "Zuleica Prado", None, "98765432100", "qwkx.p@exemplo.com", None, None, "Natal", "RN"),
    ])).client_ids[0]
    assert codes(swb.search_clients("qwkxp")) == ["C0000201"]
    with swb.store._write() as con:
        con.execute("UPDATE clients SET email = 'outra@exemplo.com' WHERE client_id = ?", [new_id])
    swb.store.reindex_clients([new_id])
    assert codes(swb.search_clients("qwkxp")) == []
    assert codes(swb.search_clients("outraexemplo")) == ["C0000201"]
    assert_keys_beside_words(swb)


WALK_TEXTS = ["silva", "sil", "ilva", "maria", "joao", "silva joao", "araujo maria", "silva araujo", "pao quente",
              "mercadinho", "conceicao", "c0000123", "123", "11222333000181", "1199", "paoquente", "joao slva",
              "conseicao", "an", "da", "da silva", "ana da", "merc bom", "bom"]


@pytest.mark.backends("postgres")
@pytest.mark.parametrize("walk_rows", [3, 10_000])
def test_postgresql_plans_agree(swb, monkeypatch, walk_rows):
    """The page read in name order (with walks cut short or not) and the one ranked scan find the same
    clients in the same order."""
    from workbench.storage.postgres import search as pg_search

    extra = _frame([(f"C00003{i:02d}", "PF", f"{first} {last}", "Mercadinho Sol" if i % 5 == 0 else None,
                     f"{90000000000 + i}", f"{first}.{i}@ex.com", None, None, "Natal", "RN")
                    for i, (first, last) in enumerate(
                        (f, l) for f in ("Maria", "Ana", "Joao", "Silvana", "Dario")
                        for l in ("da Silva", "Araujo", "Bomfim", "Dantas") for _ in (1, 2))])   # names twice: ties
    swb.store.insert_clients(extra)

    def pages():
        return {t: (codes(swb.search_clients(t, limit=5)), codes(swb.search_clients(t))) for t in WALK_TEXTS}

    monkeypatch.setattr(pg_search, "WALK_EXPECTED_ROWS", 0)     # never walked
    scanned = pages()
    monkeypatch.setattr(pg_search, "WALK_EXPECTED_ROWS", 10 ** 9)
    monkeypatch.setattr(pg_search, "WALK_FROM_SHARE", 2.0)      # ranks 0 and 1 walked, never rank 2
    monkeypatch.setattr(pg_search, "WALK_ROWS", walk_rows)
    assert pages() == scanned
    monkeypatch.setattr(pg_search, "WALK_FROM_SHARE", 0.0)      # every rank walked
    assert pages() == scanned
    assert any(len(found) > 5 for _, found in scanned.values())
