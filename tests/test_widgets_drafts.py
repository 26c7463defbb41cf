"""The desk keeps typed work: background saves that never hold up typing, the offer to resume after
login, two tabs of one operator, and "Sair sem salvar?" on every way out of the wizard.

Saves run on an asyncio loop as in the kernel (``asyncio.run``), with the real worker thread.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

import deskdata
from workbench.widgets.desk.app import DeskApp
from workbench.widgets.desk.resume import ResumeScreen


@pytest.fixture
def desk(tmp_path):
    return deskdata.fresh(tmp_path)


def _app(wb, user="atendente"):
    app = DeskApp(wb=wb)
    app.login.username.value, app.login.password.value = user, deskdata.LOGINS[user]
    app.login.ok.click()
    return app


def _wizard(app, client_id):
    if app.screen == "resume":
        app.show_desktop()
    app.open_client({"client_id": client_id})
    app.client.attendances.add_btn.click()
    assert app.screen == "wizard"
    wz = app.wizard
    wz.alert.press("Ok")
    return wz


def _at_data(app, client_id):
    wz = _wizard(app, client_id)
    wz.origin.value = "Visita"
    wz.origin_continue.click()
    assert wz.step == "dados", wz.status.value
    return wz


def test_typing_is_saved_in_the_background_and_never_waits(desk):
    wb, ids = desk
    release, writing = threading.Event(), threading.Event()

    async def scenario():
        app = _app(wb)
        wz = _at_data(app, ids["C0001"])
        await wz.keeper.autosave.idle()                  # the step change was saved
        session = app.session
        real = session.save_draft

        def slow_save(snapshot):                         # the database is slow right now
            writing.set()
            release.wait(60)
            return real(snapshot)

        session.save_draft = slow_save
        wz.keeper.autosave.delay = 0.01
        wz.person.value = "Jo"
        while not writing.is_set():                      # the debounce fired, the write runs in its thread
            await asyncio.sleep(0.01)
        wz.person.value = "João"                         # typing goes on while the write waits
        wz.problem.value = "Sem sinal desde ontem"
        assert wz.person.value == "João" and wz.keeper.autosave.busy
        release.set()
        await wz.keeper.autosave.idle()
        (saved,) = session.attendance_drafts()
        assert saved.step == "dados"
        assert (saved.values["person_name"], saved.values["problem"]) == ("João", "Sem sinal desde ontem")
        assert saved.values["origin"] == "Visita"

    asyncio.run(scenario())


def test_after_login_the_attendance_in_progress_is_offered_and_continues_where_it_was(desk):
    wb, ids = desk

    async def type_some():
        app = _app(wb)
        wz = _at_data(app, ids["C0002"])
        wz.person.value = "Maria"
        wz.problem.value = "Internet lenta à noite"
        wz.title_choice.value = "Sem conexão"
        wz.data_continue.click()
        assert wz.step == "script"
        wz.options.value = 0
        wz.next_q.click()
        await wz.keeper.autosave.idle()
        return wz.draft.protocol                         # then the tab is closed: no "Sair"

    protocol = asyncio.run(type_some())
    app = _app(wb)                                       # a reload: a new page, a new login
    assert app.screen == "resume"
    screen = app.body.children[0]
    assert isinstance(screen, ResumeScreen)
    assert f"Você tem um atendimento em andamento (protocolo nº {protocol})" in screen.message
    screen.buttons[0].click()
    wz = app.wizard
    assert app.screen == "wizard" and wz.step == "script" and wz.draft.protocol == protocol
    assert (wz.person.value, wz.problem.value, wz.title_choice.value) == ("Maria", "Internet lenta à noite",
                                                                          "Sem conexão")
    assert wz.origin.value == "Visita" and len(wz.draft.report()) == 1
    assert "luz" in wz.question_html.value.lower()       # the second question, the first answered
    wz.end_s.click()
    wz.report_continue.click()
    wz.type_choice.value = wz.draft.types[0]
    wz.checks.value = "Luzes conferidas"
    wz.finish_btn.click()
    assert wz.step == "fim", wz.status.value
    wz.screens["fim"].press("Ok")
    assert app.screen == "client" and wb.attendance(protocol).data["person_name"] == "Maria"
    assert _app(wb).screen == "desktop"                  # nothing left to resume


def test_skipping_the_offer_keeps_the_draft(desk):
    wb, ids = desk
    app = _app(wb)
    wz = _at_data(app, ids["C0001"])
    protocol = wz.draft.protocol
    again = _app(wb)
    again.body.children[0].skip.click()
    assert again.screen == "desktop"
    assert [d.protocol for d in again.session.attendance_drafts()] == [protocol]


def test_two_tabs_of_one_operator(desk):
    wb, ids = desk

    async def scenario():
        first = _app(wb)
        wz1 = _at_data(first, ids["C0001"])
        wz1.person.value = "Primeira aba"
        await wz1.keeper.autosave.idle()
        second = _app(wb)                                # another tab resumes the same attendance
        second.body.children[0].buttons[0].click()
        wz2 = second.wizard
        assert wz2.person.value == "Primeira aba"
        wz2.person.value = "Segunda aba"
        await wz2.keeper.autosave.idle()
        wz1.person.value = "Primeira aba de novo"        # the first tab's next save is refused
        await wz1.keeper.autosave.idle()
        assert wz1.keeper.bar.layout.display == "" and "retomado em outra aba" in wz1.keeper.message.value
        assert wz1.person.value == "Primeira aba de novo"       # nothing on screen is cleared
        assert first.session.attendance_drafts()[0].values["person_name"] == "Segunda aba"
        wz1.keeper.take_back.click()                     # "Continuar nesta aba"
        await wz1.keeper.autosave.idle()
        assert wz1.keeper.bar.layout.display == "none"
        assert first.session.attendance_drafts()[0].values["person_name"] == "Primeira aba de novo"
        wz2.problem.value = "na segunda aba"
        await wz2.keeper.autosave.idle()
        assert wz2.keeper.bar.layout.display == ""
        wz2.keeper.give_up.click()                       # "Deixar para a outra aba": nothing abandoned
        assert second.screen == "client" and "continua na outra aba" in second.status.value
        log = wb.protocol_log()
        assert log[log.protocol == wz1.draft.protocol].outcome.iloc[0] == "aberto"

    asyncio.run(scenario())


@pytest.mark.parametrize("route", ["home", "logout", "lookup"])
def test_every_way_out_of_the_wizard_asks_first(desk, route):
    wb, ids = desk
    app = _app(wb)
    wz = _at_data(app, ids["C0001"])
    wz.person.value = "Alguém"
    protocol = wz.draft.protocol

    def leave():
        if route == "home":
            app.home_btn.click()
        elif route == "logout":
            app.logout_btn.click()
        else:
            app.lookup_box.text.value = "Gonçalves"
            app.lookup_box.go.click()

    leave()
    assert wz.step == "sair" and wz.screens["sair"].message.value == "Sair sem salvar?"
    wz.screens["sair"].press("Não")
    assert app.screen == "wizard" and wz.step == "dados" and wz.person.value == "Alguém"
    assert app.session.attendance_drafts()                # nothing abandoned
    leave()
    wz.screens["sair"].press("Sim")
    expected = {"home": "desktop", "logout": "login", "lookup": "client"}[route]
    assert app.screen == expected
    log = wb.protocol_log()
    row = log[log.protocol == protocol].iloc[0]
    assert row.outcome == "abandonado" and row.origin == "Visita"
    assert _app(wb).screen == "desktop"                  # its draft went with it


def test_a_finished_wizard_leaves_without_asking(desk):
    wb, ids = desk
    app = _app(wb)
    wz = _at_data(app, ids["C0001"])
    wz.plan.value, wz.person.value, wz.problem.value = 1, "João", "Dúvida sobre o boleto"
    wz.title_choice.value = "2ª via de boleto"
    wz.data_continue.click()
    wz.checks.value = "Boleto reenviado"
    wz.finish_btn.click()
    assert wz.step == "fim"
    app.home_btn.click()
    assert app.screen == "desktop"
