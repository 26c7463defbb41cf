"""The app shell shared by the desk and the dashboard: stylesheet, header, login gate, body, status line.

A page subclasses :class:`AppShell`, names itself and the permission it
needs, and fills ``on_login`` (build its first screen) and ``on_logout``
(drop what it holds). When a write is refused because the operator was
disabled or lost the role meanwhile, the page logs out and says why on the
login form. The header shows the page's title, who is logged in,
the page's own buttons (visible only after login) and "Sair do sistema".
The database is opened on the first "OK", so the login paints first.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.widgets.common import Runner, Status, button, css, esc, stylesheet
from workbench.widgets.login import LoginForm


class AppShell(w.VBox):
    """Login, then the page. ``db``: database path (default ``$WORKBENCH_DB``); ``wb``: an open Workbench."""

    title = "Atendimento Workbench"
    login_heading = "Atendimento Workbench"
    permission: str | None = None          # e.g. "painel"; None = any operator
    tables = "pandas"                      # how the page's Workbench gives tables ("plain": no pandas)
    refusal = "Sem permissão para abrir esta página."

    def __init__(self, db=None, *, wb=None, actions: tuple[w.Button, ...] = (), max_width: str | None = None):
        self._db = db
        self.wb = wb
        self.session = None
        self.who = w.HTML("")
        self.actions = list(actions)
        self.logout_btn = button("Sair do sistema")
        self.logout_btn.on_click(lambda _b: self.request_logout())
        for b in (*self.actions, self.logout_btn):
            b.layout.display = "none"
        self.heading = w.HTML(f"<b style='font-size:15px'>{esc(self.title)}</b>")
        self.header = css(w.HBox([self.heading, self.who, w.HBox([*self.actions, self.logout_btn])],
                                 layout=w.Layout(justify_content="space-between", width="100%")), "wb-header")
        self.status = Status()
        self.runner = Runner(self.status)
        self.login = LoginForm(self._open_wb, on_login=self._logged_in, heading=self.login_heading)
        self.body = css(w.VBox([self.login]), "wb-screen")
        super().__init__([stylesheet(), *self.extra_children(), self.header, self.body, self.status])
        css(self, "wb-app")
        if max_width:
            self.layout.max_width = max_width

    def extra_children(self) -> list[w.Widget]:
        """Invisible helpers a page needs in its tree (the dashboard's URL sync)."""
        return []

    def _open_wb(self):
        if self.wb is None:
            import workbench

            self.wb = workbench.open(self._db or None, create=False, tables=self.tables)
        return self.wb

    def _logged_in(self, session) -> None:
        # The role is checked here (and again by every service) so the refusal is said on the login form.
        if self.permission and not session.operator.can(self.permission):
            self.login.reset()
            self.login.status.error(self.refusal)
            return
        self.session = session
        self.wb = session.workbench
        session.on_end(lambda message, ended=session: self._session_ended(ended, message))
        op = session.operator
        self.who.value = f"<span style='color:#fff'>{esc(op.name)} ({esc(op.role)})</span>"
        for b in (*self.actions, self.logout_btn):
            b.layout.display = ""
        self.on_login(session)

    def _session_ended(self, session, message: str) -> None:
        """A write was refused: the operator was disabled or lost the role. Back to the login, saying why."""
        if session is not self.session:
            return
        self.logout()
        self.login.status.error(message)

    def show(self, widget) -> None:
        self.body.children = [widget]

    def request_logout(self) -> None:
        """"Sair do sistema" was pressed: a page with unsaved work asks first (see the desk)."""
        self.logout()

    def logout(self) -> None:
        self.on_logout()
        self.session = None
        self.who.value = ""
        for b in (*self.actions, self.logout_btn):
            b.layout.display = "none"
        self.login.reset()
        self.status.clear()
        self.show(self.login)

    # -- the page's part -----------------------------------------------------------
    def on_login(self, session) -> None:
        raise NotImplementedError

    def on_logout(self) -> None:
        """Drop what the page holds (timers, screens)."""
