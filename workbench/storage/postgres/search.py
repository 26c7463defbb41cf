"""Client search on PostgreSQL: the same matching, ranking and typo fallback as
:mod:`workbench.storage.search`, over the indexes of migration 2
(``schema/m002_client_search.sql``).

A term (``a-z0-9``, normalised by the service) matches a client when

* a word of its name or trade name contains it (a word *starts* with it when the
  term has fewer than 3 characters): ``client_search.words LIKE '%term%'``,
  answered by the GIN trigram index;
* or its code, code number, CPF/CNPJ, a phone (with or without the area code) or
  its e-mail starts with it: a range of the b-tree ``client_keys.key``.

Every term must match. Rank: 0 a single term equal to the code or document,
1 the first term starts the name or trade name, 2 the rest; then name order.
When nothing matches, each term that matches nothing alone is replaced by the
most similar name words (``jaro_winkler_similarity`` ≥ 0.85, computed by DuckDB
exactly as the DuckDB store does, over the words within edit distance 3 that
``fuzzystrmatch`` finds), and the search runs again.

The queries run unprepared: psycopg prepares a statement after 5 runs, and the
generic plan of a LIKE with a parameter cannot use the trigram index.
"""

from __future__ import annotations

from workbench.frame import Frame

from workbench.storage.base import StoreBase
from workbench.storage.connection import scratch
from workbench.storage.results import SearchResult
from workbench.storage.search import DISPLAY_COLUMNS, FUZZY_MIN_SIMILARITY, FUZZY_WORDS_PER_TERM
from workbench.storage.search_index import (KIND_CODE, KIND_DOCUMENT, KIND_PHONE, KIND_WORD, MIN_INNER,
                                            _NORMALIZED_SQL)

FUZZY_MAX_EDITS = 3          # words farther than this from a term are not scored at all
_AFTER = "{"                 # the character after 'z': [term, term + '{') holds every key starting with term

_INDEX_SQL = """
    WITH n AS ({normalized} FROM clients WHERE {where}),
    kv AS MATERIALIZED (
        SELECT v.key, n.client_id, v.kind
        FROM n CROSS JOIN LATERAL (VALUES
            (n_email, {word}), (n_code, {code}), (n_document, {document}),
            (CASE WHEN regexp_replace(n_code, '^[a-z]*0*', '') ~ '^[0-9]+$'
                       AND regexp_replace(n_code, '^[a-z]*0*', '') <> n_code
                  THEN regexp_replace(n_code, '^[a-z]*0*', '') ELSE '' END, {code}),
            (CASE WHEN length(n_phone) >= 8 THEN n_phone ELSE '' END, {phone}),
            (CASE WHEN length(n_phone) >= 8 THEN substr(n_phone, 3) ELSE '' END, {phone}),
            (CASE WHEN length(n_mobile) >= 8 THEN n_mobile ELSE '' END, {phone}),
            (CASE WHEN length(n_mobile) >= 8 THEN substr(n_mobile, 3) ELSE '' END, {phone})) AS v (key, kind)
        WHERE v.key <> ''),
    s AS (
        INSERT INTO client_search (client_id, name_key, first_words, words, keys)
        SELECT n.client_id, n_name,
               ' ' || split_part(n_name, ' ', 1) || ' ' || split_part(n_trade, ' ', 1) || ' ',
               ' ' || n_name || ' ' || n_trade || ' ', coalesce(g.keys, '')
        FROM n LEFT JOIN (SELECT client_id, ' ' || string_agg(key, ' ' ORDER BY key) || ' ' AS keys
                          FROM kv GROUP BY client_id) g ON g.client_id = n.client_id
        ORDER BY n_name, n.client_id
        ON CONFLICT (client_id) DO UPDATE SET name_key = excluded.name_key, first_words = excluded.first_words,
                                              words = excluded.words, keys = excluded.keys
        RETURNING client_id),
    k AS (
        INSERT INTO client_keys (key, client_id, kind) SELECT key, client_id, kind FROM kv
        RETURNING client_id)
    INSERT INTO client_words (word, n_chars)
    SELECT DISTINCT w, length(w) FROM n, unnest(string_to_array(trim(n_name || ' ' || n_trade), ' ')) AS w
    WHERE length(w) BETWEEN 3 AND 60 AND w !~ '^[0-9]+$'
    ON CONFLICT (word) DO NOTHING
""".format(normalized=_NORMALIZED_SQL, where="{where}", word=KIND_WORD, code=KIND_CODE, document=KIND_DOCUMENT,
           phone=KIND_PHONE)


def index_clients(con, client_ids: list[int] | None = None) -> None:
    """(Re)index ``client_ids`` (None: every client, from scratch) inside the caller's write transaction.

    From scratch, the rows are written in name order, so a page read in name order (:func:`_walk`)
    reads consecutive blocks (migration 10 clusters an existing table the same way); clients indexed
    later land where there is room, which a page read in name order pays for only when it meets them.
    """
    if client_ids is None:
        con.execute("TRUNCATE client_search, client_keys, client_words")
        con.execute(_INDEX_SQL.format(where="TRUE"))
        con.execute("ANALYZE client_search")
        con.execute("ANALYZE client_keys")
        return
    ids = sorted({int(i) for i in client_ids})
    if not ids:
        return
    con.execute("DELETE FROM client_keys WHERE client_id = ANY(?)", [ids])
    con.execute(_INDEX_SQL.format(where="client_id = ANY(?)"), [ids])


def _word_pattern(term: str) -> str:
    return f"%{term}%" if len(term) >= MIN_INNER else f"% {term}%"


def _key_ranges(options: list[str]) -> tuple[str, list]:
    params: list = []
    for o in options:
        params += [o, o + _AFTER]
    return " OR ".join("(key >= ? AND key < ?)" for _ in options), params


def _match(options: list[str]) -> tuple[str, list]:
    """SQL (over ``s``, a ``client_search`` row) true when the client matches any of ``options``.

    An option with a letter matches the keys through ``s.keys LIKE '% option%'`` (the keys between
    spaces, migration 10), answered by its GIN trigram index: every condition is then bitmap scans
    of ``client_search``'s own indexes, which the planner ORs and ANDs across terms, so a broad word
    that also starts tens of thousands of e-mails ("maria") costs a bitmap, not one primary-key probe
    per client. An option of digits only (CPF/CNPJ, phone, code number: prefixes of one or a few
    keys, and trigrams of digits are common) keeps the b-tree of ``client_keys`` as an array computed
    once (``ANY(ARRAY(SELECT …))``, an init plan), which the planner answers with the primary key.
    Both say the same: ``keys`` holds exactly the client's ``client_keys`` rows, none with a space.
    """
    parts, params = [], []
    for o in options:
        parts.append("s.words LIKE ?")
        params.append(_word_pattern(o))
        if any(ch.isdigit() for ch in o):
            keys, more = _key_ranges([o])
            parts.append(f"s.client_id = ANY(ARRAY(SELECT client_id FROM client_keys WHERE {keys}))")
            params += more
        else:
            parts.append("s.keys LIKE ?")
            params.append(f"% {o}%")
    return "(" + " OR ".join(parts) + ")", params


class PgSearchMixin(StoreBase):
    def search_clients(self, terms: list[str], limit: int, *, fuzzy: bool = True) -> SearchResult:
        """Clients matching every normalized term, best first (see the module; the same contract as DuckDB's)."""
        fetch = limit + 1
        with self._read() as con:
            ranked = self._pg_candidates(con, terms, [[t] for t in terms], fetch)
            used_fuzzy = False
            if not ranked and fuzzy:
                alternatives = self._pg_similar_words(con, terms)
                if alternatives is not None:
                    ranked = self._pg_candidates(con, terms, alternatives, fetch)
                    used_fuzzy = True
            if not ranked:
                return SearchResult(Frame(columns=DISPLAY_COLUMNS + ["rank"]), used_fuzzy)
            rows = con.execute("""
                SELECT client_id, code, kind, name, nullif(trade_name, ''), nullif(document, ''),
                       coalesce(nullif(mobile, ''), nullif(phone, '')), nullif(email, ''), nullif(city, ''),
                       nullif(state, '')
                FROM clients WHERE client_id = ANY(?)""", [[r[0] for r in ranked]], prepare=False).fetchall()
        by_id = {row[0]: row for row in rows}
        records = [[*by_id[cid], int(rank)] for cid, rank in ranked if cid in by_id]
        return SearchResult(Frame.from_rows(DISPLAY_COLUMNS + ["rank"], records), used_fuzzy)

    @staticmethod
    def _pg_candidates(con, terms: list[str], alternatives: list[list[str]], fetch: int) -> list[tuple]:
        """[(client_id, rank)] of the best ``fetch`` clients matching every term (each: any of its options).

        Rank 0 when the single term equals a code or document key, 1 when an option of the first term
        starts the name or trade name, else 2; then name order. The page is read in name order
        (:func:`_walk`: ranks 0 and 1 when the planner expects a page within :data:`WALK_EXPECTED_ROWS`
        clients of the first term, rank 2 when it expects many matches, :data:`WALK_FROM_SHARE`); otherwise, and
        when the walk cannot tell, one scan of ``client_search`` whose condition ANDs every term's (see
        :func:`_match`: bitmap scans), ranked and sorted whole.
        """
        filters, where_params = [], []
        for options in alternatives:
            sql, more = _match(options)
            filters.append(sql)
            where_params += more
        where = " AND ".join(filters)
        whole = terms[0] if len(terms) == 1 else None
        exact_key = whole if whole is not None and any(whole.startswith(o) for o in alternatives[0]) else None
        if not all(o.isdigit() for o in alternatives[0]):        # names and trade names start with a letter
            expected = _estimate(con, where, where_params)
            # of the clients the first term starts, the share matching every term: the rows a walk reads per hit
            first = expected if len(alternatives) == 1 else _estimate(con, *_match(alternatives[0]))
            if expected > 0 and fetch * first / expected <= WALK_EXPECTED_ROWS:
                broad = expected >= WALK_FROM_SHARE * _clients(con)
                ranked = _walk(con, exact_key, alternatives[0], where, where_params, fetch, broad)
                if ranked is not None:
                    return ranked
        params: list = []
        exact = "FALSE"
        if exact_key is not None:
            exact = f"s.client_id = ANY(ARRAY({_EXACT_SQL}))"
            params.append(exact_key)
        starts = " OR ".join("s.first_words LIKE ?" for _ in alternatives[0])
        params += [f"% {o}%" for o in alternatives[0]]
        sql = (f"SELECT s.client_id, CASE WHEN {exact} THEN 0 WHEN {starts} THEN 1 ELSE 2 END AS rank "
               f"FROM client_search s WHERE {where} "
               f"ORDER BY rank, s.name_key, s.client_id LIMIT {int(fetch)}")
        return con.execute(sql, params + where_params, prepare=False).fetchall()

    @staticmethod
    def _pg_similar_words(con, terms: list[str]) -> list[list[str]] | None:
        """Each term's options for the typo-tolerant retry; None when a term matching nothing has no similar word."""
        missing, candidates = set(), {}
        # "is there any": the trigram index, not a scan in the table's (name) order that stops at the first
        con.execute("SET LOCAL enable_seqscan = off", prepare=False)
        for i, term in enumerate(terms):
            keys, params = _key_ranges([term])
            if not con.execute(f"SELECT EXISTS (SELECT 1 FROM client_search s WHERE s.words LIKE ?) "
                               f"OR EXISTS (SELECT 1 FROM client_keys WHERE {keys})",
                               [_word_pattern(term), *params], prepare=False).fetchall()[0][0]:
                missing.add(i)
            if term.isdigit() or len(term) < 3:
                continue
            words = con.execute(
                "SELECT word FROM client_words WHERE n_chars BETWEEN ? AND ? "
                "AND levenshtein_less_equal(word, ?, ?) <= ?",
                [max(len(term) - 2, 1), len(term) + 2, term, FUZZY_MAX_EDITS, FUZZY_MAX_EDITS],
                prepare=False).fetchall()
            candidates[i] = [w[0] for w in words]
        con.execute("SET LOCAL enable_seqscan = on", prepare=False)
        similar = _most_similar(terms, candidates)
        if not similar:
            return None
        out = [[] if i in missing else [t] for i, t in enumerate(terms)]
        for i, word in similar:
            if word not in out[i]:
                out[i].append(word)
        if any(not options for options in out):
            return None
        return out


def _most_similar(terms: list[str], candidates: dict[int, list[str]]) -> list[tuple[int, str]]:
    """[(term index, word)]: the FUZZY_WORDS_PER_TERM words most similar to each term (Jaro-Winkler,
    computed by DuckDB exactly as the DuckDB store scores them)."""
    pairs = [(i, terms[i], w) for i, words in candidates.items() for w in words]
    if not pairs:
        return []
    with scratch() as con:
        rows = con.execute(f"""
            WITH pairs AS (SELECT unnest(?) AS term, unnest(?) AS t, unnest(?) AS word)
            SELECT term, word FROM (
                SELECT term, word, jaro_winkler_similarity(word, t) AS s,
                       row_number() OVER (PARTITION BY term ORDER BY jaro_winkler_similarity(word, t) DESC, word) AS r
                FROM pairs) WHERE s >= {FUZZY_MIN_SIMILARITY} AND r <= {FUZZY_WORDS_PER_TERM}
            ORDER BY term, s DESC, word""", [[p[0] for p in pairs], [p[1] for p in pairs],
                                             [p[2] for p in pairs]]).fetchall()
    return [(int(i), w) for i, w in rows]


# -- many matches: the page read in name order ---------------------------------------------------

WALK_FROM_SHARE = 0.002      # share of the clients the planner expects to match above which pages are walked
WALK_ROWS = 8_000            # clients in name order a walk reads at most before leaving it to the scan
WALK_EXPECTED_ROWS = WALK_ROWS   # a walk is tried when the planner expects it to fill the page within this
_EXACT_SQL = f"SELECT client_id FROM client_keys WHERE key = ? AND kind IN ({KIND_CODE}, {KIND_DOCUMENT})"
_TRADE_FIRST = "(split_part(s.first_words, ' ', 3) COLLATE \"C\")"


def _estimate(con, where: str, params: list) -> float:  # noqa: E302
    """The planner's estimate of the clients matching ``where`` (EXPLAIN: no row is read)."""
    plan = con.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM client_search s WHERE {where}", params,
                       prepare=False).fetchall()[0][0]
    if isinstance(plan, str):
        import json
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _clients(con) -> float:
    """The clients ``client_search`` holds, as the statistics say."""
    return max(float(con.execute("SELECT reltuples FROM pg_class WHERE oid = 'client_search'::regclass",
                                 prepare=False).fetchall()[0][0]), 0.0)


def _walk(con, exact_key: str | None, first: list[str], where: str, params: list, fetch: int,
          broad: bool) -> list[tuple] | None:
    """The page of a search, each rank read in name order; None when ranks 0 and 1 do not fill it and
    the search is not ``broad`` (the planner expects few matches), or the rank-2 walk (at most
    :data:`WALK_ROWS` clients) finds too few: the caller's scan decides then.

    Rank 0: the clients whose code or document is the term. Rank 1: those whose name's first word
    (``name_key`` starts with the option: a range of ``client_search_order``) or trade name's
    (``client_search_trade_first``) starts with an option of the first term, read in that order up
    to the page. Rank 2, only when those do not fill the page: the first clients in name order
    matching and ranked 2. Bitmap scans are off meanwhile: a bitmap of a broad term (every "maria")
    is what this path avoids.
    """
    con.execute("SET LOCAL enable_bitmapscan = off", prepare=False)
    try:
        cols = "SELECT s.client_id, s.name_key FROM client_search s"
        order = "ORDER BY s.name_key, s.client_id"
        exact: list[tuple] = []
        if exact_key is not None:
            exact = con.execute(f"{cols} WHERE s.client_id = ANY(ARRAY({_EXACT_SQL})) AND {where} {order}",
                                [exact_key, *params], prepare=False).fetchall()
        skip = {r[0] for r in exact}
        want = fetch + len(skip)
        starts: dict[int, tuple] = {}
        for o in first:
            bounds = [o, o + _AFTER]
            for column in ("s.name_key", _TRADE_FIRST):
                rows = con.execute(
                    f"SELECT s.client_id, s.name_key FROM (SELECT * FROM client_search s WHERE {column} >= ? "
                    f"AND {column} < ? {order} LIMIT {WALK_ROWS}) s WHERE {where} {order} LIMIT {want}",
                    [*bounds, *params], prepare=False).fetchall()
                if len(rows) < want and con.execute(
                        f"SELECT count(*) FROM (SELECT 1 FROM client_search s WHERE {column} >= ? AND {column} < ? "
                        f"LIMIT {WALK_ROWS + 1}) r", bounds, prepare=False).fetchall()[0][0] > WALK_ROWS:
                    return None             # more clients start so than the walk read: the scan decides
                for row in rows:
                    starts[row[0]] = row
        ones = sorted((r for r in starts.values() if r[0] not in skip), key=lambda r: (r[1], r[0]))[:fetch]
        ranked = [(r[0], 0) for r in exact] + [(r[0], 1) for r in ones]
        need = fetch - len(ranked)
        if need <= 0:
            return ranked[:fetch]
        if not broad:
            return None
        starting = " OR ".join("s.first_words LIKE ?" for _ in first)
        rows = con.execute(
            f"SELECT s.client_id, s.name_key FROM (SELECT * FROM client_search ORDER BY name_key, client_id "
            f"LIMIT {WALK_ROWS}) s WHERE NOT ({starting}) AND {where} {order} LIMIT {need + len(skip)}",
            [*(f"% {o}%" for o in first), *params], prepare=False).fetchall()
        twos = [(r[0], 2) for r in rows if r[0] not in skip][:need]
        if len(twos) < need:
            return None
        return ranked + twos
    finally:
        con.execute("SET LOCAL enable_bitmapscan = on", prepare=False)
