"""Meus Atendimentos, Fila and Transferir on the desk, driven without a browser: outcomes in the store."""

from __future__ import annotations

import pytest

from workbench.widgets.desk.app import DeskApp
from workbench.widgets.desk.client import ClientScreen
from workbench.widgets.desk.desktop import Desktop
from workbench.widgets.desk.worklist import MyAttendances, QueueScreen
from workbench.widgets.detail import AttendanceDetail

import flowdata


@pytest.fixture
def desk(wb):
    return wb, flowdata.seed(wb)


def _age(wb, protocol, interval):
    """Move an attendance's opening and deadline back (``interval``: a DuckDB interval)."""
    from workbench.storage import open_attendances

    with wb.store._write() as con:
        con.execute(f"UPDATE attendances SET created_at = created_at - INTERVAL {interval}, "
                    f"due_at = due_at - INTERVAL {interval} WHERE protocol = ?", [protocol])
        open_attendances.rebuild(con)


def test_desktop_opens_meus_atendimentos_and_fila(desk):
    wb, ids = desk
    app = DeskApp(wb=wb)
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    app.session = session
    app.on_login(session)
    desktop = app.body.children[0]
    assert isinstance(desktop, Desktop) and desktop.entries[:3] == ["Clientes", "Meus Atendimentos", "Fila"]
    desktop.worklist.click()
    assert app.screen == "worklist" and isinstance(app.body.children[0], MyAttendances)
    assert app.body.children[0].protocols == [protocol]
    app.show_desktop()
    app.body.children[0].queue.click()
    assert app.screen == "queue" and isinstance(app.body.children[0], QueueScreen)


def test_meus_atendimentos_most_urgent_first_coloured_by_deadline(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    late, soon, later = (flowdata.register(session, ids[c]) for c in ("C0001", "C0002", "C0003"))
    closed = flowdata.register(session, ids["C0004"], resolved=True)
    _age(wb, late, "11 DAY")
    _age(wb, soon, "30 HOUR")
    screen = MyAttendances(wb, session)
    assert screen.protocols == [late, soon, later] and closed not in screen.protocols
    assert screen.table.grid.row_classes == ["wb-dl-anatel", "wb-dl-vencido", "wb-dl-vence_24h"]
    columns = screen.table.grid.columns
    assert "Responsável" in columns and "Prazo" in columns
    rows = screen.table.grid.rows
    prazo, situacao, owner = (columns.index(c) for c in ("Prazo", "Situação", "Responsável"))
    assert rows[0][prazo].startswith("Anatel: venceu há") and rows[1][prazo].startswith("venceu há")
    assert rows[2][prazo].startswith("vence em")
    assert [r[situacao] for r in rows] == ["Fora do prazo Anatel", "Vencido", "Vence em 24 h"]
    assert {r[owner] for r in rows} == {"Atendente Teste"}
    assert screen.table.grid.mark_column == prazo
    assert screen.count.value == "3 atendimentos"


def test_transfer_from_the_detail_to_a_queue_then_bruno_takes_it_from_fila(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    mine = MyAttendances(wb, session)
    mine.table.open_row(0)
    detail = mine.detail
    assert isinstance(detail, AttendanceDetail) and detail.transfer_btn.layout.display == ""
    form = detail.new_transfer()
    form.submit()                                      # no reason
    assert form.fields["Motivo"].has_error
    form.reason.value = "Precisa de análise do N2"
    form.submit()                                      # nobody chosen
    assert form.fields["Para o operador"].has_error and not form.fields["Motivo"].has_error
    assert wb.attendance(protocol).data["queue"] == "Suporte N1"
    form.queue.value = "suporte_n2"
    form.save_btn.click()
    data = wb.attendance(protocol).data
    assert data["owner"] is None and data["queue"] == "Suporte N2"
    assert "transferido" in detail.status.value and detail.form_box.children == ()
    moves = wb.attendance(protocol).history
    assert moves[moves.kind == "transferencia"].note.tolist() == ["Precisa de análise do N2"]
    detail.close_btn.click()
    assert mine.protocols == []                        # no longer mine

    bruno = flowdata.login(wb, "bruno")
    queue = QueueScreen(wb, bruno)
    assert [label for label, _ in queue.queue.options] == ["Todas as minhas filas", "Suporte N2"]
    queue.unassigned.value = True
    assert queue.protocols == [protocol]
    queue.take_btn.click()
    assert "Selecione" in queue.status.value
    queue.table.select(0)
    queue.take_btn.click()
    assert wb.attendance(protocol).data["owner"] == "Bruno Segundo Nível"
    assert "assumiu" in queue.status.value and queue.protocols == []


def test_transfer_to_a_disabled_operator_is_refused_beside_the_field(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    detail = AttendanceDetail(wb, protocol, session=session)
    form = detail.new_transfer()
    form.operator.value = ids["carla"]                 # listed when the form opened, disabled since
    admin = flowdata.login(wb, "admin")
    wb.set_operator_active(ids["carla"], False, by=admin)
    form.reason.value = "Assunto financeiro"
    form.save_btn.click()
    assert "desativado" in form.fields["Para o operador"].error.value
    assert wb.attendance(protocol).data["owner"] == "Atendente Teste"


def test_supervisor_reassigns_another_operator_s_attendance(desk):
    wb, ids = desk
    protocol = flowdata.register(flowdata.login(wb, "atendente"), ids["C0001"])
    bruno = flowdata.login(wb, "bruno")
    refused = AttendanceDetail(wb, protocol, session=bruno).new_transfer()
    refused.operator.value = ids["bruno"]
    refused.reason.value = "Quero pegar"
    refused.save_btn.click()
    assert "supervisor" in refused.status.value and wb.attendance(protocol).data["owner"] == "Atendente Teste"
    supervisor = flowdata.login(wb, "supervisor")
    queue = QueueScreen(wb, supervisor)               # supervisors see every queue
    assert len(queue.queue.options) == 1 + len(wb.reference_cached()["queues"])
    queue.table.open_row(queue.protocols.index(protocol))
    form = queue.detail.new_transfer()
    form.operator.value = ids["bruno"]
    form.reason.value = "Redistribuição da carga"
    form.save_btn.click()
    assert wb.attendance(protocol).data["owner"] == "Bruno Segundo Nível"
    assert "Bruno Segundo Nível" in queue.detail.summary.value


def test_client_attendance_list_has_a_responsavel_column(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    flowdata.register(session, ids["C0001"])
    screen = ClientScreen(wb, session, ids["C0001"])
    grid = screen.attendances.table.grid
    assert "Responsável" in grid.columns
    assert grid.rows[0][grid.columns.index("Responsável")] == "Atendente Teste"
