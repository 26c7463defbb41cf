"""Client search over the index of :mod:`workbench.storage.search_index`.

One unit of work per search, all integer work until the last step:

1. candidates: for each term, the key range of the token suffixes starting
   with it (``client_terms`` is ordered by key, so zonemaps skip all but a few
   row groups); the first term's rows, ranked (exact code/document, name
   starting with the first term, the rest), semi-joined with the other terms'
   ranges and ordered by ``nid`` (= by name); only ``limit + 1`` leave this step;
2. display: those rows from ``client_search``, which is in name order too, so a
   page of results is a few contiguous runs (range scans); isolated rows are
   read through the ART index on ``nid``;
3. when nothing matched, the typo-tolerant fallback replaces each term by the
   name words most similar to it (``jaro_winkler_similarity``) and tries again.
"""

from __future__ import annotations

from workbench.frame import Frame

from workbench.storage.base import StoreBase
from workbench.storage.results import SearchResult
from workbench.storage.search_index import (KEY_CHARS, KIND_CODE, KIND_DOCUMENT, KIND_INNER,
                                            KIND_NAME_START, MIN_INNER, NID_GAP, PAYLOAD_FIELDS, SEP,
                                            haystack_sql, pack, prefix_range)

FUZZY_MIN_SIMILARITY = 0.85
FUZZY_WORDS_PER_TERM = 4
LONG_TERM_CANDIDATES = 2000

DISPLAY_COLUMNS = ["client_id", *PAYLOAD_FIELDS]


# A run of at least RANGE_MIN candidates, each within RANGE_GAP of the next, is read by one range
# scan; the others through the nid index (about 0.5 ms a row, where a scan costs ~2 µs a row).
RANGE_GAP = 256 * NID_GAP
RANGE_MIN = 4


def _clusters(nids: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """nids → (ranges read by a scan, nids read through the nid index)."""
    ranges, singles = [], []
    ordered = sorted(nids)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] - ordered[j] <= RANGE_GAP:
            j += 1
        if j - i + 1 >= RANGE_MIN:
            ranges.append((ordered[i], ordered[j]))
        else:
            singles += ordered[i:j + 1]
        i = j + 1
    return ranges, singles


class SearchMixin(StoreBase):
    def search_clients(self, terms: list[str], limit: int, *, fuzzy: bool = True) -> SearchResult:
        """Clients matching every normalized term (``a-z0-9`` only), best first.

        Returns (up to ``limit + 1`` rows in rank order, with a ``rank`` column:
        0 exact code/document, 1 name starting with the first term, 2 other;
        whether the typo-tolerant fallback produced them). The extra row tells
        the caller there were more.
        """
        fetch = limit + 1
        long_terms = [t for t in terms if len(t) > KEY_CHARS]
        with self._read() as con:
            ranked = self._candidates(con, terms, [[t] for t in terms], fetch)
            used_fuzzy = False
            if not ranked and fuzzy:
                alternatives = self._similar_words(con, terms)
                if alternatives is not None:
                    ranked = self._candidates(con, terms, alternatives, fetch)
                    used_fuzzy, long_terms = True, []
            if not ranked:
                return SearchResult(Frame(columns=DISPLAY_COLUMNS + ["rank"]), used_fuzzy)
            rows = self._fetch(con, [r[0] for r in ranked], bool(long_terms))
        # plain Python on at most limit + 1 rows: cheaper than pandas for this size
        by_nid = {row[0]: row for row in rows}
        records = []
        for nid, rank in ranked:
            row = by_nid.get(nid)
            if row is None or any(term not in row[3] for term in long_terms):
                continue
            fields = row[2].split(SEP)
            records.append([int(row[1]), *[f or None for f in fields], int(rank)])
            if len(records) == fetch:
                break
        return SearchResult(Frame.from_rows(DISPLAY_COLUMNS + ["rank"], records), used_fuzzy)

    def reindex_clients(self, client_ids: list[int] | None = None) -> None:
        """Index ``client_ids`` for search (None: rebuild the whole index), in one write."""
        from workbench.storage import search_index as index

        with self._write() as con:
            if client_ids is None:
                index.rebuild(con)
            else:
                index.index_clients(con, client_ids)

    # -- steps -----------------------------------------------------------------
    @staticmethod
    def _fetch(con, nids: list[int], with_haystack: bool) -> list[tuple]:
        """(nid, client_id, payload[, haystack]) of ``nids``: contiguous runs by range scans, the rest
        through the nid index. The haystack (normalized tokens, to verify long terms) is computed from
        the payload of these rows only."""
        cols = "nid, client_id, payload" + (f", {haystack_sql()} AS haystack" if with_haystack else "")
        ranges, singles = _clusters(nids)
        rows: list[tuple] = []
        if ranges:
            sql = " UNION ALL ".join(f"SELECT {cols} FROM client_search WHERE nid BETWEEN {int(a)} AND {int(b)}"
                                     for a, b in ranges)
            rows += con.execute(sql).fetchall()
        if singles:
            rows += con.execute(f"SELECT {cols} FROM client_search "
                                f"WHERE nid IN ({', '.join(str(int(n)) for n in singles)})").fetchall()
        return rows

    @staticmethod
    def _candidates(con, terms: list[str], alternatives: list[list[str]], fetch: int) -> list[tuple]:
        """[(nid, rank)] of the best ``fetch`` clients matching every term (each term: any of its options).

        The first term's rows carry the rank; the other terms only filter
        (semi-joins), so the aggregate sees the intersection, not every "maria".
        """
        whole = terms[0] if len(terms) == 1 else None

        def ranges(options: list[str]) -> tuple[list[str], list[int]]:
            sqls, params = [], []
            for option in options:
                lo, hi = prefix_range(option)
                short = f" AND kind <> {KIND_INNER}" if len(option) < MIN_INNER else ""
                sqls.append(f"key >= ? AND key < ?{short}")
                params += [lo, hi]
            return sqls, params

        exact = pack(whole) if whole else -1
        rank = (f"CASE WHEN kind IN ({KIND_CODE}, {KIND_DOCUMENT}) AND key = {exact} THEN 0 "
                f"WHEN kind = {KIND_NAME_START} THEN 1 ELSE 2 END")
        first, params = ranges(alternatives[0])
        driver = " UNION ALL ".join(f"SELECT nid, {rank} AS rank FROM client_terms WHERE {r}" for r in first)
        limit = max(LONG_TERM_CANDIDATES, fetch) if any(len(t) > KEY_CHARS for t in terms) else fetch
        if len(alternatives) == 1 and len(first) == 1:
            # One range: a top-N of its rows (no hash aggregate over, say, every "ma...")
            # deduplicated here; only when duplicates eat the margin, aggregate after all.
            k = 3 * limit
            rows = con.execute(f"{driver} ORDER BY rank, nid LIMIT {k}", params).fetchall()
            best: dict[int, int] = {}
            for nid, r in rows:
                best.setdefault(nid, r)
            if len(best) >= limit or len(rows) < k:
                return list(best.items())[:limit]
        filters = []
        for options in alternatives[1:]:
            sqls, more = ranges(options)
            filters.append("nid IN (" + " UNION ALL ".join(f"SELECT nid FROM client_terms WHERE {r}" for r in sqls)
                           + ")")
            params += more
        where = (" WHERE " + " AND ".join(filters)) if filters else ""
        sql = (f"SELECT nid, min(rank) AS rank FROM ({driver}){where} "
               f"GROUP BY nid ORDER BY rank, nid LIMIT {int(limit)}")
        return con.execute(sql, params).fetchall()

    @staticmethod
    def _similar_words(con, terms: list[str]) -> list[list[str]] | None:
        """Each term's options for the typo-tolerant retry (one query).

        The terms that match nothing on their own are replaced by the most
        similar name words; when each matches something (only not together),
        every term is widened with them. None when a term that matches nothing
        has no similar word either.
        """
        parts, params = [], []
        for i, term in enumerate(terms):
            parts.append(f"SELECT {i} AS term, NULL AS word, "
                         f"CASE WHEN EXISTS (SELECT 1 FROM client_terms WHERE key >= ? AND key < ?) "
                         f"THEN 1.0 ELSE 0.0 END AS s")
            params += list(prefix_range(term))
            if term.isdigit() or len(term) < 3:
                continue
            parts.append(f"(SELECT {i} AS term, word, jaro_winkler_similarity(word, ?) AS s FROM client_words "
                         f"WHERE n_chars BETWEEN ? AND ? AND s >= {FUZZY_MIN_SIMILARITY} "
                         f"ORDER BY s DESC, word LIMIT {FUZZY_WORDS_PER_TERM})")
            params += [term, max(len(term) - 2, 1), len(term) + 2]
        rows = con.execute(" UNION ALL ".join(parts), params).fetchall()
        missing = {i for i, word, s in rows if word is None and not s}
        similar = [(i, word) for i, word, _ in sorted((r for r in rows if r[1] is not None),
                                                       key=lambda r: (r[0], -r[2], r[1]))]
        if not similar:
            return None
        out = [[] if i in missing else [t] for i, t in enumerate(terms)]
        for i, word in similar:
            if word not in out[i]:
                out[i].append(word)
        if any(not options for options in out):
            return None
        return out
