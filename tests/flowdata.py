"""A small desk for the workflow after the first contact: operators, queues, clients and a way to
register an attendance through the real wizard (used by the contacts, worklist and O.S. tests)."""

from __future__ import annotations

import json
import subprocess
import sys

import deskdata

EXTRA = {"bruno": ("atendente", "Bruno Segundo Nível"), "carla": ("atendente", "Carla Financeiro")}
PASSWORD = "senha-boa-123"


def seed(wb) -> dict:
    """deskdata's operators and clients, two more atendentes, and who serves which queue:
    atendente → Suporte N1; bruno → Suporte N2; carla → Financeiro. Returns ids by name."""
    ids = deskdata.seed(wb)
    for user, (role, name) in EXTRA.items():
        ids[user] = wb.add_operator(user, PASSWORD, role, name)
    ids["atendente"] = int(wb.store.operator_id_by_username("atendente"))
    ids["supervisor"] = int(wb.store.operator_id_by_username("supervisor"))
    wb.set_operator_queues(ids["atendente"], ["Suporte N1"])
    wb.set_operator_queues(ids["bruno"], ["suporte_n2"])
    wb.set_operator_queues(ids["carla"], ["Financeiro"])
    return ids


def login(wb, user: str):
    return wb.login(user, deskdata.LOGINS.get(user, PASSWORD))


def register(session, client_id: int, *, title: str = "Sem conexão", type: str = "Suporte Técnico",  # noqa: A002
             resolved: bool = False, request_os: bool = False, problem: str = "Sem internet desde ontem") -> str:
    """A first contact through the wizard (no script); its protocol."""
    draft = session.new_attendance(client_id, "Telefônico")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Maria José",
                   problem=problem, title=title)
    draft.set_first_contact(type=type, checks="Sinal verificado na OLT", resolved=resolved,
                            solution="Equipamento reiniciado" if resolved else "", request_os=request_os)
    return draft.finish()


def run_at_once(worker: str, runs: list[list[str]]) -> list[dict]:
    """Start one process per argument list running ``worker`` (which prints one JSON line), all
    before waiting for any; their answers in the order of ``runs``."""
    procs = [subprocess.Popen([sys.executable, "-c", worker, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in runs]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    return results


# For workers of run_at_once that must act at the same moment: each calls ``together(folder, name, n)``
# when ready (logged in), and all go on once ``n`` have arrived (so process start-up does not keep
# them apart).
TOGETHER = """
def together(folder, name, n):
    import os, time
    open(os.path.join(folder, name), "w").close()
    limit = time.monotonic() + 120
    while len(os.listdir(folder)) < n and time.monotonic() < limit:
        time.sleep(0.002)
"""
