"""The operator desk: login → Área de Trabalho → Pesquisar Cliente → Cadastro do Cliente → Novo Atendimento.

The notebook ``notebooks/atendimento.ipynb`` is only::

    from workbench.widgets.desk.app import desk_app
    desk_app()

The login form paints first; the database is opened on the first "OK".
After login, an attendance left in progress (a reload, a closed tab, a dead
kernel) is offered first: "Você tem um atendimento em andamento (protocolo nº …)".
The header holds the lookup box (any protocol, CPF/CNPJ, phone, code or name)
on every screen. Leaving the wizard by any route (the header's buttons, the
lookup, "Sair do sistema") asks "Sair sem salvar?" first: new screens and
header buttons go through :meth:`DeskApp.guarded` to get the same question.
A screen the desk drops (replaced, and neither the search, the client's record
nor the wizard it keeps) is closed with its widgets (:mod:`workbench.widgets.release`),
so a page's kernel does not grow with every attendance.
"""

from __future__ import annotations

from typing import Callable

from workbench.widgets.common import Runner, button
from workbench.widgets.release import close_widgets
from workbench.widgets.shell import AppShell


class DeskApp(AppShell):
    """The whole desk as one widget. ``db``: database path (default ``$WORKBENCH_DB``)."""

    tables = "plain"                       # the desk needs no pandas (a smaller kernel per operator)

    def __init__(self, db=None, *, wb=None, painel_url: str | None = None):
        from workbench.widgets.desk.lookup_box import LookupBox

        self.painel_url = painel_url
        self.search = None
        self.client = None
        self.wizard = None
        self.screen = "login"
        self.lookup_box = LookupBox(self.lookup)
        self._screens: list = []             # the screens shown since the last release (see show)
        self.home_btn = button("Área de Trabalho", icon="home")
        self.home_btn.on_click(lambda _b: self.guarded(self.show_desktop))
        super().__init__(db, wb=wb, actions=(self.lookup_box, self.home_btn))

    def _show(self, name: str, widget) -> None:
        self.screen = name
        self.status.clear()
        self.show(widget)

    def show(self, widget) -> None:
        """Show ``widget`` in the body, then close the screens shown before that the desk no longer
        keeps: each move builds its screen anew, and a screen left open would stay in the kernel."""
        super().show(widget)
        kept = [self.login, widget, self.search, self.client, self.wizard]
        for screen in self._screens:
            if not any(screen is k for k in kept):
                close_widgets(screen, keep=[self, self.header, self.body, self.status, *self.actions, *kept])
        self._screens = [s for s in kept[1:] if s is not None]

    # -- leaving the wizard -------------------------------------------------------------
    def guarded(self, action: Callable[[], None]) -> None:
        """Run ``action`` (a move to another screen), asking "Sair sem salvar?" first when an
        attendance is being typed: "Sim" abandons its protocol, then moves; "Não" stays."""
        wizard = self.wizard
        if self.screen == "wizard" and wizard is not None and wizard.in_progress:
            protocol = wizard.draft.protocol

            def left():
                self.wizard = None
                action()
                self.status.ok(f"Atendimento não salvo. O protocolo nº {protocol} ficou registrado no log.")

            wizard.ask_leave(on_left=left)
            return
        action()

    def request_logout(self) -> None:
        self.guarded(self.logout)

    # -- screens ---------------------------------------------------------------------
    def on_login(self, session) -> None:
        from workbench.widgets.desk.search import ClientSearch

        self.search = ClientSearch(self.wb, self.open_client)
        if not self.runner.run(session.attendance_drafts, self._offer_drafts):
            message = self.runner.last_error          # e.g. a busy database: the desk opens all the same
            self.show_desktop()
            self.status.error(message or "")

    def _offer_drafts(self, drafts) -> None:
        from workbench.widgets.desk.resume import ResumeScreen

        if not drafts:
            self.show_desktop()
            return
        self._show("resume", ResumeScreen(drafts, on_resume=self.resume_attendance, on_skip=self.show_desktop))

    def show_desktop(self) -> None:
        from workbench.widgets.desk.desktop import PAINEL_URL, Desktop

        if self.session is None:
            return
        self._show("desktop", Desktop(self.session, self.show_search, painel_url=self.painel_url or PAINEL_URL,
                                      on_operators=self.show_operators, on_worklist=self.show_worklist,
                                      on_queue=self.show_queue, on_service_orders=self.show_service_orders))

    def show_operators(self) -> None:
        from workbench.widgets.desk.operators import OperatorsScreen

        self._show("operators", OperatorsScreen(self.session))

    # -- the worklists (issue 11 item 4) ---------------------------------------------------
    def show_worklist(self) -> None:
        """Meus Atendimentos."""
        from workbench.widgets.desk.worklist import MyAttendances

        self.runner.run(lambda: MyAttendances(self.wb, self.session), lambda s: self._show("worklist", s),
                        busy="Carregando... Aguarde...")

    def show_queue(self) -> None:
        """Fila."""
        from workbench.widgets.desk.worklist import QueueScreen

        self.runner.run(lambda: QueueScreen(self.wb, self.session), lambda s: self._show("queue", s),
                        busy="Carregando... Aguarde...")

    # -- the work orders (issue 11 item 5) -------------------------------------------------
    def show_service_orders(self) -> None:
        from workbench.widgets.desk.service_orders import ServiceOrdersScreen

        self.runner.run(lambda: ServiceOrdersScreen(self.wb, self.session),
                        lambda screen: self._show("service_orders", screen), busy="Abrindo... Aguarde...")

    def show_search(self) -> None:
        self._show("search", self.search)

    def open_client(self, row: dict) -> None:
        self.runner.run(lambda: self._client_screen(row["client_id"]),
                        lambda screen: (setattr(self, "client", screen), self._show("client", screen)),
                        busy="Abrindo cliente... Aguarde...")

    def _client_screen(self, client_id):
        from workbench.widgets.desk.client import ClientScreen

        return ClientScreen(self.wb, self.session, client_id, on_add=self.new_attendance, on_back=self.show_search)

    # -- the lookup box --------------------------------------------------------------------
    def lookup(self, text: str) -> None:
        """Look ``text`` up; a protocol never issued or of another format is said in the status line."""
        def found(result):
            if result.protocol is None and result.clients is not None and len(result.clients) == 1:
                self.guarded(lambda: self.open_client({"client_id": int(result.clients.client_id[0])}))
            else:
                self.guarded(lambda: self._show_lookup(result))

        self.runner.run(lambda: self.wb.lookup(text), found, busy="Procurando... Aguarde...")

    def _show_lookup(self, result) -> None:
        from workbench.widgets.desk.lookup import LookupScreen

        resumable = False
        if result.protocol is not None and result.protocol["outcome"] == "aberto":
            resumable = any(d.protocol == result.protocol["protocol"] for d in self.session.attendance_drafts())
        screen = LookupScreen(self.wb, self.session, result, resumable=resumable,
                              on_client=lambda cid: self.open_client({"client_id": cid}),
                              on_resume=self.resume_attendance)
        self._show("lookup", screen)
        self.status.ok(result.message)

    # -- the wizard ------------------------------------------------------------------------
    def new_attendance(self) -> None:
        """The "Adicionar Atendimento" action: one protocol per click burst. The second click of a
        double click arrives after the first one opened the wizard, when no client screen is on view."""
        if self.screen != "client" or self.client is None:
            return
        client_id = self.client.client_id
        status = self.client.attendances.status

        def build():
            return self._wizard(self.session.new_attendance(client_id))

        Runner(status, [self.client.attendances.add_btn]).run(build, self._show_wizard,
                                                              busy="Gerando protocolo... Aguarde...")

    def resume_attendance(self, protocol: str) -> None:
        """Continue an attendance in progress where its draft was saved (this tab takes it over)."""
        def build():
            draft = self.session.resume_attendance(protocol)
            self.client = self._client_screen(int(draft.client["client_id"]))
            return self._wizard(draft, step=draft.resumed_step)

        self.runner.run(build, self._show_wizard, busy="Retomando o atendimento... Aguarde...")

    def _wizard(self, draft, step=None):
        from workbench.widgets.desk.wizard import AttendanceWizard

        return AttendanceWizard(draft, on_done=self._finished, on_leave=self._left, on_close=self._given_up,
                                step=step)

    def _show_wizard(self, wizard) -> None:
        self.wizard = wizard
        self._show("wizard", wizard)

    def _back_to_client(self) -> None:
        self.wizard = None
        self._show("client", self.client)
        self.client.show_attendances()

    def _finished(self, protocol: str) -> None:
        if self.screen != "wizard":              # a second "Ok" of the success dialog
            return
        attached = getattr(self.wizard.draft, "attached_to", None) if self.wizard is not None else None
        self._back_to_client()
        self.status.ok(f"Contato registrado no atendimento nº {attached}." if attached
                       else f"Atendimento nº {protocol} registrado.")

    def _left(self, protocol: str) -> None:
        if self.screen != "wizard":
            return
        self._back_to_client()
        self.status.ok(f"Atendimento não salvo. O protocolo nº {protocol} ficou registrado no log.")

    def _given_up(self) -> None:
        """This tab gave the attendance to another tab that resumed it: nothing abandoned."""
        if self.screen != "wizard" or self.wizard is None:
            return
        protocol = self.wizard.draft.protocol
        self._back_to_client()
        self.status.ok(f"O atendimento do protocolo nº {protocol} continua na outra aba.")

    def on_logout(self) -> None:
        self.search = self.client = self.wizard = None
        self.lookup_box.text.value = ""
        self.screen = "login"


def desk_app(db=None, **kwargs) -> DeskApp:
    """Build and display the desk (in a notebook or Voila); returns it."""
    from IPython.display import display

    app = DeskApp(db, **kwargs)
    display(app)
    return app
