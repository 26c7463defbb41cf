"""Several real processes registering attendances at once: none lost, no protocol repeated."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.backends("duckdb", "postgres")

WORKER = textwrap.dedent("""
    import json, sys
    import workbench
    path, count, client_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    wb = workbench.open(path)
    session = wb.login("atendente", "atendente123")
    done = []
    for i in range(count):
        draft = session.new_attendance(client_id, "Telefônico")
        draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Cliente",
                       problem=f"Teste de concorrência {i}", title="Sem conexão")
        draft.start_script()
        while draft.question:
            draft.answer(len(draft.question["options"]) - 1)
        draft.set_first_contact(type="Suporte Técnico", checks="Verificações", request_os=i % 2 == 0)
        done.append(draft.finish())
        if i % 3 == 0:
            wb.attendances(client_id=client_id, limit=20)     # reads interleaved with writes
    print(json.dumps(done))
""")


def test_parallel_processes_lose_nothing(desk):
    client_id = int(desk.sql("SELECT min(client_id) AS c FROM contracts").c[0])
    before = desk.sql("SELECT count(*) AS n FROM attendances").n[0]
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, desk.store.target, "8", str(client_id)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    protocols = []
    for proc in workers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        protocols += json.loads(out)
    assert len(protocols) == 32 and len(set(protocols)) == 32
    counts = desk.sql("""SELECT (SELECT count(*) FROM attendances) AS a,
                                (SELECT count(DISTINCT protocol) FROM protocol_log) AS d,
                                (SELECT count(*) FROM protocol_log) AS p,
                                (SELECT count(*) FROM service_orders WHERE protocol IN
                                    (SELECT unnest(?::VARCHAR[]))) AS o""", [protocols]).iloc[0]
    assert counts.a == before + 32
    assert counts.d == counts.p                       # no protocol given twice, ever
    assert counts.o == 16
    registered = desk.sql("SELECT count(*) AS n FROM protocol_log WHERE outcome = 'registrado' "
                          "AND protocol IN (SELECT unnest(?::VARCHAR[]))", [protocols]).n[0]
    assert registered == 32
