"""The client search index: compact, sorted copies of the searchable fields.

Three tables, kept in step with ``clients`` by :func:`rebuild` (bulk loads),
:func:`index_clients` (single inserts or edits), and batch by batch by client
imports (see :mod:`workbench.storage.search_placement`):

``client_search``  one row per client in name order (``nid``, gapped so inserts
                   fit in place): what a result line shows, in one ``payload``
                   column (a page of results is a few contiguous rows). Terms
                   longer than a key holds are verified against the normalized
                   payload fields (:func:`haystack_sql`), computed for the few
                   candidates only: the table stays narrow, so the row-group
                   merges DuckDB does while an import appends to it are cheap
                   (migration 7 dropped the stored ``haystack`` column).
``client_terms``   one row per searchable token *suffix*, ordered by ``key``:
                   ``key`` packs the first 12 characters of the suffix into a
                   BIGINT (base 38, order preserving), so "every token containing
                   ``silv``" is the range ``key >= pack('silv') AND key <
                   pack('silv') + 38**8`` — a few row groups found by zonemaps,
                   no string comparison at all. It stores the client's ``nid``,
                   so ordering matches by name needs no string either.
``client_words``   the distinct name words, for the typo-tolerant fallback
                   (``jaro_winkler_similarity`` over a few thousand words).

Text is normalized the same way here (SQL) and in
:mod:`workbench.services.search` (Python): lower case, accents stripped, only
``a-z0-9`` kept inside a word, words split on white space.

Token kinds (``kind``):
0 first word of the name or trade name; 1 any other word start (also the
e-mail); 2 an inner suffix of a name word (at least 3 characters left);
3 the client code; 4 the CPF/CNPJ characters (digits, and the letters of an alphanumeric
CNPJ, lower case like every key); 5 a phone (with and without area code).
"""

from __future__ import annotations

from typing import Iterable

import duckdb

from workbench.lazy import lazy

np = lazy("numpy")           # numpy and pandas only when the index is written (not for a search)
pd = lazy("pandas")

KEY_CHARS = 12
BASE = 38
POW = tuple(BASE ** (KEY_CHARS - 1 - i) for i in range(KEY_CHARS))
# 0 = end of text, 1 = space, 2..11 = digits, 12..37 = letters: order preserving.
_LUT = [0] * 256
_LUT[ord(" ")] = 1
for _i, _c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz"):
    _LUT[ord(_c)] = 2 + _i

KIND_NAME_START, KIND_WORD, KIND_INNER, KIND_CODE, KIND_DOCUMENT, KIND_PHONE = range(6)
MIN_INNER = 3        # an inner suffix is indexed when at least this many characters are left
MAX_INNER_POS = 12   # ... and when it starts within the first 12 characters of the word
NID_GAP = 16         # free name positions left between two clients by a rebuild
SEP = "\x1f"         # separates the display fields inside ``payload``
PAYLOAD_FIELDS = ("code", "kind", "name", "trade_name", "document", "phone", "email", "city", "state")


def pack(text: str) -> int:
    """The order-preserving BIGINT of the first 12 characters of ``text`` (a-z0-9 and space)."""
    value = 0
    for i in range(KEY_CHARS):
        value = value * BASE + (int(_LUT[ord(text[i])]) if i < len(text) and ord(text[i]) < 256 else 0)
    return value


def prefix_range(term: str) -> tuple[int, int]:
    """[lo, hi) of the keys of the texts starting with ``term`` (its first 12 characters)."""
    head = term[:KEY_CHARS]
    lo = pack(head)
    return lo, lo + BASE ** (KEY_CHARS - len(head))


def _matrix(values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes (n, width) matrix, lengths) of ASCII strings cut to ``width`` characters."""
    raw = np.asarray(values, dtype=f"S{width}")
    lengths = np.char.str_len(raw).astype(np.int64)
    mat = np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(len(raw), width)
    return np.asarray(_LUT, dtype=np.int64)[mat].astype(np.uint8), lengths


def _keys(mat: np.ndarray, start: int | np.ndarray = 0) -> np.ndarray:
    """Packed keys of the 12 characters from column ``start`` of each row of ``mat``."""
    n, width = mat.shape
    out = np.zeros(n, dtype=np.int64)
    for i in range(KEY_CHARS):
        col = start + i
        if isinstance(col, int):
            if col >= width:
                break
            out += mat[:, col].astype(np.int64) * POW[i]
        else:
            ok = col < width
            vals = np.zeros(n, dtype=np.int64)
            vals[ok] = mat[np.nonzero(ok)[0], col[ok]]
            out += vals * POW[i]
    return out


def pack_many(values) -> np.ndarray:
    """Vectorised :func:`pack`."""
    mat, _ = _matrix(np.asarray(values, dtype=object).astype(str), KEY_CHARS)
    return _keys(mat)


# -- schema ------------------------------------------------------------------

def create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE TABLE client_search (
            nid       INTEGER NOT NULL,    -- position in name order, gapped (NID_GAP) for inserts
            client_id INTEGER NOT NULL,
            name_key  VARCHAR NOT NULL,    -- normalized name: where a new client's nid goes
            payload   VARCHAR NOT NULL     -- the display fields joined by SEP: one column to read
        )""")
    con.execute("CREATE INDEX client_search_nid ON client_search (nid)")
    con.execute("""
        CREATE TABLE client_terms (
            key  BIGINT NOT NULL,          -- packed first 12 characters of a token suffix
            nid  INTEGER NOT NULL,         -- the client's client_search.nid (so: name order)
            kind UTINYINT NOT NULL
        )""")
    con.execute("""
        CREATE TABLE client_words (
            word    VARCHAR NOT NULL,      -- a distinct normalized name word
            n_chars UTINYINT NOT NULL
        )""")


# -- building ----------------------------------------------------------------

# The normalized name a client is ordered by (``client_search.name_key``); ``{column}`` is the name column.
NAME_KEY_SQL = r"trim(regexp_replace(regexp_replace(lower(strip_accents({column})), '[^a-z0-9\s]', '', 'g'), '\s+', ' ', 'g'))"

# How each searchable field is normalized; ``{column}`` is the field's expression.
_FIELD_SQL = {
    "n_name": NAME_KEY_SQL,
    "n_trade": NAME_KEY_SQL.replace("{column}", "coalesce({column}, '')"),
    "n_code": r"regexp_replace(lower(strip_accents(coalesce({column}, ''))), '[^a-z0-9]', '', 'g')",
    "n_document": r"lower(regexp_replace(coalesce({column}, ''), '[^0-9A-Za-z]', '', 'g'))",
    "n_phone": r"regexp_replace(coalesce({column}, ''), '[^0-9]', '', 'g')",
    "n_mobile": r"regexp_replace(coalesce({column}, ''), '[^0-9]', '', 'g')",
    "n_email": r"regexp_replace(lower(strip_accents(coalesce({column}, ''))), '[^a-z0-9]', '', 'g')",
}
_SOURCE = {"n_name": "name", "n_trade": "trade_name", "n_code": "code", "n_document": "document",
           "n_phone": "phone", "n_mobile": "mobile", "n_email": "email"}
_NORMALIZED_SQL = ("SELECT client_id, code, kind, name, trade_name, document, phone, mobile, email, city, state, "
                   + ", ".join(f"{sql.format(column=_SOURCE[n])} AS {n}" for n, sql in _FIELD_SQL.items()) + " ")


def haystack_sql(payload: str = "payload") -> str:
    """SQL of the normalized searchable tokens of a ``client_search`` row, from its ``payload``.

    The same normalization as the index's terms, over the payload's fields: name, trade name, code,
    document, the phone shown and e-mail, each between spaces. A term longer than a key holds
    (:data:`KEY_CHARS`) is in the client's tokens when it is a substring of this text (the phone
    not shown is not in the payload; phones are at most 11 digits, so no such term can be in it).
    """
    def field(name: str) -> str:
        return f"split_part({payload}, chr({ord(SEP)}), {PAYLOAD_FIELDS.index(name) + 1})"

    parts = [_FIELD_SQL["n_name"].format(column=field("name")), _FIELD_SQL["n_trade"].format(column=field("trade_name")),
             _FIELD_SQL["n_code"].format(column=field("code")), _FIELD_SQL["n_document"].format(column=field("document")),
             _FIELD_SQL["n_phone"].format(column=field("phone")), _FIELD_SQL["n_email"].format(column=field("email"))]
    return "(' ' || " + " || ' ' || ".join(parts) + " || ' ')"


def normalized(con: duckdb.DuckDBPyConnection, where: str = "", params=None, *,
               source: str = "clients") -> pd.DataFrame:
    """The clients of ``source`` (a table or a registered frame) matching ``where``, with their
    normalized searchable fields."""
    return con.execute(_NORMALIZED_SQL + f" FROM {source}" + where + " ORDER BY client_id", params or []).df()


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Adds the derived columns: code number, payload."""
    df = df.copy()
    for col in ("n_name", "n_trade", "n_code", "n_document", "n_phone", "n_mobile", "n_email"):
        df[col] = df[col].fillna("").astype(str)
    code_digits = df["n_code"].str.replace(r"^[a-z]*0*", "", regex=True)
    df["n_code_num"] = code_digits.where(code_digits.str.fullmatch(r"[0-9]+") & (code_digits != df["n_code"]), "")
    phone = df["mobile"].where(df["mobile"].notna() & (df["mobile"] != ""), df["phone"])
    fields = {**{f: df[f] for f in PAYLOAD_FIELDS}, "phone": phone}
    payload = None
    for f in PAYLOAD_FIELDS:
        col = fields[f].fillna("").astype(str).str.replace(SEP, " ", regex=False)
        payload = col if payload is None else payload + SEP + col
    df["payload"] = payload
    return df


def term_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Every (key, nid, kind) of the prepared clients in ``df`` (which has a ``nid`` column)."""
    df = df.reset_index(drop=True)
    nids = df["nid"].to_numpy(dtype=np.int32)
    keys, owners, kinds = [], [], []

    def add(k: np.ndarray, rows: np.ndarray, kind) -> None:
        keys.append(k)
        owners.append(rows)
        kinds.append(np.broadcast_to(np.asarray(kind, dtype=np.uint8), k.shape).copy())

    # Name and trade-name words: word starts and inner suffixes. explode keeps
    # the row position as index: its first occurrence per source is the first word.
    parts = []
    for column in ("n_name", "n_trade"):
        series = df[column].str.split(" ").explode()
        first = ~series.index.duplicated(keep="first")
        parts.append(pd.DataFrame({"row": series.index.to_numpy(), "w": series.to_numpy(object), "first": first}))
    words = pd.concat(parts, ignore_index=True)
    words = words[words["w"].notna()]
    words = words[words["w"].astype(str).str.len() > 0]
    if len(words):
        rows = words["row"].to_numpy(dtype=np.int64)
        mat, lengths = _matrix(words["w"].astype(str).to_numpy(), KEY_CHARS + MAX_INNER_POS)
        first = words["first"].to_numpy()
        add(_keys(mat), rows, np.where(first, KIND_NAME_START, KIND_WORD))
        for p in range(1, MAX_INNER_POS + 1):
            sel = np.nonzero(lengths - p >= MIN_INNER)[0]
            if not len(sel):
                break
            add(_keys(mat[sel], p), rows[sel], KIND_INNER)

    positions = np.arange(len(df), dtype=np.int64)

    def add_field(column: str, kind: int, starts=(0,), min_len: int = 1) -> None:
        values = df[column].to_numpy(dtype=object).astype(str)
        mat, lengths = _matrix(values, KEY_CHARS + max(starts))
        for p in starts:
            sel = np.nonzero((lengths >= min_len) & (lengths - p >= 1))[0]
            if len(sel):
                add(_keys(mat[sel], p), positions[sel], kind)

    add_field("n_email", KIND_WORD)
    add_field("n_code", KIND_CODE)
    add_field("n_code_num", KIND_CODE)
    add_field("n_document", KIND_DOCUMENT)
    add_field("n_phone", KIND_PHONE, starts=(0, 2), min_len=8)
    add_field("n_mobile", KIND_PHONE, starts=(0, 2), min_len=8)

    if not keys:
        return pd.DataFrame({"key": np.array([], np.int64), "nid": np.array([], np.int32),
                             "kind": np.array([], np.uint8)})
    # Unsorted, and a (key, nid) pair may repeat ("Silva Silva"): the search
    # takes the best rank per client anyway.
    return pd.DataFrame({"key": np.concatenate(keys), "nid": nids[np.concatenate(owners)],
                         "kind": np.concatenate(kinds)})


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, columns: list[str]) -> None:
    name = f"_wb_{table}_rows"
    con.register(name, frame)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {name}")
    finally:
        con.unregister(name)


_SEARCH_COLUMNS = ["nid", "client_id", "name_key", "payload"]
_TERM_COLUMNS = ["key", "nid", "kind"]

_WORDS_SQL = r"""
    SELECT DISTINCT w AS word, length(w)::UTINYINT AS n_chars FROM (
        SELECT unnest(string_split(words, ' ')) AS w FROM (
            SELECT trim(regexp_replace(regexp_replace(
                       lower(strip_accents(name || ' ' || coalesce(trade_name, ''))),
                       '[^a-z0-9\s]', '', 'g'), '\s+', ' ', 'g')) AS words
            FROM clients {where}))
    WHERE length(w) BETWEEN 3 AND 60 AND NOT regexp_full_match(w, '[0-9]+')
"""


_EXPECTED = {"client_search": set(_SEARCH_COLUMNS), "client_terms": set(_TERM_COLUMNS),
             "client_words": {"word", "n_chars"}}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Recreate the index tables when a development file has an older layout of them."""
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                       "WHERE table_name IN ('client_search', 'client_terms', 'client_words')").fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    if found != _EXPECTED:
        con.execute("DROP INDEX IF EXISTS client_search_nid")
        for table in _EXPECTED:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        create(con)


def rebuild(con: duckdb.DuckDBPyConnection, *, chunk: int = 250_000) -> None:
    """Recompute the whole index from ``clients`` (bulk loads; inside the caller's transaction).

    Both tables are written in their physical order: ``client_search`` by name
    (``nid``), ``client_terms`` by ``key``; that order is what makes a search
    read only a few row groups.
    """
    ensure_tables(con)
    con.execute("DROP INDEX IF EXISTS client_search_nid")
    con.execute("DELETE FROM client_search")
    con.execute("DELETE FROM client_terms")
    con.execute("DELETE FROM client_words")
    order = con.execute(f"SELECT client_id FROM clients ORDER BY {NAME_KEY_SQL.format(column='name')}, client_id"
                        ).fetchnumpy()["client_id"]
    if len(order):
        nid_of = pd.Series((np.arange(1, len(order) + 1, dtype=np.int64) * NID_GAP).astype(np.int32),
                           index=np.asarray(order, dtype=np.int64))
        lo, hi = int(np.min(order)), int(np.max(order))
        search_parts, term_parts = [], []
        for start in range(lo, hi + 1, chunk):
            df = prepare(normalized(con, " WHERE client_id >= ? AND client_id < ?", [start, start + chunk]))
            if not len(df):
                continue
            df["nid"] = nid_of.loc[df["client_id"].to_numpy(dtype=np.int64)].to_numpy()
            df["name_key"] = df["n_name"]
            search_parts.append(df[_SEARCH_COLUMNS])
            term_parts.append(term_rows(df))
        rows = pd.concat(search_parts, ignore_index=True).sort_values("nid", kind="stable")
        _insert(con, "client_search", rows, _SEARCH_COLUMNS)
        del rows, search_parts
        terms = pd.concat(term_parts, ignore_index=True)
        del term_parts
        idx = np.argsort(terms["key"].to_numpy(), kind="stable")
        _insert(con, "client_terms", terms.iloc[idx], _TERM_COLUMNS)
        con.execute("INSERT INTO client_words " + _WORDS_SQL.format(where="") + " ORDER BY n_chars, word")
    con.execute("CREATE INDEX client_search_nid ON client_search (nid)")


def _free_nid(con: duckdb.DuckDBPyConnection, name_key: str, client_id: int) -> int:
    """A nid between the clients before and after (name_key, client_id) in name order."""
    before, after, top = con.execute("""
        SELECT max(nid) FILTER (WHERE name_key < ? OR (name_key = ? AND client_id < ?)),
               min(nid) FILTER (WHERE name_key > ? OR (name_key = ? AND client_id > ?)),
               max(nid)
        FROM client_search""", [name_key, name_key, client_id] * 2).fetchall()[0]
    before = 0 if before is None else before
    if after is None:
        return max(before, top or 0) + NID_GAP
    if after - before > 1:
        return before + (after - before) // 2
    return (top or 0) + 1          # no room left: last, until the next rebuild


def index_clients(con: duckdb.DuckDBPyConnection, client_ids: Iterable[int]) -> None:
    """(Re)index a few clients after an insert or an edit (inside the caller's transaction).

    The new rows land unsorted at the end of both tables: still found (the last
    row groups' zonemaps span them, the nid index finds the display rows), and
    put in physical order again by the next :func:`rebuild`.
    """
    ids = sorted({int(i) for i in client_ids})
    if not ids:
        return
    ensure_tables(con)
    id_list = ", ".join(str(i) for i in ids)
    old = [r[0] for r in con.execute(f"SELECT nid FROM client_search WHERE client_id IN ({id_list})").fetchall()]
    if old:
        nid_list = ", ".join(str(int(n)) for n in old)
        con.execute(f"DELETE FROM client_terms WHERE nid IN ({nid_list})")
        con.execute(f"DELETE FROM client_search WHERE client_id IN ({id_list})")
    df = normalized(con, f" WHERE client_id IN ({id_list})")
    if len(df):
        df = prepare(df)
        df["name_key"] = df["n_name"]
        nids = []
        for row in df.itertuples():                  # one by one: the next one sees this one's nid
            nids.append(_free_nid(con, row.name_key, int(row.client_id)))
            _insert(con, "client_search", pd.DataFrame({"nid": [nids[-1]], "client_id": [int(row.client_id)],
                                                        "name_key": [row.name_key], "payload": [row.payload]}),
                    _SEARCH_COLUMNS)
        df["nid"] = np.asarray(nids, dtype=np.int32)
    if len(df):
        insert_terms(con, term_rows(df))
    insert_words(con, min(ids), max(ids))


def insert_search_rows(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    """Append prepared clients (``nid``, ``client_id``, ``name_key``, ``payload``)."""
    _insert(con, "client_search", rows[_SEARCH_COLUMNS], _SEARCH_COLUMNS)


def insert_terms(con: duckdb.DuckDBPyConnection, terms: pd.DataFrame) -> None:
    """Append term rows, sorted by key (so each appended run is compact in key order)."""
    _insert(con, "client_terms", terms.iloc[np.argsort(terms["key"].to_numpy(), kind="stable")], _TERM_COLUMNS)


def insert_words(con: duckdb.DuckDBPyConnection, lo: int, hi: int) -> None:
    """Add the new name words of the clients with ids from ``lo`` to ``hi``."""
    con.execute("INSERT INTO client_words " + _WORDS_SQL.format(where=f"WHERE client_id BETWEEN {int(lo)} AND {int(hi)}")
                + " EXCEPT SELECT word, n_chars FROM client_words")
