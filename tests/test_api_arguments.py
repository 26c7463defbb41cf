"""Every public call checks its arguments: hostile values raise ValidationError naming the argument.

One row per (call, argument): the call, the field its error must name, and
values a notebook could pass by mistake or on purpose. No raw ValueError,
TypeError or database conversion error may come out.
"""

from __future__ import annotations

import pytest

import workbench
from workbench.errors import ValidationError

IDS = ["1 OR 1=1", "x", "", 1.5, True, [], {}, object(), float("nan"), float("inf"), 10**30, -1, 0, "\x00"]
LIMITS = ["x", 1.5, True, None, [], -1, 0, 10**30, float("nan")]
BOOLS = ["no", "sim", 1, 0, None, [], "True"]
TEXTS = [5, 1.5, [], {}, object(), b"bytes"]
DATES = ["x", "2026-13-45", "31/12/2026", 5, [], {}, object(), "2026" * 20]
PROTOCOLS = ["1 OR 1=1", "x", "2026010100000", "20260101000001; DROP", 1.5, [], None, True, "\x00" * 14]


def _draft(session):
    client_id = int(session.workbench.sql("SELECT min(client_id) AS c FROM contracts WHERE status = 'Ativo'").c[0])
    draft = session.new_attendance(client_id)
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Maria", problem="Sem sinal",
                   title="Sem conexão")
    draft.start_script()
    return draft


# (call, field named by the error, hostile values); each call gets (wb, session, draft, value)
CASES = [
    ("open(path)", lambda wb, s, d, v: workbench.open(v, create=True), "Banco de dados", [5, [], "", "a\x00b"]),
    ("open(create)", lambda wb, s, d, v: workbench.open(wb.path, create=v), "Criar", BOOLS),
    ("snapshot(path)", lambda wb, s, d, v: wb.snapshot(v), "Caminho da cópia", [5, [], "a\x00b"]),
    ("snapshot(max_age)", lambda wb, s, d, v: wb.snapshot(max_age=v), "max_age",
     ["x", -1, True, float("nan"), float("inf"), []]),
    ("load_reference(data_dir)", lambda wb, s, d, v: wb.load_reference(v), "Pasta de dados", [5, [], "\x00"]),
    ("login(username)", lambda wb, s, d, v: wb.login(v, "atendente123"), "Usuário", TEXTS + [None]),
    ("login(password)", lambda wb, s, d, v: wb.login("atendente", v), "Senha", TEXTS + [None]),
    ("add_operator(username)", lambda wb, s, d, v: wb.add_operator(v, "senha-boa-123", "atendente", "Nome"),
     "Usuário", TEXTS + [None, "a b", "x" * 100]),
    ("add_operator(role)", lambda wb, s, d, v: wb.add_operator("novo.op", "senha-boa-123", v, "Nome"),
     "Perfil", TEXTS + [None, "root"]),
    ("add_operator(by)", lambda wb, s, d, v: wb.add_operator("novo.op", "senha-boa-123", "atendente", "Nome",
                                                             by=v), "Sessão", ["admin", 1, object()]),
    ("set_operator_active(operator_id)", lambda wb, s, d, v: wb.set_operator_active(v, True, by=s), "Operador", IDS),
    ("set_operator_active(active)", lambda wb, s, d, v: wb.set_operator_active(1, v, by=s), "Ativo", BOOLS),
    ("set_operator_active(by)", lambda wb, s, d, v: wb.set_operator_active(1, True, by=v), "Sessão",
     ["admin", None, 1]),
    ("search_clients(text)", lambda wb, s, d, v: wb.search_clients(v), "Procurar", TEXTS + [None, "a"]),
    ("search_clients(limit)", lambda wb, s, d, v: wb.search_clients("silva", limit=v), "Quantidade", LIMITS),
    ("client(client_id)", lambda wb, s, d, v: wb.client(v), "Cliente", IDS + [None]),
    ("attendances(client_id)", lambda wb, s, d, v: wb.attendances(client_id=v), "Cliente", IDS),
    ("attendances(status)", lambda wb, s, d, v: wb.attendances(status=v), "Status",
     [5, [1], {"a": 1}, "Voando", ["Pendente", None], "\x00"]),
    ("attendances(text)", lambda wb, s, d, v: wb.attendances(text=v), "Pesquisar", TEXTS + ["a\x00b"]),
    ("attendances(order_by)", lambda wb, s, d, v: wb.attendances(order_by=v), "Ordenar por",
     ["x", 5, None, [], "title; DROP TABLE clients"]),
    ("attendances(descending)", lambda wb, s, d, v: wb.attendances(descending=v), "Decrescente", BOOLS),
    ("attendances(limit)", lambda wb, s, d, v: wb.attendances(limit=v), "Quantidade", LIMITS),
    ("attendances(offset)", lambda wb, s, d, v: wb.attendances(offset=v), "Página",
     ["x", 1.5, True, None, -1, [], 10**30]),
    ("attendance(protocol)", lambda wb, s, d, v: wb.attendance(v), "Protocolo", PROTOCOLS),
    ("protocol_log(client_id)", lambda wb, s, d, v: wb.protocol_log(client_id=v), "Cliente", IDS),
    ("protocol_log(outcome)", lambda wb, s, d, v: wb.protocol_log(outcome=v), "Situação", [5, "perdido", [], {}]),
    ("protocol_log(since)", lambda wb, s, d, v: wb.protocol_log(since=v), "Desde", DATES),
    ("protocol_log(until)", lambda wb, s, d, v: wb.protocol_log(until=v), "Até", DATES),
    ("protocol_log(since > until)", lambda wb, s, d, v: wb.protocol_log(since="2026-02-01", until=v), "Desde",
     ["2026-01-01"]),
    ("protocol_log(limit)", lambda wb, s, d, v: wb.protocol_log(limit=v), "Quantidade", LIMITS),
    ("sql(query)", lambda wb, s, d, v: wb.sql(v), "SQL", TEXTS + [None, "", "SELECT '\x00'"]),
    ("sql(params)", lambda wb, s, d, v: wb.sql("SELECT ? AS a", v), "params", ["x", 5, [object()], {1: 2}]),
    ("sql(max_rows)", lambda wb, s, d, v: wb.sql("SELECT 1 AS a", max_rows=v), "max_rows", LIMITS),
    ("session.new_attendance(client_id)", lambda wb, s, d, v: s.new_attendance(v), "Cliente", IDS),
    ("session.new_attendance(origin)", lambda wb, s, d, v: s.new_attendance(1, origin=v), "Origem do Atendimento",
     TEXTS + ["Pombo-correio"]),                                     # None: chosen later in the wizard
    ("lookup(text)", lambda wb, s, d, v: wb.lookup(v), "Procurar",
     TEXTS + [None, "a", "2026010100000", "protocolo 12", "20261399000001", "99999999999999"]),
    ("lookup(limit)", lambda wb, s, d, v: wb.lookup("silva", limit=v), "Quantidade", LIMITS),
    ("session.resume_attendance(protocol)", lambda wb, s, d, v: s.resume_attendance(v), "Protocolo", PROTOCOLS),
    ("session.add_note(protocol)", lambda wb, s, d, v: s.add_note(v, "nota"), "Protocolo", PROTOCOLS),
    ("session.add_note(text)", lambda wb, s, d, v: s.add_note(d.protocol, v), "Nota",
     TEXTS + ["a\x00b", "x" * 4001]),
    ("session.change_status(status)", lambda wb, s, d, v: s.change_status(d.protocol, v), "Status",
     [5, [], "Voando", 1.5]),
    ("session.change_status(note)", lambda wb, s, d, v: s.change_status(d.protocol, "Pendente", note=v), "Nota",
     TEXTS + ["\x07"]),
    ("draft.set_origin(origin)", lambda wb, s, d, v: d.set_origin(v), "Origem do Atendimento",
     TEXTS + [None, "Pombo-correio"]),
    ("draft.set_data(contract_id)", lambda wb, s, d, v: d.set_data(contract_id=v), "Plano", IDS),
    ("draft.set_data(person_name)", lambda wb, s, d, v: d.set_data(person_name=v), "Nome da Pessoa", TEXTS),
    ("draft.set_data(problem)", lambda wb, s, d, v: d.set_data(problem=v), "Problema Descrito pelo Cliente", TEXTS),
    ("draft.set_data(title)", lambda wb, s, d, v: d.set_data(title=v), "Título", TEXTS + ["Assunto nenhum"]),
    ("draft.validate_data(person_name)", lambda wb, s, d, v: (d.set_data(person_name=v), d.validate_data()),
     "Nome da Pessoa", ["a\x00b", "x" * 121, "J", "Ana\tMaria"]),
    ("draft.answer(option_index)", lambda wb, s, d, v: d.answer(v), "Opções",
     ["x", "1 OR 1=1", 1.5, True, [], None, -1, 99, 10**30, float("nan")]),
    ("draft.set_first_contact(type)", lambda wb, s, d, v: d.set_first_contact(type=v), "Tipo de Atendimento",
     TEXTS + ["Nenhum"]),
    ("draft.set_first_contact(checks)", lambda wb, s, d, v: d.set_first_contact(checks=v),
     "Verificações Realizadas neste Contato", TEXTS),
    ("draft.set_first_contact(resolved)", lambda wb, s, d, v: d.set_first_contact(resolved=v),
     "Atendimento resolvido", ["no", "sim", 1, 0, [], "True"]),
    ("draft.set_first_contact(solution)", lambda wb, s, d, v: d.set_first_contact(solution=v),
     "Descrição da Solução do Problema", TEXTS),
    ("draft.set_first_contact(request_os)", lambda wb, s, d, v: d.set_first_contact(request_os=v), "Pedir O.S.",
     ["no", "sim", 1, 0, [], "True"]),
    ("draft.validate_first_contact(checks)", lambda wb, s, d, v: (d.set_first_contact(type="Informação", checks=v),
                                                                  d.validate_first_contact()),
     "Verificações Realizadas neste Contato", ["a\x00b", "x" * 4001, "\x1b[31mvermelho"]),
]


@pytest.mark.parametrize("name, call, field, values", CASES, ids=[c[0] for c in CASES])
def test_hostile_arguments_raise_validation_error_naming_the_argument(desk, name, call, field, values):
    admin = desk.login("admin", "admin123")
    draft = _draft(admin)
    for value in values:
        with pytest.raises(ValidationError) as err:
            call(desk, admin, draft, value)
        assert err.value.field == field, (name, value, err.value.field, str(err.value))
        assert str(err.value) and "Traceback" not in str(err.value)


def test_good_values_still_work(desk):
    """The checks coerce what is harmless: ids as numpy ints or digit strings, dates as text or datetime."""
    import datetime as dt

    import numpy as np

    assert desk.client(np.int64(1)).data["client_id"] == 1 == desk.client("1").data["client_id"]
    assert len(desk.attendances(client_id=np.int32(1), limit=np.int64(5), descending=np.bool_(True))) <= 5
    assert desk.protocol_log(since="2020-01-01", until=dt.date(2100, 1, 1), limit=3).shape[0] <= 3
    since = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    assert len(desk.protocol_log(since=since)) == len(desk.protocol_log(since="2019-12-31 21:00"))
    assert desk.attendances(status=("Pendente", "concluido")).status.isin(["Pendente", "Concluído"]).all()
