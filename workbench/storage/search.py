"""Client search over the index of :mod:`workbench.storage.search_index`.

One unit of work per search, all integer work until the last step:

1. candidates: for each term, the key range of the token suffixes starting
   with it (``client_terms`` is ordered by key, so zonemaps skip all but a few
   row groups); clients matching every term, ranked (exact code/document,
   name starting with the first term, the rest) and ordered by the packed name;
   only ``limit + 1`` ids leave this step;
2. display: those rows from ``client_search``, which is in name order too, so a
   page of results is a few contiguous runs (range scans); isolated rows are
   read through the ART index on ``nid``;
3. when nothing matched, the typo-tolerant fallback replaces each term by the
   name words most similar to it (``jaro_winkler_similarity``) and tries again.
"""

from __future__ import annotations

import pandas as pd

from workbench.storage.base import StoreBase
from workbench.storage.search_index import (KEY_CHARS, KIND_CODE, KIND_DOCUMENT, KIND_INNER,
                                            KIND_NAME_START, MIN_INNER, NID_GAP, PAYLOAD_FIELDS, SEP,
                                            pack, prefix_range)

FUZZY_MIN_SIMILARITY = 0.85
FUZZY_WORDS_PER_TERM = 4
LONG_TERM_CANDIDATES = 2000

DISPLAY_COLUMNS = ["client_id", *PAYLOAD_FIELDS]


RANGE_GAP = 4096 * NID_GAP     # candidates closer than ~4096 rows are read as one range


def _clusters(nids: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """Sorted nids → (ranges read by a scan, isolated nids read through the nid index)."""
    ranges, singles = [], []
    ordered = sorted(nids)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] - ordered[j] <= RANGE_GAP:
            j += 1
        if j > i:
            ranges.append((ordered[i], ordered[j]))
        else:
            singles.append(ordered[i])
        i = j + 1
    return ranges, singles


class SearchMixin(StoreBase):
    def search_clients(self, terms: list[str], limit: int, *, fuzzy: bool = True) -> tuple[pd.DataFrame, bool]:
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
                return pd.DataFrame(columns=DISPLAY_COLUMNS + ["rank"]), used_fuzzy
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
        return pd.DataFrame(records, columns=DISPLAY_COLUMNS + ["rank"]), used_fuzzy

    # -- steps -----------------------------------------------------------------
    @staticmethod
    def _fetch(con, nids: list[int], with_haystack: bool) -> list[tuple]:
        """(nid, client_id, payload[, haystack]) of ``nids``: contiguous runs by range scans, the rest
        through the nid index."""
        cols = "nid, client_id, payload" + (", haystack" if with_haystack else "")
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
        """[(nid, rank)] of the best ``fetch`` clients matching every term (each term: any of its options)."""
        parts, params = [], []
        whole = terms[0] if len(terms) == 1 else None
        for i, options in enumerate(alternatives):
            for option in options:
                lo, hi = prefix_range(option)
                if i == 0:
                    exact = pack(whole) if whole else -1
                    rank = (f"CASE WHEN kind IN ({KIND_CODE}, {KIND_DOCUMENT}) AND key = {exact} THEN 0 "
                            f"WHEN kind = {KIND_NAME_START} THEN 1 ELSE 2 END")
                else:
                    rank = "2"
                short = f" AND kind <> {KIND_INNER}" if len(option) < MIN_INNER else ""
                parts.append(f"SELECT {1 << i} AS term, nid, {rank} AS rank FROM client_terms "
                             f"WHERE key >= ? AND key < ?{short}")
                params += [lo, hi]
        # every term matched: the OR of the term bits is full (cheaper than count(DISTINCT))
        having = f"HAVING bit_or(term) = {(1 << len(alternatives)) - 1}" if len(alternatives) > 1 else ""
        limit = max(LONG_TERM_CANDIDATES, fetch) if any(len(t) > KEY_CHARS for t in terms) else fetch
        sql = (f"SELECT nid, min(rank) AS rank FROM (" + " UNION ALL ".join(parts)
               + f") GROUP BY nid {having} ORDER BY rank, nid LIMIT {int(limit)}")
        return con.execute(sql, params).fetchall()

    @staticmethod
    def _similar_words(con, terms: list[str]) -> list[list[str]] | None:
        """For each term, itself plus the most similar name words; None when no term has any."""
        parts, params = [], []
        for i, term in enumerate(terms):
            if term.isdigit() or len(term) < 3:
                continue
            parts.append(f"(SELECT {i} AS term, word, jaro_winkler_similarity(word, ?) AS s FROM client_words "
                         f"WHERE n_chars BETWEEN ? AND ? AND s >= {FUZZY_MIN_SIMILARITY} "
                         f"ORDER BY s DESC, word LIMIT {FUZZY_WORDS_PER_TERM})")
            params += [term, max(len(term) - 2, 1), len(term) + 2]
        if not parts:
            return None
        rows = con.execute(" UNION ALL ".join(parts), params).fetchall()
        if not rows:
            return None
        out = [[t] for t in terms]
        for term_index, word, _ in rows:
            if word not in out[term_index]:
                out[term_index].append(word)
        return out
