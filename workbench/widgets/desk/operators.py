"""Operadores: the admin's screen to list, add, disable, enable and unlock operators.

Only reachable from the Área de Trabalho of an admin; the services check the
role again (``gerir_operadores``), so hiding the entry is not the guard.
The list shows each operator's failed logins in the current window and the
end of its lock; "Desbloquear" clears both at once (and is audited).
"""

from __future__ import annotations

import ipywidgets as w

from workbench.services.auth import ROLES
from workbench.services.formatting import is_missing
from workbench.widgets.common import Field, Runner, Status, button, css, title
from workbench.widgets.table import Table

COLUMNS = {"username": "Usuário", "name": "Nome", "role": "Perfil", "state": "Situação",
           "failed_logins": "Tentativas falhas", "locked_until": "Bloqueado até"}


class OperatorsScreen(w.VBox):
    """``OperatorsScreen(session)``: the operators table and the "Novo operador" form."""

    def __init__(self, session):
        self.session = session
        self.wb = session.workbench
        self.username = w.Text(layout=w.Layout(width="200px"))
        self.name = w.Text(layout=w.Layout(width="280px"))
        self.role = w.Dropdown(options=list(ROLES), value="atendente", layout=w.Layout(width="160px"))
        self.password = w.Password(layout=w.Layout(width="200px"))
        self.fields = {"Usuário": Field("Usuário", self.username, required=True, width="auto"),
                       "Nome": Field("Nome", self.name, required=True, width="auto"),
                       "Perfil": Field("Perfil", self.role, required=True, width="auto"),
                       "Senha": Field("Senha", self.password, required=True, hint_text="mínimo 8 caracteres",
                                      width="auto")}
        self.add_btn = button("Adicionar", primary=True)
        self.toggle_btn = button("Desativar")
        self.unlock_btn = button("Desbloquear", tooltip="Zera as tentativas falhas e o bloqueio do operador")
        for b in (self.toggle_btn, self.unlock_btn):
            b.disabled = True
        self.status = Status()
        self.table = Table(COLUMNS, height="260px", empty_text="Nenhum operador cadastrado.", label="Operadores",
                           widths={"username": 140, "name": 220, "role": 100, "state": 90,
                                   "failed_logins": 110, "locked_until": 150})
        self.table.on_select = self._selected
        self.runner = Runner(self.status, [self.add_btn, self.toggle_btn, self.unlock_btn], self.fields)
        self.add_btn.on_click(lambda _b: self.add())
        self.toggle_btn.on_click(lambda _b: self.toggle())
        self.unlock_btn.on_click(lambda _b: self.unlock())
        form = w.HBox([self.fields[k] for k in ("Usuário", "Nome", "Perfil", "Senha")]
                      + [w.VBox([w.HTML("&nbsp;"), self.add_btn])], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([title("Operadores"), self.table, w.HBox([self.toggle_btn, self.unlock_btn]), self.status,
                          w.HTML("<b>Novo operador</b>"), form])
        css(self, "wb-operators")
        self.refresh()

    def _list(self):
        return self.wb.operators(by=self.session)

    def refresh(self) -> None:
        self.runner.run(self._list, self._show)

    def _show(self, frame) -> None:
        frame = frame.assign(state=frame["active"].map({True: "Ativo", False: "Desativado"}))
        self.table.set_data(frame)
        self.toggle_btn.disabled = self.unlock_btn.disabled = True

    def _selected(self, row: dict | None) -> None:
        self.toggle_btn.disabled = row is None
        self.unlock_btn.disabled = row is None or not (row["failed_logins"] or _present(row["locked_until"]))
        if row is not None:
            self.toggle_btn.description = "Desativar" if row["state"] == "Ativo" else "Ativar"

    def add(self) -> None:
        username = self.username.value.strip()

        def do():
            self.wb.add_operator(self.username.value, self.password.value, self.role.value, self.name.value,
                                 by=self.session)
            return self._list()

        def done(frame):
            self._show(frame)
            self.username.value = self.name.value = self.password.value = ""
            self.status.ok(f"Operador {username} criado.")

        self.runner.run(do, done)

    def toggle(self) -> None:
        row = self.table.selected
        if row is None:
            return
        activate = row["state"] != "Ativo"

        def do():
            self.wb.set_operator_active(int(row["operator_id"]), activate, by=self.session)
            return self._list()

        def done(frame):
            self._show(frame)
            self.status.ok(f"Operador {row['username']} {'ativado' if activate else 'desativado'}.")

        self.runner.run(do, done)

    def unlock(self) -> None:
        row = self.table.selected
        if row is None:
            return

        def do():
            self.wb.unlock_operator(row["username"], by=self.session)
            return self._list()

        def done(frame):
            self._show(frame)
            self.status.ok(f"Operador {row['username']} desbloqueado: já pode entrar de novo.")

        self.runner.run(do, done)


def _present(value) -> bool:
    return not is_missing(value)
