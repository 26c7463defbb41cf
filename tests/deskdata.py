"""A tiny desk for widget and browser tests: three operators, five clients with contracts.

Used when ``workbench demo`` is not wanted (fast, deterministic, accented names).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import workbench

LOGINS = {"atendente": "atendente123", "supervisor": "supervisor123", "admin": "admin123"}

CLIENTS = [
    # code, kind, name, trade_name, document, city, state
    ("C0001", "PF", "João da Conceição", None, "52998224725", "São Paulo", "SP"),
    ("C0002", "PF", "Maria Aparecida Gonçalves", None, "11144477735", "Campinas", "SP"),
    ("C0003", "PJ", "Padaria Pão Quente Ltda", "Pão Quente", "11222333000181", "Ribeirão Preto", "SP"),
    ("C0004", "PF", "José Antônio Simões", None, "39053344705", "São Paulo", "SP"),
    ("C0005", "PF", "Ana Lúcia Araújo", None, "86288366757", "Campinas", "SP"),
]


def seed(wb: "workbench.Workbench") -> dict[str, int]:
    """Operators, clients and contracts; returns {client code: client_id}."""
    for user, pw in LOGINS.items():
        wb.add_operator(user, pw, user, user.capitalize() + " Teste")
    now = datetime(2025, 1, 2, 12, 0, tzinfo=timezone.utc)
    ids = {}
    with wb.store._write() as con:
        for i, (code, kind, name, trade, doc, city, state) in enumerate(CLIENTS, 1):
            con.execute(
                "INSERT INTO clients (client_id, code, kind, name, trade_name, document, email, phone, mobile, "
                "street, number, district, city, state, zip, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [i, code, kind, name, trade, doc, f"cliente{i}@example.com", f"1130000{i:03d}", f"11990000{i:03d}",
                 "Rua das Flores", str(10 * i), "Centro", city, state, "01000000", now])
            ids[code] = i
            con.execute("INSERT INTO contracts VALUES (?,?,?,?,?,?,?)",
                        [i, i, 1 + i % 4, 1 + i % 4, i != 4, "Ativo", date(2024, 1, i)])
        con.execute("INSERT INTO contracts VALUES (?,?,?,?,?,?,?)", [100, 1, 4, 1, True, "Cancelado",
                                                                    date(2023, 5, 1)])
    wb.store.reindex_clients()
    return ids


def fresh(folder: Path) -> tuple["workbench.Workbench", dict[str, int]]:
    """A new desk database in ``folder`` with this module's data: (workbench, ids)."""
    wb = workbench.open(folder / "desk.duckdb", create=True)
    return wb, seed(wb)


def login(wb: "workbench.Workbench", user: str = "atendente"):
    """A session of one of the seeded operators."""
    return wb.login(user, LOGINS[user])
