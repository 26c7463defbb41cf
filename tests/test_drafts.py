"""Typed work is never lost: drafts saved as the operator goes, resumed after a reload or a dead kernel,
two tabs that never overwrite each other, and the origin chosen rather than assumed (issue 11 items 2, 7)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

import deskdata
import flowdata
import rawdb
from workbench.errors import DraftConflict, NotFoundError, ValidationError
from workbench.services.drafts import DraftSnapshot
from workbench.services.wizard import AttendanceDraft


pytestmark = pytest.mark.backends("duckdb", "postgres")


@pytest.fixture
def desk(wb):
    """(workbench, {client code: id}) over deskdata's tiny desk, on the test's backend."""
    return wb, deskdata.seed(wb)


def _log_row(wb, protocol):
    log = wb.protocol_log()
    return log[log.protocol == protocol].iloc[0]


def _mid_script(session, client_id):
    draft = session.new_attendance(client_id)
    draft.set_origin("Visita")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Maria José",
                   problem="Sem internet desde ontem", title="Sem conexão")
    draft.start_script()
    draft.answer(0)                                   # energia → luz_los
    draft.answer(1)                                   # luz_los → reiniciar
    draft.answer(1)                                   # reiniciar → autenticacao
    draft.script_back()                               # back on "reiniciar", its answer kept
    return draft


# -- origin chosen, not assumed ----------------------------------------------------------------
def test_no_origin_until_chosen_then_recorded_at_once(desk):
    wb, ids = desk
    draft = deskdata.login(wb).new_attendance(ids["C0001"])
    assert draft.origin is None and pd_isna(_log_row(wb, draft.protocol).origin)
    draft.set_origin("E-mail")
    assert _log_row(wb, draft.protocol).origin == "E-mail"          # before anything else is typed
    draft.set_origin("fax")
    assert _log_row(wb, draft.protocol).origin == "Fax"


def test_left_at_the_alert_has_no_origin(desk):
    wb, ids = desk
    draft = deskdata.login(wb).new_attendance(ids["C0001"])
    draft.leave()
    row = _log_row(wb, draft.protocol)
    assert row.outcome == "abandonado" and pd_isna(row.origin)


def test_finish_needs_an_origin_and_the_api_may_still_give_it_at_once(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    draft = session.new_attendance(ids["C0001"])
    draft.set_data(contract_id=1, person_name="João", problem="Dúvida", title="Informações gerais")
    draft.set_first_contact(type="Informação", checks="Explicado", resolved=True, solution="Ok")
    with pytest.raises(ValidationError, match="origem") as err:
        draft.finish()
    assert err.value.field == "Origem do Atendimento" and draft.state == "aberto"
    given = session.new_attendance(ids["C0001"], origin="Suporte Online")
    assert _log_row(wb, given.protocol).origin == "Suporte Online"


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


# -- the draft as a state --------------------------------------------------------------------
def test_state_round_trip_resumes_exactly_where_it_was(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    draft = _mid_script(session, ids["C0001"])
    draft.set_first_contact(type="Reclamação", checks="Luzes conferidas", resolved=True, solution="Reiniciado")
    again = AttendanceDraft.from_state(session, draft.to_state())
    for name in ("protocol", "origin", "contract_id", "person_name", "problem", "title", "type", "checks",
                 "resolved", "solution", "request_os"):
        assert getattr(again, name) == getattr(draft, name), name
    assert again.question["id"] == draft.question["id"] == "reiniciar"
    assert again.current_answer == 1 and list(again.report().answer) == list(draft.report().answer)
    again.answer(1)
    assert again.question["id"] == "autenticacao"           # the answers after it were kept too


def test_state_that_no_longer_fits_is_dropped_not_guessed(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    state = _mid_script(session, ids["C0001"]).to_state()
    state.update(title="Assunto que não existe", answers=[["energia", 0], ["pergunta_inventada", 0]])
    again = AttendanceDraft.from_state(session, state)
    assert again.title is None and again.report().empty


# -- saving, resuming, two tabs --------------------------------------------------------------------
def test_save_and_resume_after_a_reload(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    draft = _mid_script(session, ids["C0001"])
    draft.save("script")
    later = deskdata.login(wb)                                  # the page reloaded: a new login
    waiting = later.attendance_drafts()
    assert [d.protocol for d in waiting] == [draft.protocol] and waiting[0].step == "script"
    resumed = later.resume_attendance(draft.protocol)
    assert resumed.resumed_step == "script" and resumed.question["id"] == "reiniciar"
    assert resumed.person_name == "Maria José" and resumed.origin == "Visita"
    resumed.answer(0)                                     # reiniciar: voltou → fim
    resumed.set_first_contact(type="Suporte Técnico", checks="Reiniciado", resolved=True, solution="Voltou")
    protocol = resumed.finish()
    assert later.attendance_drafts() == []                # finish deleted the draft in its transaction
    assert wb.attendance(protocol).data["person_name"] == "Maria José"
    assert list(wb.attendance(protocol).answers.answer) == ["Sim, está ligado", "Não, está tudo verde",
                                                            "Sim, voltou"]


def test_two_tabs_never_overwrite_each_other(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    first = _mid_script(session, ids["C0001"])
    first.save("script")
    second = deskdata.login(wb).resume_attendance(first.protocol)     # the same operator, another tab
    second.set_data(problem="Texto da segunda aba")
    second.save("dados")
    first.set_data(problem="Texto da primeira aba")
    with pytest.raises(DraftConflict, match="retomado em outra aba") as err:
        first.save("dados")
    assert err.value.reason == "claimed"
    assert session.attendance_drafts()[0].values["problem"] == "Texto da segunda aba"
    first.set_first_contact(type="Suporte Técnico", checks="Luzes", resolved=True, solution="Resolvido")
    with pytest.raises(DraftConflict):
        first.finish()                                    # nor registers over the other tab's work
    with pytest.raises(DraftConflict):
        first.leave()                                     # nor abandons it
    assert _log_row(wb, first.protocol).outcome == "aberto" and first.state == "aberto"
    taken = session.claim_draft(first.protocol, first.claim)              # "Continuar nesta aba"
    first.version = max(first.version, taken.version)
    first.save("dados")
    assert session.attendance_drafts()[0].values["problem"] == "Texto da primeira aba"
    with pytest.raises(DraftConflict):
        second.save("dados")


def test_another_operator_cannot_take_a_draft(desk):
    wb, ids = desk
    draft = _mid_script(deskdata.login(wb), ids["C0001"])
    draft.save("script")
    other = deskdata.login(wb, "supervisor")
    assert other.attendance_drafts() == [] and other.claim_draft(draft.protocol) is None
    with pytest.raises(NotFoundError):
        other.resume_attendance(draft.protocol)
    with pytest.raises(DraftConflict) as err:
        other.save_draft(DraftSnapshot(key=draft.protocol, kind="atendimento", step="dados", values={},
                                       version=99, claim="x", protocol=draft.protocol))
    assert err.value.reason == "foreign"


def test_leave_abandons_and_deletes_the_draft_and_a_late_save_is_refused(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    draft = _mid_script(session, ids["C0001"])
    draft.save("script")
    late = draft.snapshot("script")                      # taken before "Sim", written after it
    draft.leave()
    assert _log_row(wb, draft.protocol).outcome == "abandonado" and session.attendance_drafts() == []
    with pytest.raises(DraftConflict) as err:
        session.save_draft(late)
    assert err.value.reason == "closed"
    assert session.attendance_drafts() == []


def test_an_overtaken_save_changes_nothing(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    draft = _mid_script(session, ids["C0001"])
    older = draft.snapshot("script")
    draft.set_data(problem="mais novo")
    newer = draft.snapshot("dados")
    session.save_draft(newer)
    assert session.save_draft(older).version == newer.version
    assert session.attendance_drafts()[0].values["problem"] == "mais novo"


def test_stale_sweep_spares_a_draft_saved_recently(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    kept, swept = _mid_script(session, ids["C0001"]), _mid_script(session, ids["C0002"])
    kept.save("script")
    swept.save("script")
    other = session.save_draft(DraftSnapshot(key="contato:x", kind="contato", step="1", values={"a": 1},
                                             version=1, claim="t"))
    assert other.version == 1
    with wb.store._write() as con:                        # both issued two days ago; one saved since
        con.execute("UPDATE protocol_log SET issued_at = issued_at - INTERVAL '2 days' WHERE protocol IN (?, ?)",
                    [kept.protocol, swept.protocol])
        con.execute("UPDATE drafts SET saved_at = saved_at - INTERVAL '2 days' WHERE draft_key IN (?, ?)",
                    [swept.protocol, "contato:x"])
    session.new_attendance(ids["C0003"])                  # the sweep runs with every new protocol
    assert _log_row(wb, kept.protocol).outcome == "aberto"
    assert _log_row(wb, swept.protocol).outcome == "abandonado"
    assert [d.key for d in session.drafts()] == [kept.protocol]


def test_a_form_without_protocol_keeps_its_draft_under_its_own_key(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    snap = DraftSnapshot(key="contato:20260101000001", kind="contato", step="contato",
                         values={"texto": "Cliente ligou de novo", "resolvido": False}, version=1, claim="aba-1",
                         protocol="20260101000001", client_id=ids["C0001"])
    session.save_draft(snap)
    (saved,) = session.drafts("contato")
    assert saved.values == snap.values and saved.protocol == "20260101000001" and session.attendance_drafts() == []
    assert session.discard_draft(snap.key, "aba-2") is False
    assert session.discard_draft(snap.key, "aba-1") is True and session.drafts() == []


KILLED = textwrap.dedent("""
    import os, signal, sys
    import workbench
    wb = workbench.open(sys.argv[1])
    session = wb.login("atendente", "atendente123")
    draft = session.new_attendance(int(sys.argv[2]))
    draft.set_origin("Fax")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Kernel Morto",
                   problem="Digitado antes de o processo morrer", title="Sem conexão")
    draft.start_script()
    draft.answer(0)
    draft.save("script")
    print(draft.protocol, flush=True)
    draft.set_data(problem="digitado depois do último salvamento")
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_killed_kernel_resumes_from_its_last_save(desk):
    wb, ids = desk
    proc = subprocess.run([sys.executable, "-c", KILLED, wb.store.target, str(ids["C0001"])],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    protocol = proc.stdout.strip()
    resumed = deskdata.login(wb).resume_attendance(protocol)
    assert resumed.problem == "Digitado antes de o processo morrer" and resumed.origin == "Fax"
    assert resumed.question["id"] == "luz_los" and len(resumed.report()) == 1
    assert resumed.resumed_step == "script"
    audit = rawdb.query(wb, "SELECT action FROM audit_log WHERE entity_id = ?", [protocol]).action.tolist()
    assert "rascunho_retomado" in audit


TABS_AT_ONCE = flowdata.TOGETHER + textwrap.dedent("""
    import json, sys
    import workbench
    from workbench.errors import DraftConflict
    from workbench.services.drafts import DraftSnapshot
    target, claim, folder = sys.argv[1:4]
    session = workbench.open(target).login("atendente", "atendente123")
    together(folder, claim, 2)
    outcomes = []
    for i in range(12):
        snap = DraftSnapshot(key=f"contato:corrida-{i}", kind="contato", step="contato",
                             values={"texto": claim}, version=1, claim=claim)
        try:
            session.save_draft(snap)
            outcomes.append("saved")
        except DraftConflict as exc:
            outcomes.append(exc.reason)
    print(json.dumps(outcomes))
""")


def test_two_tabs_saving_new_drafts_at_once_one_holds_each(desk, tmp_path):
    """The claim is checked and written in one transaction: of two tabs saving the same new draft at
    once, one holds it and the other is told so (never an error, never both), on both backends."""
    wb, _ids = desk
    first, second = flowdata.run_at_once(TABS_AT_ONCE, [[wb.store.target, "aba-1", str(tmp_path)],
                                                              [wb.store.target, "aba-2", str(tmp_path)]])
    assert all(sorted(pair) == ["claimed", "saved"] for pair in zip(first, second)), (first, second)
    stored = {d.key: d for d in deskdata.login(wb).drafts("contato")}
    assert len(stored) == 12
    for i, outcome in enumerate(first):
        assert stored[f"contato:corrida-{i}"].claim == ("aba-1" if outcome == "saved" else "aba-2")
        assert stored[f"contato:corrida-{i}"].values == {"texto": stored[f"contato:corrida-{i}"].claim}
