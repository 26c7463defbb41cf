"""Client search: a fixed mix of 200 queries derived from the database, against a baseline.

The baseline is the naive implementation: one query per call on the raw
``clients`` columns, ``strip_accents(col) ILIKE '%text%'`` on name, trade name,
code, document, phones and e-mail, ordered by name, limit 51 — on a fresh
connection opened and closed like every workbench unit of work.
"""

from __future__ import annotations

import random
import re
import time

from benchmarks.util import Measurement
from workbench.services.documents import format_document, format_phone
from workbench.services.text import normalize_text

CATEGORIES = (  # (category, how many of the 200)
    ("nome sem acento", 40), ("nome parcial", 30), ("CPF com pontuação", 20), ("CPF só dígitos", 20),
    ("CNPJ com pontuação", 10), ("CNPJ só dígitos", 10), ("telefone formatado", 13), ("telefone dígitos", 12),
    ("código", 20), ("com erro de digitação", 25),
)


def _sample(con, where: str, n: int, seed: int) -> list[tuple]:
    return con.execute(
        f"SELECT code, name, document, coalesce(mobile, phone) FROM clients WHERE {where} "
        f"ORDER BY hash(client_id + {seed}) LIMIT {n}").fetchall()


def query_mix(path, total: int = 200, seed: int = 1) -> list[tuple[str, str]]:
    """[(category, text)]: ``total`` queries in the fixed proportions, deterministic for a database."""
    import duckdb

    rng = random.Random(seed)
    scale = total / 200
    out: list[tuple[str, str]] = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        for category, count in CATEGORIES:
            n = max(1, round(count * scale))
            if category.startswith("nome sem"):
                rows = _sample(con, "name <> strip_accents(name) AND kind = 'PF'", n, seed)
                texts = [normalize_text(r[1]) if i % 2 else " ".join(normalize_text(r[1]).split()[::2]) for i, r in enumerate(rows)]
            elif category == "nome parcial":
                rows = _sample(con, "kind = 'PF'", n, seed + 1)
                texts = []
                for i, r in enumerate(rows):
                    words = [w for w in normalize_text(r[1]).split() if len(w) > 3] or normalize_text(r[1]).split()
                    texts.append(" ".join(w[: 3 + (i % 3)] for w in (words[:1] + words[-1:]))
                                 if i % 3 else words[-1][1:5])
            elif category.startswith("CPF"):
                rows = _sample(con, "length(document) = 11", n, seed + 2)
                texts = [format_document(r[2]) if "pontuação" in category else r[2] for r in rows]
            elif category.startswith("CNPJ"):
                rows = _sample(con, "length(document) = 14", n, seed + 3)
                texts = [format_document(r[2]) if "pontuação" in category else r[2] for r in rows]
            elif category.startswith("telefone"):
                rows = _sample(con, "coalesce(mobile, phone) IS NOT NULL", n, seed + 4)
                texts = [format_phone(r[3]) if "formatado" in category else r[3] for r in rows]
            elif category == "código":
                rows = _sample(con, "true", n, seed + 5)
                texts = [r[0] if i % 2 else r[0].lower() for i, r in enumerate(rows)]
            else:  # typos: drop one letter of the last name
                rows = _sample(con, "kind = 'PF'", n, seed + 6)
                texts = []
                for r in rows:
                    words = normalize_text(r[1]).split()
                    last = words[-1]
                    k = rng.randrange(1, len(last) - 1) if len(last) > 3 else 1
                    texts.append(f"{words[0]} {last[:k] + last[k + 1:]}")
            out += [(category, t) for t in texts]
    finally:
        con.close()
    return out[:total] if len(out) > total else out


_BASELINE_SQL = """
    SELECT client_id, code, name, trade_name, document, city FROM clients
    WHERE strip_accents(name) ILIKE $p OR strip_accents(coalesce(trade_name, '')) ILIKE $p
       OR code ILIKE $p OR coalesce(email, '') ILIKE $p
       OR document ILIKE $d OR coalesce(phone, '') ILIKE $d OR coalesce(mobile, '') ILIKE $d
    ORDER BY name LIMIT 51
"""


def baseline_search(path, text: str):
    from workbench.storage.connection import unit_of_work

    plain = normalize_text(text.strip())
    digits = re.sub(r"\D", "", text)
    pattern = "%" + plain + "%"
    with unit_of_work(path, write=False) as con:
        return con.execute(_BASELINE_SQL, {"p": pattern, "d": "%" + digits + "%" if digits else pattern}).fetchall()


def measure(ctx) -> list[Measurement]:
    """The query mix (drawn from the DuckDB file, the same on both backends); the baseline on DuckDB only."""
    wb = ctx.wb
    baseline = wb.store.backend == "duckdb"
    mix = query_mix(ctx.duckdb_path, total=ctx.search_queries)
    for _, text in mix[:3]:                      # warm the OS page cache for both
        wb.search_clients(text)
        if baseline:
            baseline_search(wb.path, text)
    ours, base, misses = [], [], 0
    by_category: dict[str, list[float]] = {}
    for category, text in mix:
        t = time.perf_counter()
        df = wb.search_clients(text)
        ours.append((time.perf_counter() - t) * 1000)
        by_category.setdefault(category, []).append(ours[-1])
        misses += df.empty
        if baseline:
            t = time.perf_counter()
            baseline_search(wb.path, text)
            base.append((time.perf_counter() - t) * 1000)
    out = [Measurement("busca de clientes (mix de %d)" % len(mix), ours, baseline=base or None,
                       note=f"{misses} sem resultado")]
    for category, samples in by_category.items():
        out.append(Measurement(f"  busca: {category}", samples))
    return out
