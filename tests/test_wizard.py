"""The new-attendance workflow, every path: resolved, O.S., neither, left, back-and-change."""

from __future__ import annotations

import dataclasses
import re

import pytest

from workbench.errors import PermissionDenied, ValidationError

import rawdb

pytestmark = pytest.mark.backends("duckdb", "postgres")


@pytest.fixture
def session(desk):
    return desk.login("atendente", "atendente123")


@pytest.fixture
def client_id(desk):
    return int(desk.sql("SELECT min(client_id) AS c FROM contracts WHERE status = 'Ativo'")["c"][0])


def _fill_data(draft, title="Sem conexão"):
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Maria José",
                   problem="Sem internet desde ontem à noite", title=title)


def test_protocol_is_recorded_before_anything_is_typed(desk, session, client_id):
    draft = session.new_attendance(client_id, "Fax")
    assert re.fullmatch(r"\d{8}\d{6}", draft.protocol)
    log = desk.protocol_log(client_id=client_id)
    row = log[log.protocol == draft.protocol].iloc[0]
    assert row.outcome == "aberto" and row.origin == "Fax" and row.operator == "Ana Atendente"


def test_protocols_follow_the_daily_sequence(session, client_id):
    first = session.new_attendance(client_id).protocol
    second = session.new_attendance(client_id).protocol
    assert second[:8] == first[:8] and int(second[8:]) == int(first[8:]) + 1


def test_origin_by_label_or_code(session, client_id):
    assert session.new_attendance(client_id, "suporte_online").origin == "Suporte Online"
    with pytest.raises(ValidationError) as error:
        session.new_attendance(client_id, "Pombo-correio")
    assert error.value.field == "Origem do Atendimento"


def test_data_step_requires_every_bold_field(session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    draft.contract_id = None
    with pytest.raises(ValidationError) as error:
        draft.validate_data()
    assert set(error.value.errors) == {"Plano", "Nome da Pessoa", "Problema Descrito pelo Cliente", "Título"}
    draft.set_data(person_name="x" * 500, problem="ok ok", title="Lentidão",
                   contract_id=int(draft.contracts.contract_id[0]))
    with pytest.raises(ValidationError, match="no máximo 120") as error:
        draft.validate_data()
    assert error.value.field == "Nome da Pessoa"


def test_routing_point_shows_access(session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft)
    assert draft.routing_point["access"] in ("Habilitado", "Desabilitado")
    assert draft.routing_point["name"] == draft.contracts.routing_point[0]


def test_resolved_path_closes_as_concluido(desk, session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft)
    draft.start_script()
    assert draft.question["id"] == "energia" and draft.question["client_explanation"]
    draft.answer(0)                                   # ligado → luz_los
    draft.answer(1)                                   # tudo verde → reiniciar
    draft.answer(0)                                   # voltou → fim
    assert draft.script_ended and draft.question is None
    assert list(draft.report().answer) == ["Sim, está ligado", "Não, está tudo verde", "Sim, voltou"]
    draft.set_first_contact(type="Suporte Técnico", checks="Luzes conferidas", resolved=True,
                            solution="Roteador reiniciado")
    protocol = draft.finish()
    detail = desk.attendance(protocol)
    assert detail.data["status"] == "Concluído" and detail.data["closed_at"] is not None
    assert detail.data["script_outcome"] == "fim" and detail.service_order is None
    assert list(detail.answers.answer) == ["Sim, está ligado", "Não, está tudo verde", "Sim, voltou"]
    assert (detail.data["due_at"] - detail.data["created_at"]).total_seconds() == 24 * 3600
    assert desk.protocol_log(client_id=client_id).set_index("protocol").loc[protocol, "outcome"] == "registrado"
    versions = desk.sql("SELECT DISTINCT script_version FROM script_answers WHERE protocol = ?", [protocol])
    assert versions.script_version.tolist() == [desk.store.script_definition("sem_conexao")[0]]


def test_os_path_opens_a_service_order(desk, session, client_id):
    draft = session.new_attendance(client_id, "Visita")
    _fill_data(draft)
    draft.start_script()
    draft.answer(0)
    draft.answer(0)                                   # LOS vermelha → sinal_olt
    draft.answer(0)                                   # sinal ruim → fim
    draft.set_first_contact(type="Suporte Técnico", checks="Sinal -30 dBm na OLT", request_os=True)
    detail = desk.attendance(draft.finish())
    assert detail.data["status"] == "Em Resolução" and detail.data["closed_at"] is None
    assert detail.service_order["status"] == "Aberta"
    audit = rawdb.query(desk, "SELECT action FROM audit_log WHERE entity_id = ?", [draft.protocol]).action.tolist()
    assert {"protocolo_gerado", "atendimento_registrado"} <= set(audit)


def test_neither_resolved_nor_os_stays_pendente(desk, session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft, title="2ª via de boleto")       # no script: the step is skipped
    draft.start_script()
    assert not draft.has_script and draft.question is None and draft.report().empty
    assert draft.type == "Financeiro"                # the title's type is proposed
    draft.set_first_contact(checks="Boleto reenviado por e-mail")
    detail = desk.attendance(draft.finish())
    assert detail.data["status"] == "Pendente" and detail.data["script"] is None
    assert (detail.data["due_at"] - detail.data["created_at"]).total_seconds() == 48 * 3600


def test_first_contact_rules(session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft, title="Informações gerais")
    draft.set_first_contact(type="", checks="", resolved=True)
    with pytest.raises(ValidationError) as error:
        draft.validate_first_contact()
    assert set(error.value.errors) == {"Tipo de Atendimento", "Verificações Realizadas neste Contato",
                                       "Descrição da Solução do Problema"}
    with pytest.raises(ValidationError):
        draft.finish()
    assert draft.state == "aberto"


def test_leave_keeps_only_the_protocol_as_abandoned(desk, session, client_id):
    before = len(desk.attendances(client_id=client_id, limit=1000))
    draft = session.new_attendance(client_id, "E-mail")
    _fill_data(draft)
    draft.leave()
    assert draft.state == "abandonado"
    row = desk.protocol_log(client_id=client_id).set_index("protocol").loc[draft.protocol]
    assert row.outcome == "abandonado" and row.origin == "E-mail"
    assert len(desk.attendances(client_id=client_id, limit=1000)) == before
    with pytest.raises(ValidationError, match="abandonado"):
        draft.finish()


def test_back_and_change_drops_later_answers(desk, session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft)
    draft.start_script()
    draft.answer(0)                                   # energia → luz_los
    draft.answer(1)                                   # luz_los → reiniciar
    draft.answer(1)                                   # reiniciar → autenticacao
    assert draft.question["id"] == "autenticacao"
    assert draft.script_back() and draft.script_back()
    assert draft.question["id"] == "luz_los" and draft.current_answer == 1
    draft.answer(1)                                   # same answer: later ones kept
    assert draft.question["id"] == "reiniciar" and draft.current_answer == 1
    draft.script_back()
    draft.answer(0)                                   # changed: LOS vermelha → sinal_olt
    assert draft.question["id"] == "sinal_olt"
    assert list(draft.report().answer) == ["Sim, está ligado", "Sim, LOS vermelha"]


def test_going_back_from_the_end_and_ending_early(session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft, title="Lentidão")
    draft.start_script()
    draft.answer(0)                                   # só no Wi-Fi → distancia
    draft.answer(0)                                   # perto fica bom → fim
    assert draft.script_ended
    draft.script_back()                               # the last question again, answer kept
    assert draft.question["id"] == "distancia" and draft.current_answer == 0
    draft.end_script()                                # ends early: its answer is dropped
    assert draft.script_ended and len(draft.report()) == 1


def test_typed_values_survive_going_back(session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft)
    draft.set_first_contact(type="Reclamação", checks="Testes feitos", resolved=True, solution="Ok")
    draft.set_data(problem="Sem internet desde ontem à noite e hoje")
    assert (draft.person_name, draft.type, draft.solution) == ("Maria José", "Reclamação", "Ok")


def test_changing_the_title_restarts_the_script(session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft)
    draft.start_script()
    draft.answer(0)
    draft.set_data(title="Problemas no Wi-Fi")
    draft.start_script()
    assert draft.question["id"] == "rede_aparece" and draft.report().empty


def test_invalid_answer_index(session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft)
    draft.start_script()
    for bad in (-1, 7, None):
        with pytest.raises(ValidationError) as error:
            draft.answer(bad)
        assert error.value.field == "Opções"


def test_finish_twice_returns_the_protocol_and_writes_once(desk, session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft, title="Informações gerais")
    draft.set_first_contact(type="Informação", checks="Horários informados", resolved=True,
                            solution="Horários enviados")
    protocol = draft.finish()
    assert draft.finish() == protocol            # a double click on "Finalizar": no error, nothing written
    assert desk.sql("SELECT count(*) AS n FROM attendances WHERE protocol = ?", [protocol]).n[0] == 1
    with pytest.raises(ValidationError, match="já foi registrado"):
        draft.set_data(problem="mudou depois")   # still closed for edits
    # a draft that did not register it (another page holding the same protocol) is refused
    stranger = dataclasses.replace(draft, state="aberto", _registered_here=False)
    with pytest.raises(ValidationError, match="não está mais aberto"):
        stranger.finish()
    assert desk.sql("SELECT count(*) AS n FROM attendances WHERE protocol = ?", [protocol]).n[0] == 1


def test_hostile_text_is_stored_verbatim(desk, session, client_id):
    hostile = "Robert'); DROP TABLE attendances; -- 😀 ação %_\\"
    draft = session.new_attendance(client_id, "Telefônico")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name=hostile[:100],
                   problem=hostile, title="Informações gerais")
    draft.set_first_contact(type="Informação", checks=hostile)
    detail = desk.attendance(draft.finish())
    assert detail.data["problem"] == hostile and detail.data["checks_done"] == hostile


def test_unknown_client(session):
    from workbench.errors import NotFoundError

    with pytest.raises(NotFoundError):
        session.new_attendance(999_999_999)


def test_stale_open_protocols_are_marked_abandoned(desk, session, client_id, monkeypatch):
    stale = session.new_attendance(client_id, "Telefônico")
    monkeypatch.setenv("WORKBENCH_STALE_DRAFT_HOURS", "0")
    session.new_attendance(client_id, "Telefônico")
    log = desk.protocol_log(client_id=client_id).set_index("protocol")
    assert log.loc[stale.protocol, "outcome"] == "abandonado"


def test_every_role_can_attend_and_roles_are_checked(desk, client_id):
    for user in ("atendente", "supervisor", "admin"):
        assert desk.login(user, f"{user}123").new_attendance(client_id).protocol
    from workbench.services.auth import Operator
    from workbench.services.session import Session

    stranger = Session(desk, Operator(999, "x", "X", "visitante"))
    with pytest.raises((PermissionDenied, KeyError)):
        stranger.new_attendance(client_id)


def test_busy_database_at_finish_keeps_the_draft_for_a_retry(desk, session, client_id, monkeypatch):
    import subprocess
    import sys

    from workbench.errors import BusyError

    draft = session.new_attendance(client_id, "Telefônico")
    _fill_data(draft, title="Informações gerais")
    draft.set_first_contact(type="Informação", checks="Dúvida sobre horário", resolved=True,
                            solution="Horário informado")
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "0.3")
    if desk.store.backend == "postgres":      # another server's long transaction holds the table
        hold = ("from workbench.storage.postgres.connection import connect; import time; c = connect(%r); "
                "c.execute('BEGIN'); c.execute('LOCK TABLE attendances IN ACCESS EXCLUSIVE MODE'); "
                "print('locked', flush=True); time.sleep(30)" % desk.store.target)
    else:
        hold = ("import duckdb, time; c = duckdb.connect(%r); print('locked', flush=True); time.sleep(30)"
                % str(desk.path))
    holder = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BusyError, match="tente novamente"):
            draft.finish()
    finally:
        holder.kill()
        holder.wait()
    assert draft.state == "aberto" and draft.person_name == "Maria José"
    assert desk.sql("SELECT count(*) AS n FROM attendances WHERE protocol = ?", [draft.protocol]).n[0] == 0
    assert desk.protocol_log(client_id=client_id).set_index("protocol").loc[draft.protocol, "outcome"] == "aberto"
    draft.finish()
    assert desk.attendance(draft.protocol).data["status"] == "Concluído"
