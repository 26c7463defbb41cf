"""The operator desk: login → Área de Trabalho → Pesquisar Cliente → Cadastro do Cliente → Novo Atendimento.

The notebook ``notebooks/atendimento.ipynb`` is only::

    from workbench.widgets.desk.app import desk_app
    desk_app()

The login form paints first; the database is opened on the first "OK".
"""

from __future__ import annotations

from workbench.widgets.common import Runner, button
from workbench.widgets.shell import AppShell


class DeskApp(AppShell):
    """The whole desk as one widget. ``db``: database path (default ``$WORKBENCH_DB``)."""

    def __init__(self, db=None, *, wb=None, painel_url: str | None = None):
        self.painel_url = painel_url
        self.search = None
        self.client = None
        self.wizard = None
        self.screen = "login"
        self.home_btn = button("Área de Trabalho", icon="home")
        self.home_btn.on_click(lambda _b: self.show_desktop())
        super().__init__(db, wb=wb, actions=(self.home_btn,))

    def _show(self, name: str, widget) -> None:
        self.screen = name
        self.status.clear()
        self.show(widget)

    # -- screens ---------------------------------------------------------------------
    def on_login(self, session) -> None:
        from workbench.widgets.desk.search import ClientSearch

        self.search = ClientSearch(self.wb, self.open_client)
        self.show_desktop()

    def show_desktop(self) -> None:
        from workbench.widgets.desk.desktop import PAINEL_URL, Desktop

        if self.session is None:
            return
        self._show("desktop", Desktop(self.session, self.show_search, painel_url=self.painel_url or PAINEL_URL,
                                      on_operators=self.show_operators))

    def show_operators(self) -> None:
        from workbench.widgets.desk.operators import OperatorsScreen

        self._show("operators", OperatorsScreen(self.session))

    def show_search(self) -> None:
        self._show("search", self.search)

    def open_client(self, row: dict) -> None:
        from workbench.widgets.desk.client import ClientScreen

        def build():
            return ClientScreen(self.wb, self.session, row["client_id"],
                                on_add=self.new_attendance, on_back=self.show_search)

        self.runner.run(build, lambda screen: (setattr(self, "client", screen), self._show("client", screen)),
                        busy="Abrindo cliente... Aguarde...")

    def new_attendance(self) -> None:
        """The "Adicionar Atendimento" action: one protocol per click burst. The second click of a
        double click arrives after the first one opened the wizard, when no client screen is on view."""
        from workbench.widgets.desk.wizard import AttendanceWizard

        if self.screen != "client" or self.client is None:
            return
        client_id = self.client.client_id
        status = self.client.attendances.status

        def build():
            draft = self.session.new_attendance(client_id)
            return AttendanceWizard(draft, on_done=self._finished, on_leave=self._left)

        def show(wizard):
            self.wizard = wizard
            self._show("wizard", wizard)

        Runner(status, [self.client.attendances.add_btn]).run(build, show, busy="Gerando protocolo... Aguarde...")

    def _back_to_client(self) -> None:
        self.wizard = None
        self._show("client", self.client)
        self.client.show_attendances()

    def _finished(self, protocol: str) -> None:
        if self.screen != "wizard":              # a second "Ok" of the success dialog
            return
        self._back_to_client()
        self.status.ok(f"Atendimento nº {protocol} registrado.")

    def _left(self, protocol: str) -> None:
        if self.screen != "wizard":
            return
        self._back_to_client()
        self.status.ok(f"Atendimento não salvo. O protocolo nº {protocol} ficou registrado no log.")

    def on_logout(self) -> None:
        self.search = self.client = self.wizard = None
        self.screen = "login"


def desk_app(db=None, **kwargs) -> DeskApp:
    """Build and display the desk (in a notebook or Voila); returns it."""
    from IPython.display import display

    app = DeskApp(db, **kwargs)
    display(app)
    return app
