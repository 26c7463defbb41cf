"""The desk's header lookup (issue 11 item 1): ``wb.lookup(text)`` for protocols sampled from the
protocol log (registered, open and abandoned ones alike) and for protocols never issued, and for
CPF/CNPJ, phones, codes and names taken from the client search's query mix, each next to the client
search (``wb.search_clients``) on the same text as its baseline, in the same run.
"""

from __future__ import annotations

import time

from benchmarks.desk import _ms
from benchmarks.search import query_mix
from benchmarks.util import Measurement
from workbench.errors import NotFoundError

# lookup categories taken from the client search's mix, and the lookup's name for them
_MIX = {"CPF com pontuação": "CPF/CNPJ", "CPF só dígitos": "CPF/CNPJ", "CNPJ com pontuação": "CPF/CNPJ",
        "CNPJ só dígitos": "CPF/CNPJ", "telefone formatado": "telefone", "telefone dígitos": "telefone",
        "código": "código", "nome sem acento": "nome", "nome parcial": "nome"}


def _protocols(wb, n: int, seed: int = 5) -> list[tuple[str, str]]:
    """[(outcome, protocol)]: ``n`` protocols of the log, every outcome represented when present."""
    # a fixed pseudo-random sample, the same on both backends
    df = wb.sql("""SELECT outcome, protocol FROM (
                       SELECT outcome, protocol, row_number() OVER (
                                  PARTITION BY outcome ORDER BY (CAST(protocol AS BIGINT) * 7919 + ?) % 100003, protocol)
                              AS k
                       FROM protocol_log) p WHERE k <= ? ORDER BY k, outcome""", [seed, int(n)])
    return list(df.itertuples(index=False, name=None))[:n]


def measure(ctx) -> list[Measurement]:
    wb = ctx.wb
    reps = 20 if ctx.quick else 200
    protocols = _protocols(wb, reps)
    for _, p in protocols[:3]:                          # warm the OS page cache
        wb.lookup(p)
    by_protocol, outcomes, wrong = [], {}, 0
    for outcome, p in protocols:
        t = time.perf_counter()
        found = wb.lookup(p)
        by_protocol.append(_ms(t))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        wrong += found.kind != "protocolo" or found.protocol["protocol"] != p
    missing = []
    for i in range(max(5, reps // 10)):                 # issued never: a day long ago
        t = time.perf_counter()
        try:
            wb.lookup(f"20000101{i:06d}")
        except NotFoundError:
            missing.append(_ms(t))
    mix = query_mix(ctx.duckdb_path or wb.path, total=ctx.search_queries)   # drawn from the DuckDB desk
    ours: dict[str, list[float]] = {}
    base: dict[str, list[float]] = {}
    for category, text in mix:
        kind = _MIX.get(category)
        if kind is None:
            continue
        t = time.perf_counter()
        wb.lookup(text)
        ours.setdefault(kind, []).append(_ms(t))
        t = time.perf_counter()
        wb.search_clients(text)
        base.setdefault(kind, []).append(_ms(t))
    spread = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
    out = [Measurement("procurar: protocolo", by_protocol, note=f"{spread}; {wrong} errados; meta p95 ≤ 30 ms"),
           Measurement("procurar: protocolo nunca emitido", missing, note="mensagem 'Nenhum protocolo nº …'")]
    for kind in ("CPF/CNPJ", "telefone", "código", "nome"):
        if kind in ours:
            out.append(Measurement(f"procurar: {kind}", ours[kind], baseline=base[kind],
                                   note="base: busca de clientes, mesmo texto"))
    return out
