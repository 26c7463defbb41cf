"""Later contacts ("Novo Contato"): under the same protocol, the first contact's status rule, a closed
attendance reopened, the same-title warning, and two operators on the same attendance."""

from __future__ import annotations

import textwrap

import pytest

from workbench.errors import ConflictError, NotFoundError, SessionRevoked, ValidationError
from workbench.storage.contacts import REOPEN_NOTE

import flowdata
import rawdb

CONTACT = dict(origin="E-mail", person_name="Maria José", said="Continua sem internet hoje de manhã",
               checks="Cliente reiniciou o roteador")


pytestmark = pytest.mark.backends("duckdb", "postgres")


@pytest.fixture
def desk(wb):
    ids = flowdata.seed(wb)
    return wb, ids


def _audit(wb, protocol):
    return rawdb.query(wb, "SELECT action, details FROM audit_log WHERE entity_id = ? ORDER BY event_at",
                       [protocol])


def test_a_later_contact_goes_under_the_same_protocol_with_its_time_and_operator(desk):
    wb, ids = desk
    first = flowdata.login(wb, "atendente")
    protocol = flowdata.register(first, ids["C0001"])
    outcome = flowdata.login(wb, "bruno").add_contact(protocol, **CONTACT)
    assert (outcome.protocol, outcome.seq, outcome.from_status, outcome.to_status) == (protocol, 2, "pendente",
                                                                                       "pendente")
    detail = wb.attendance(protocol)
    contact = detail.contacts.iloc[0]
    assert contact.seq == 2 and contact.operator == "Bruno Segundo Nível" and contact.origin == "E-mail"
    assert contact.said == CONTACT["said"] and contact.contact_at is not None
    event = detail.history[detail.history.kind == "contato"].iloc[0]
    assert event.operator == "Bruno Segundo Nível" and "Contato nº 2" in event.description
    assert _audit(wb, protocol).action.tolist()[-1] == "contato_registrado"
    # the status follows the first contact's rule
    assert flowdata.login(wb, "atendente").add_contact(protocol, **CONTACT, request_os=True).to_status == \
        "em_resolucao"
    assert wb.attendance(protocol).service_order["status"] == "Aberta"
    done = first.add_contact(protocol, **CONTACT, resolved=True, solution="Troca do cabo de rede")
    assert (done.seq, done.to_status) == (4, "concluido")
    assert wb.attendance(protocol).data["closed_at"] is not None


def test_resolved_and_work_order_are_alternatives(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    with pytest.raises(ValidationError) as error:
        session.add_contact(protocol, **CONTACT, resolved=True, solution="Resolvido", request_os=True)
    assert set(error.value.errors) == {"Atendimento resolvido", "Pedir O.S."}
    draft = session.new_attendance(ids["C0002"], "Telefônico")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Ana", problem="Sem sinal",
                   title="Sem conexão")
    draft.set_first_contact(type="Suporte Técnico", checks="Sinal verificado", resolved=True,
                            solution="Reiniciado", request_os=True)
    with pytest.raises(ValidationError):
        draft.finish()
    assert len(wb.attendance(protocol).contacts) == 0


def test_a_contact_on_a_closed_attendance_reopens_it_with_a_note(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"], resolved=True)
    assert wb.attendance(protocol).data["status"] == "Concluído"
    outcome = session.add_contact(protocol, **CONTACT)
    assert outcome.reopened and (outcome.from_status, outcome.to_status) == ("concluido", "pendente")
    detail = wb.attendance(protocol)
    assert detail.data["is_open"] and detail.data["closed_at"] is None
    assert REOPEN_NOTE in detail.history.description.iloc[-1]
    assert '"reaberto": true' in _audit(wb, protocol).details.iloc[-1]
    assert protocol in set(session.worklist().protocol)          # back in its owner's worklist
    again = session.add_contact(protocol, **CONTACT, resolved=True, solution="Resolvido de novo")
    assert not again.reopened and not wb.attendance(protocol).data["is_open"]


def test_same_title_in_30_days_warns_and_the_call_can_become_a_contact(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    flowdata.register(session, ids["C0001"], title="2ª via de boleto", type="Financeiro")
    draft = session.new_attendance(ids["C0001"], "Suporte Online")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Maria José",
                   problem="Caiu de novo", title="Sem conexão")
    same = draft.open_same_title()
    assert [r["protocol"] for r in same] == [protocol]
    outcome = draft.add_as_contact(protocol, checks="Sinal oscilando")
    assert outcome.protocol == protocol and draft.state == "registrado"
    log = wb.protocol_log(client_id=ids["C0001"]).set_index("protocol")
    assert log.loc[draft.protocol, "outcome"] == "registrado"
    found = wb.attendance(draft.protocol)           # the call's own protocol finds the attendance
    assert found.data["protocol"] == protocol and found.data["reached_by"] == draft.protocol
    assert found.contacts.iloc[0].call_protocol == draft.protocol and found.contacts.iloc[0].origin == "Suporte Online"
    other = session.new_attendance(ids["C0002"], "Telefônico")
    other.set_data(contract_id=int(other.contracts.contract_id[0]), person_name="Ana", problem="Lenta",
                   title="Sem conexão")
    assert other.open_same_title() == []


def test_bad_contacts_are_refused_with_the_field_named(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    with pytest.raises(ValidationError) as error:
        session.add_contact(protocol, **{**CONTACT, "origin": ""})
    assert error.value.field == "Origem do Atendimento"
    with pytest.raises(ValidationError) as error:
        session.add_contact(protocol, **{**CONTACT, "said": " "})
    assert error.value.field == "O que o cliente relatou"
    with pytest.raises(ValidationError) as error:
        session.add_contact(protocol, **CONTACT, resolved=True, solution="")
    assert "Descrição da Solução do Problema" in error.value.errors
    with pytest.raises(ValidationError):
        session.add_contact("2026-11", **CONTACT)                    # another format
    with pytest.raises(NotFoundError):
        session.add_contact("20000101000001", **CONTACT)             # does not exist
    assert len(wb.attendance(protocol).contacts) == 0


def test_a_stale_screen_or_a_disabled_operator_writes_nothing(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    seen = wb.attendance(protocol).data["updated_at"]
    flowdata.login(wb, "bruno").add_contact(protocol, **CONTACT)
    with pytest.raises(ConflictError, match="Bruno Segundo Nível"):
        session.add_contact(protocol, **CONTACT, expected=seen)
    assert len(wb.attendance(protocol).contacts) == 1
    admin = flowdata.login(wb, "admin")
    bruno = flowdata.login(wb, "bruno")
    wb.set_operator_active(ids["bruno"], False, by=admin)
    with pytest.raises(SessionRevoked):
        bruno.add_contact(protocol, **CONTACT)
    assert len(wb.attendance(protocol).contacts) == 1


CONTACTS_AT_ONCE = flowdata.TOGETHER + textwrap.dedent("""
    import json, sys
    import workbench
    target, protocol, user, password, folder = sys.argv[1:6]
    session = workbench.open(target).login(user, password)
    together(folder, user, 2)
    done = [session.add_contact(protocol, origin="E-mail", person_name="Maria José", said=f"Ligação {i} de {user}",
                                checks="Cliente reiniciou o roteador") for i in range(4)]
    print(json.dumps([[d.seq, d.reopened] for d in done]))
""")


def test_two_operators_adding_contacts_to_a_closed_attendance_at_once(desk, tmp_path):
    """Each contact reads the attendance inside its own write: numbers never repeat, and the closed
    attendance is reopened once (by whichever contact came first), on both backends."""
    wb, ids = desk
    protocol = flowdata.register(flowdata.login(wb, "atendente"), ids["C0001"], resolved=True)
    assert wb.attendance(protocol).data["closed_at"] is not None
    runs = [[wb.store.target, protocol, "atendente", "atendente123", str(tmp_path)],
            [wb.store.target, protocol, "bruno", flowdata.PASSWORD, str(tmp_path)]]
    done = [tuple(d) for result in flowdata.run_at_once(CONTACTS_AT_ONCE, runs) for d in result]
    assert sorted(seq for seq, _ in done) == list(range(2, 10))
    assert [seq for seq, reopened in done if reopened] == [2]
    detail = wb.attendance(protocol)
    assert sorted(detail.contacts.seq) == list(range(2, 10))
    assert len(detail.history[detail.history.kind == "contato"]) == 8
    assert detail.data["closed_at"] is None
