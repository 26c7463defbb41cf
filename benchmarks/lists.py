"""The lists an operator waits on (issue 11): Meus Atendimentos, every queue's first page, the
all-attendances list by status (newest first, as the screens open it, and by Título), text search
over every attendance, and one client's list. Each call is the public API's, opening the file."""

from __future__ import annotations

import random
import time

from benchmarks.desk import ATENDENTE, SUPERVISOR, _client_ids, _ms
from benchmarks.util import Measurement

WORDS = ["lentidao", "boleto", "sem conexao", "roteador", "fatura", "sinal"]


def _timed(samples: list[float], call) -> None:
    t = time.perf_counter()
    call()
    samples.append(_ms(t))


def measure(ctx) -> list[Measurement]:
    wb = ctx.wb
    reps = 10 if ctx.quick else 40
    atendente, supervisor = wb.login(*ATENDENTE), wb.login(*SUPERVISOR)
    queues = list(supervisor.queues()["code"])
    out: dict[str, list[float]] = {}

    def add(name, call):
        _timed(out.setdefault(name, []), call)

    def floor():
        with wb.store._read() as con:
            con.execute("SELECT 1").fetchall()

    for i in range(reps):
        add("piso: abrir o arquivo, SELECT 1, fechar", floor)
        add("meus atendimentos (1ª página)", lambda: atendente.worklist())
        for code in queues:
            add(f"fila {code} (1ª página)", lambda code=code: supervisor.queue(code))
        add("fila: todas as filas (1ª página)", lambda: supervisor.queue())
        add("lista por status: Pendente (mais novos primeiro)", lambda: wb.attendances(status="Pendente"))
        add("lista por status: Concluído (mais novos primeiro)", lambda: wb.attendances(status="Concluído"))
        if i % 2 == 0:
            add("lista por status: Pendente (por título)",
                lambda: wb.attendances(status="Pendente", order_by="title", descending=False))
            add("lista por status: Concluído (por título)",
                lambda: wb.attendances(status="Concluído", order_by="title", descending=False))
            add("texto em todos os atendimentos",
                lambda: wb.attendances(text=random.Random(i).choice(WORDS), limit=50))
    for client_id in _client_ids(wb, reps):
        add("lista de atendimentos do cliente (mais novos primeiro)", lambda c=client_id: wb.attendances(client_id=c))
    rows = len(atendente.worklist())
    open_rows = int(wb.sql("SELECT count(*) AS n FROM attendances a JOIN statuses s ON s.code = a.status_code "
                           "WHERE s.is_open").n[0])
    notes = {"meus atendimentos (1ª página)": f"{rows} linhas; {open_rows} atendimentos em aberto no banco",
             "piso: abrir o arquivo, SELECT 1, fechar": "o custo fixo de toda chamada (uma conexão por chamada)"}
    return [Measurement(name, samples, note=notes.get(name, "")) for name, samples in out.items()]
