"""The login screen, shared by the desk and the supervisors' dashboard.

Usage::

    from workbench.widgets.login import LoginForm
    form = LoginForm(lambda: workbench.open(), on_login=show_desk, allowed="painel")

``wb`` is a :class:`workbench.Workbench` or a zero-argument callable returning
one (opened on the first "OK", so the form paints before any database work).
``on_login(session)`` is called after a successful login; with ``allowed``
(a permission name such as ``"painel"``) an operator whose role lacks it is
refused with a message and no session is handed over. A busy database is a
message asking to press OK again (what was typed stays), never an error that
ends the page. The page's client address goes with every attempt to the
audit log (see :mod:`workbench.widgets.client_address`).
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.errors import BusyError
from workbench.widgets.client_address import page_client_address
from workbench.widgets.common import Field, Runner, Status, button, css, title
from workbench.widgets.keys import Keys

BUSY_LOGIN = "O sistema está ocupado neste momento e não conseguiu conferir o login. Clique em OK de novo."


class LoginForm(w.VBox):
    def __init__(self, wb, on_login: Callable | None = None, *, allowed: str | None = None,
                 heading: str = "Atendimento Workbench"):
        self._wb = wb
        self.on_login = on_login
        self.allowed = allowed
        self.session = None
        self.username = w.Text(placeholder="usuário", layout=w.Layout(width="260px"))
        self.password = w.Password(placeholder="senha", layout=w.Layout(width="260px"))
        self.username.add_class("wb-login-user")
        self.password.add_class("wb-login-password")
        self.fields = {"Usuário": Field("Usuário", self.username, required=True),
                       "Senha": Field("Senha", self.password, required=True)}
        self.ok = button("OK", primary=True, width="100px")
        self.ok.on_click(lambda _b: self.submit())
        self.status = Status()
        self.runner = Runner(self.status, [self.ok], self.fields)
        box = w.VBox([title(heading), w.HTML("<span style='color:#52606d'>Informe seu usuário e senha.</span>"),
                      self.fields["Usuário"], self.fields["Senha"], self.ok, self.status],
                     layout=w.Layout(width="320px", padding="18px 24px", margin="40px auto"))
        css(box, "wb-card")
        self.kbd = Keys(focus=self.username)          # the cursor in "Usuário" when the form appears
        self.kbd.enter(self.fields["Usuário"], self._user_enter, self.username)
        self.kbd.enter(self.fields["Senha"], self.submit, self.password)
        super().__init__([box, self.kbd], layout=w.Layout(width="100%", align_items="center"))
        self.add_class("wb-login")

    @property
    def workbench(self):
        if callable(self._wb):
            self._wb = self._wb()
        return self._wb

    def _user_enter(self):
        if self.password.value:
            self.submit()

    def submit(self) -> None:
        busy = []

        def do():
            try:
                wb = self.workbench                 # opened on the first "OK"
                session = wb.login(self.username.value, self.password.value, client=page_client_address())
            except BusyError:
                busy.append(True)
                raise
            if self.allowed:
                session.operator.require(self.allowed)
            return session

        ok = self.runner.run(do, self._logged_in, busy="Entrando... Aguarde...")
        if busy:                        # the database stayed busy: keep what was typed, ask to try again
            self.status.error(BUSY_LOGIN)
        elif not ok:
            self.password.value = ""
            if isinstance(self.runner.last_error, str) and "permiss" in self.runner.last_error.lower():
                self.status.error("Seu perfil de acesso não permite abrir esta página.")

    def _logged_in(self, session) -> None:
        self.session = session
        self.password.value = ""
        if self.on_login:
            self.on_login(session)

    def reset(self) -> None:
        self.session = None
        self.username.value = ""
        self.password.value = ""
        self.status.clear()
        self.runner.clear_errors()
        self.kbd.focus_on(self.username)
