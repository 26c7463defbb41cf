"""``workbench demo``: a realistic, reproducible demo desk.

Same seed (and same ``now``) → identical data. Operators are created through
:meth:`Workbench.add_operator` (Argon2); clients, contracts, attendances and
everything around them are generated vectorised and appended by the store in
ONE write transaction (see ``workbench.storage.bulk``).

Demo logins: ``atendente``/``atendente123``, ``supervisor``/``supervisor123``,
``admin``/``admin123``; the other demo operators use ``demo12345``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from workbench import settings
from workbench.demo import workflow
from workbench.demo.attendances import Context, build_chunk, plan_protocols
from workbench.demo.clients import generate_clients, generate_contracts, person_names
from workbench.demo.names import build_pools
from workbench.demo.scriptpaths import build_path_table
from workbench.errors import ValidationError
from workbench.services.reference import read_reference_dir

DEMO_LOGINS = [("atendente", "atendente123", "atendente", "Ana Atendente"),
               ("supervisor", "supervisor123", "supervisor", "Sérgio Supervisor"),
               ("admin", "admin123", "admin", "Adriana Administradora")]
DEMO_PASSWORD = "demo12345"
CHUNK = 1_000_000
ADDRESS_COLUMNS = ("street", "number", "district", "city", "state", "zip")   # as a work order's address


@dataclass
class DemoOptions:
    clients: int = 2000
    attendances: int = 10000
    operators: int = 15           # named atendentes besides the demo logins
    supervisors: int = 2
    seed: int = 1
    replace: bool = False
    now: datetime | None = None   # default: the current hour (UTC)
    data_dir: Path | None = None
    progress: bool = True
    chunk: int = CHUNK
    counts: dict = field(default_factory=dict)


def _now(options: DemoOptions) -> datetime:
    if options.now is not None:
        return options.now.astimezone(timezone.utc)
    return datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)


def demo_operators(seed: int, atendentes: int, supervisors: int) -> list[tuple[str, str, str, str]]:
    """(username, password, role, name) of every demo operator, deterministic for ``seed``."""
    pools = build_pools(seed)
    rng = np.random.default_rng([seed, 11])
    names = person_names(rng, pools, (atendentes + supervisors) * 3).to_pylist()
    out = list(DEMO_LOGINS)
    used = {u for u, *_ in out}
    from workbench.services.text import slug

    for name in names:
        if len(out) == len(DEMO_LOGINS) + atendentes + supervisors:
            break
        parts = slug(name, " ").split()
        username = f"{parts[0]}.{parts[-1]}"
        if username in used:
            continue
        used.add(username)
        role = "supervisor" if len(out) - len(DEMO_LOGINS) < supervisors else "atendente"
        out.append((username, DEMO_PASSWORD, role, name))
    return out


def run_demo(wb, options: DemoOptions) -> dict[str, int]:
    """Fill ``wb`` with demo data; returns rows loaded per table."""
    store = wb.store
    if options.clients < 1 or options.attendances < 0:
        raise ValidationError("Informe ao menos 1 cliente e um número não negativo de atendimentos.")
    existing = store.table_counts(["clients"])["clients"]
    if existing and not options.replace:
        raise ValidationError(f"O banco de dados já tem {existing} clientes; use --replace para substituí-los.")
    from tqdm.auto import tqdm

    data_dir = Path(options.data_dir or settings.get("data_dir"))
    n_chunks = max(1, -(-options.attendances // options.chunk))
    bar = tqdm(total=4 + n_chunks, desc="demo", unit="etapa", disable=not options.progress)

    bar.set_postfix_str("operadores")
    tables, scripts = read_reference_dir(data_dir)
    for username, password, role, name in demo_operators(options.seed, options.operators, options.supervisors):
        if store.operator_id_by_username(username) is None:
            wb.add_operator(username, password, role, name)
    bar.update(1)

    now = _now(options)
    reference = wb.reference()
    roles = store.operator_ids_by_role()
    versions = store.latest_script_versions()

    def batches() -> Iterator[tuple[str, object]]:
        rng = np.random.default_rng(options.seed)
        pools = build_pools(options.seed)
        bar.set_postfix_str("clientes")
        clients = generate_clients(rng, pools, options.clients, now)
        contracts = generate_contracts(rng, clients, reference["plans"], reference["routing_points"])
        bar.update(1)
        yield "clients", clients
        yield "contracts", contracts
        yield "operator_queues", workflow.operator_queues(roles, list(reference["queues"]["code"]))
        bar.set_postfix_str("protocolos")
        second = np.zeros(options.clients, dtype=np.int64)
        extra = contracts.slice(options.clients)
        second[extra["client_id"].to_numpy() - 1] = extra["contract_id"].to_numpy()
        ctx = Context(
            now_us=int(now.timestamp() * 1_000_000), reference=reference,
            paths=build_path_table({s["code"]: s for s in scripts}),
            script_versions=versions,
            atendentes=np.array(roles.get("atendente") or roles.get("admin"), dtype=np.int64),
            supervisors=np.array(roles.get("supervisor", []), dtype=np.int64),
            client_created_us=clients["created_at"].cast("int64").to_numpy(),
            client_name=clients["name"], client_is_pf=pc.equal(clients["kind"], "PF").to_numpy(zero_copy_only=False),
            second_contract=second, pools=pools,
            client_address=pc.binary_join_element_wise(*(clients[c] for c in ADDRESS_COLUMNS), ", ",
                                                       null_handling="skip"),
            client_city=clients["city"].combine_chunks())
        plan = plan_protocols(rng, options.attendances, now, settings.get("timezone"))
        bar.update(1)
        yield "protocol_counter", plan.counter
        total = len(plan.ts_us)
        step = -(-total // n_chunks) if total else 0
        order_id = 1
        for k in range(n_chunks):
            bar.set_postfix_str(f"atendimentos {k + 1}/{n_chunks}")
            lo, hi = k * step, min(total, (k + 1) * step)
            if hi > lo:
                for table, data in build_chunk(rng, ctx, plan, lo, hi, order_id):
                    if table == "service_orders":
                        order_id += data.num_rows
                    yield table, data
            bar.update(1)
        bar.set_postfix_str("índice de busca e gravação")

    try:
        counts = store.load_tables(batches(), replace=options.replace,
                                   memory_limit=_bulk_memory_limit())
        bar.update(1)
    finally:
        bar.close()
    return counts


def _bulk_memory_limit() -> str | None:
    """A bulk load may use more than the per-connection default: 40% of RAM, at most 3 GB (an explicit
    WORKBENCH_MEMORY_LIMIT wins)."""
    import os

    if os.environ.get("WORKBENCH_MEMORY_LIMIT"):
        return None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    return f"{max(1, min(3, int(total * 0.4 / 2**30)))}GB"


def demo_frame(table) -> pd.DataFrame:
    """An Arrow table as pandas (for tests and notebooks)."""
    return table.to_pandas()
