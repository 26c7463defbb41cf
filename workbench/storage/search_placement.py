"""Where a batch of new clients goes in the search index, without rebuilding it.

``client_search`` keeps clients in name order by their ``nid`` (gapped by
``NID_GAP`` at each rebuild), and a search returns matches in ``nid`` order.
A large import cannot rebuild the whole index inside its write transactions
(25 s at 1M clients, the desk's writers waiting), and placing clients one by
one costs a scan each. So an import plans every new client's ``nid`` once,
outside any write: the index's (name, nid) pairs are read in short chunks,
the new names are merged with them on a private in-memory connection, and
each new client gets a free ``nid`` between its neighbours in name order
(spread evenly when several fall into one gap; after the last ``nid`` when a
gap is full, until the next rebuild puts them in place).

Each batch's index rows are computed before its write transaction
(:func:`prepare_batch`, the same normalization on a private connection) and
written inside it (:func:`write_batch`), moving any planned ``nid`` that
another process took meanwhile to the end: the transaction only appends.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from workbench.storage import search_index
from workbench.storage.search_index import NAME_KEY_SQL, NID_GAP
from workbench.lazy import lazy

np = lazy("numpy")
pd = lazy("pandas")

CHUNK_NIDS = NID_GAP * 250_000          # nid range read per unit of work when planning


def name_keys(names: pd.Series) -> np.ndarray:
    """The index's normalized name (``name_key``) of each name, computed as the index computes it."""
    con = duckdb.connect(":memory:")
    try:
        con.register("incoming_names", pd.DataFrame({"pos": np.arange(len(names)), "name": names.to_numpy()}))
        keys = con.execute(f"SELECT {NAME_KEY_SQL.format(column='name')} AS k FROM incoming_names ORDER BY pos") \
            .fetchnumpy()["k"]
    finally:
        con.close()
    return np.asarray(keys, dtype=object)


def plan(existing: pd.DataFrame, keys: np.ndarray) -> np.ndarray:
    """A distinct free ``nid`` for each of ``keys`` (new name keys, in file order).

    ``existing``: the index's ``name_key``, ``client_id``, ``nid``.
    """
    if not len(keys):
        return np.array([], dtype=np.int64)
    con = duckdb.connect(":memory:")
    try:
        con.register("old_rows", existing[["name_key", "client_id", "nid"]])
        con.register("new_rows", pd.DataFrame({"pos": np.arange(len(keys)), "name_key": keys}))
        placed = con.execute("""
            WITH marks AS (
                SELECT name_key, 0 AS is_new, client_id::BIGINT AS tie, nid::BIGINT AS nid FROM old_rows
                UNION ALL
                SELECT name_key, 1, pos::BIGINT, NULL FROM new_rows),
            neighbours AS (
                SELECT is_new, tie, name_key,
                       last_value(nid IGNORE NULLS) OVER (ORDER BY name_key, is_new, tie
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS lo,
                       first_value(nid IGNORE NULLS) OVER (ORDER BY name_key, is_new, tie
                           ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS hi
                FROM marks)
            SELECT tie AS pos, coalesce(lo, 0) AS lo, hi,
                   row_number() OVER (PARTITION BY lo, hi ORDER BY name_key, tie) AS k,
                   count(*) OVER (PARTITION BY lo, hi) AS n
            FROM neighbours WHERE is_new = 1
            ORDER BY pos""").df()
    finally:
        con.close()
    top = int(existing["nid"].max()) if len(existing) else 0
    lo, k, n = placed["lo"].to_numpy(np.int64), placed["k"].to_numpy(np.int64), placed["n"].to_numpy(np.int64)
    hi = placed["hi"].to_numpy(dtype=float)
    last = np.isnan(hi)                                          # after every name: keep the gap step
    room = ~last & (hi - lo - 1 >= n)
    nids = np.zeros(len(placed), dtype=np.int64)
    nids[last] = np.maximum(lo[last], top) + k[last] * NID_GAP
    step = np.where(room, (hi - lo) // (n + 1), 0).astype(np.int64)
    nids[room] = lo[room] + k[room] * step[room]
    crowded = ~last & ~room                                      # no room between the neighbours
    end = max(top, int(nids[last].max()) if last.any() else 0)
    nids[crowded] = end + np.arange(1, int(crowded.sum()) + 1)
    return nids


@dataclass
class PreparedBatch:
    """A batch's index rows, computed before its write transaction (client ids still unknown)."""

    rows: pd.DataFrame          # client_search rows, ``pos`` = position in the batch, ``nid`` planned
    terms: pd.DataFrame         # client_terms rows of those nids


def prepare_batch(frame: pd.DataFrame, nids: np.ndarray) -> PreparedBatch:
    """Normalize ``frame``'s clients (as the index does, on a private connection) and build their rows."""
    data = frame.reset_index(drop=True).assign(client_id=np.arange(len(frame), dtype=np.int64))
    con = duckdb.connect(":memory:")
    try:
        con.register("batch_clients", data)
        rows = search_index.normalized(con, source="batch_clients")
    finally:
        con.close()
    rows = search_index.prepare(rows).rename(columns={"client_id": "pos"})
    rows["name_key"] = rows["n_name"]
    rows["nid"] = np.asarray(nids, dtype=np.int64)[rows["pos"].to_numpy()].astype(np.int32)
    return PreparedBatch(rows[["pos", "nid", "name_key", "payload"]], search_index.term_rows(rows))


def write_batch(con: duckdb.DuckDBPyConnection, batch: PreparedBatch, kept: np.ndarray,
                client_ids: np.ndarray) -> None:
    """Index the batch's kept rows (positions ``kept``, inserted as ``client_ids``) inside the caller's
    transaction; a planned nid another process took meanwhile moves after the last one."""
    if not len(kept):
        return
    search_index.ensure_tables(con)
    rows = batch.rows.set_index("pos").loc[kept].reset_index()
    rows["client_id"] = np.asarray(client_ids, dtype=np.int64)
    con.register("planned_nids", rows[["nid"]])
    try:
        taken = [int(r[0]) for r in con.execute(
            "SELECT p.nid FROM planned_nids p JOIN client_search s ON s.nid = p.nid").fetchall()]
        top = con.execute("SELECT coalesce(max(nid), 0) FROM client_search").fetchall()[0][0]
    finally:
        con.unregister("planned_nids")
    terms = batch.terms[batch.terms["nid"].isin(rows["nid"])]
    if taken:
        start = max(int(top), int(rows["nid"].max()))
        moved = dict(zip(sorted(taken), range(start + 1, start + 1 + len(taken))))
        rows["nid"] = rows["nid"].map(lambda n: moved.get(int(n), int(n))).astype(np.int32)
        terms = terms.assign(nid=terms["nid"].map(lambda n: moved.get(int(n), int(n))).astype(np.int32))
    search_index.insert_search_rows(con, rows.sort_values("nid", kind="stable"))
    search_index.insert_terms(con, terms)
    search_index.insert_words(con, int(rows["client_id"].min()), int(rows["client_id"].max()))
