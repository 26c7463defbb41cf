"""Novo Contato on the desk, and the wizard's same-title warning, driven without a browser:
outcomes in the store (contacts, status, O.S., history with time and operator)."""

from __future__ import annotations

import pytest

from workbench.widgets.desk.contact import ContactForm
from workbench.widgets.desk.wizard import AttendanceWizard
from workbench.widgets.detail import AttendanceDetail

import flowdata


@pytest.fixture
def desk(wb):
    return wb, flowdata.seed(wb)


def _fill(form: ContactForm, origin="E-mail", person="José Filho", said="A internet caiu de novo",
          checks="ONU reiniciada remotamente"):
    form.origin.value = origin
    form.person.value = person
    form.said.value = said
    form.outcome_fields.checks.value = checks


def test_no_origin_preselected_and_resolved_and_os_are_alternatives(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    form = AttendanceDetail(wb, protocol, session=session).new_contact()
    assert form.origin.value is None
    of = form.outcome_fields
    assert of.fields["Descrição da Solução do Problema"].layout.display == "none"
    assert of.os_box.layout.display == "none"
    of.resolved.value = True
    assert of.fields["Descrição da Solução do Problema"].layout.display == ""
    of.request_os.value = True                          # ticking one unticks the other
    assert of.resolved.value is False and of.os_box.layout.display == ""
    assert of.fields["Descrição da Solução do Problema"].layout.display == "none"
    form.save_btn.click()                               # nothing typed: each field says what is missing
    assert form.fields["Origem do Atendimento"].has_error
    assert len(wb.attendance(protocol).contacts) == 0


def test_later_contact_from_the_detail_with_os_in_history_with_time_and_operator(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    detail = AttendanceDetail(wb, protocol, session=session)
    form = detail.new_contact()
    assert detail.main.layout.display == "none" and detail.form_box.children == (form,)
    _fill(form)
    form.outcome_fields.request_os.value = True
    form.outcome_fields.os_period.value = "Manhã"
    form.save_btn.click()
    found = wb.attendance(protocol)
    contact = found.contacts.iloc[-1]
    assert (contact.origin, contact.person_name, contact.said, contact.operator) == (
        "E-mail", "José Filho", "A internet caiu de novo", "Atendente Teste")
    assert contact.os_requested and found.data["status"] == "Em Resolução"
    assert found.service_order["preferred_period"] == "manha"
    assert "Contato nº 2 registrado" in detail.status.value and "O.S. nº" in detail.status.value
    assert detail.main.layout.display == "" and detail.form_box.children == ()
    shown = detail.contacts.grid.rows
    assert len(shown) == 1 and "Atendente Teste" in shown[0] and "A internet caiu de novo" in shown[0]
    events = [r for r in detail.history.grid.rows if r[2] == "Contato"]
    assert len(events) == 1 and events[0][1] == "Atendente Teste" and events[0][0]    # time and operator


def test_contact_on_a_closed_attendance_reopens_it_and_says_so(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"], resolved=True)
    detail = AttendanceDetail(wb, protocol, session=session)
    assert detail.transfer_btn.layout.display == "none"
    form = detail.new_contact()
    assert "encerrado" in form.children[1].value
    _fill(form, origin="Telefônico")
    form.save_btn.click()
    assert wb.attendance(protocol).data["is_open"] and wb.attendance(protocol).data["status"] == "Pendente"
    assert "reaberto" in detail.status.value


def test_a_stale_detail_is_refused_and_nothing_is_written(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    detail = AttendanceDetail(wb, protocol, session=session)
    form = detail.new_contact()
    flowdata.login(wb, "supervisor").add_contact(protocol, origin="Fax", person_name="Ana", said="Ligou antes",
                                                 checks="Nada a verificar")
    _fill(form)
    form.save_btn.click()
    assert "alterado por" in form.status.value
    assert len(wb.attendance(protocol).contacts) == 1 and form.person.value == "José Filho"


def _wizard_to_data(session, client_id, title="Sem conexão"):
    draft = session.new_attendance(client_id)
    wizard = AttendanceWizard(draft)
    wizard.alert.press("Ok")
    wizard.origin.value = "Visita"
    wizard.origin_continue.click()
    wizard.plan.value = int(draft.contracts.contract_id[0])
    wizard.person.value = "Maria José"
    wizard.problem.value = "Caiu de novo, mesma coisa de ontem"
    wizard.title_choice.value = title
    wizard.data_continue.click()
    return wizard


def test_wizard_warns_of_the_same_open_title_and_adds_the_call_as_a_contact(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    existing = flowdata.register(session, ids["C0001"])
    wizard = _wizard_to_data(session, ids["C0001"])
    assert wizard.step == "mesmo" and existing in wizard.same_title.choice.children[0].value
    wizard.same_title.add_btn.click()
    wizard.same_title.outcome_fields.checks.value = "Cabo refeito pelo cliente"
    wizard.same_title.outcome_fields.resolved.value = True
    wizard.same_title.outcome_fields.solution.value = "Conexão restabelecida"
    wizard.same_title.save_btn.click()
    assert wizard.step == "fim"
    found = wb.attendance(existing)
    assert found.data["status"] == "Concluído" and found.contacts.iloc[-1].origin == "Visita"
    assert found.contacts.iloc[-1].call_protocol == wizard.draft.protocol
    assert wb.attendance(wizard.draft.protocol).data["protocol"] == existing      # the call's protocol leads there
    assert len(wb.attendances(client_id=ids["C0001"])) == 1


def test_wizard_same_title_warning_can_be_declined(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    flowdata.register(session, ids["C0001"])
    wizard = _wizard_to_data(session, ids["C0001"])
    wizard.same_title.new_btn.click()
    assert wizard.step in ("script", "primeiro")
    other = _wizard_to_data(session, ids["C0002"])           # another client: no warning
    assert other.step in ("script", "primeiro")


def test_wizard_primeiro_contato_alternatives_and_os_period(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    wizard = _wizard_to_data(session, ids["C0003"])
    while wizard.step == "script":
        wizard.options.value = 0
        wizard.next_q.click()
    if wizard.step == "relatorio":
        wizard.report_continue.click()
    assert wizard.step == "primeiro"
    wizard.type_choice.value = "Suporte Técnico"
    wizard.checks.value = "Sinal conferido"
    wizard.resolved.value = True
    wizard.request_os.value = True
    assert wizard.resolved.value is False and wizard.os_box.layout.display == ""
    wizard.os_period.value = "Tarde"
    wizard.os_address.value = "Rua das Flores, 10"
    wizard.finish_btn.click()
    assert wizard.step == "fim", wizard.status.value
    found = wb.attendance(wizard.protocol)
    assert found.data["status"] == "Em Resolução"
    assert found.service_order["preferred_period"] == "tarde" and found.service_order["address"] == "Rua das Flores, 10"
