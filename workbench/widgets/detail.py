"""Attendance detail: everything an attendance holds, its contacts and history, a note, a new status.

On the desk it also registers a further contact ("Novo Contato"), transfers the
attendance ("Transferir") and takes one waiting in a queue ("Assumir"); each
form opens in place of the detail and comes back to it refreshed.

Reusable: ``AttendanceDetail(wb, protocol, session=s)`` on the desk, and
``AttendanceDetail(wb, protocol, read_only=True)`` on the dashboard (no note,
no status change, no session needed).
"""

from __future__ import annotations

from typing import Callable

from datetime import date, datetime

import ipywidgets as w

from workbench.services import formatting
from workbench.widgets.common import Field, Runner, Status, button, css, esc, kv_html, title
from workbench.widgets.table import Table

HISTORY = {"event_at": "Data", "operator": "Operador", "kind": "Evento", "description": "Detalhe"}
KINDS = {"criado": "Criado", "nota": "Nota", "status": "Status", "contato": "Contato",
         "transferencia": "Transferência", "os": "O.S."}
CONTACTS = {"seq": "#", "contact_at": "Data", "operator": "Operador", "origin": "Origem",
            "person_name": "Pessoa", "said": "O que o cliente relatou", "checks_done": "Verificações",
            "to_status": "Status"}
ANSWERS = {"seq": "#", "question": "Pergunta", "answer": "Resposta"}


def _fmt(v):
    """Booleans as Sim/Não, times in the desk's zone (``27/11/2026 14:05``), dates alone as dates."""
    if isinstance(v, bool):
        return "Sim" if v else "Não"
    if formatting.is_missing(v):
        return ""
    if isinstance(v, datetime):
        return formatting.display(v, "datetime")
    if isinstance(v, date):
        return formatting.display(v, "date")
    return v


class AttendanceDetail(w.VBox):
    def __init__(self, wb, protocol: str, *, session=None, read_only: bool = False,
                 on_close: Callable[[], None] | None = None, on_changed: Callable[[str], None] | None = None):
        self.wb = wb
        self.protocol = protocol
        self.session = session
        self.read_only = read_only or session is None
        self.on_changed = on_changed
        self.status = Status()
        self.heading = title(f"Atendimento nº {protocol}")
        self.summary = w.HTML("")
        self.answers = Table(ANSWERS, height="150px", widths={"seq": 40, "question": 380, "answer": 260},
                             empty_text="Sem script neste atendimento.", fit_rows=8, label="Relatório do Script")
        self.history = Table(HISTORY, height="170px", empty_text="Sem eventos no histórico.", fit_rows=8,
                             label="Histórico",
                             widths={"event_at": 130, "operator": 120, "kind": 110, "note": 320})
        self.order = w.HTML("")
        self.contacts = Table(CONTACTS, height="150px", empty_text="Só o primeiro contato.", fit_rows=6,
                              label="Contatos", widths={"seq": 36, "contact_at": 130, "operator": 120,
                                                        "said": 260, "checks_done": 200})
        self.form_box = w.VBox([])
        self.data: dict = {}
        parts = [self.heading, self.status, self.summary, self.order,
                 w.HTML("<b>Relatório do Script</b>"), self.answers,
                 w.HTML("<b>Contatos</b>"), self.contacts,
                 w.HTML("<b>Histórico</b>"), self.history]
        self.note = w.Textarea(placeholder="nota para o histórico", layout=w.Layout(width="420px", height="60px"))
        self.status_choice = w.Dropdown(options=[], layout=w.Layout(width="240px"))
        self.fields = {"Nota": Field("Nota", self.note), "Status": Field("Status", self.status_choice)}
        self.add_note_btn = button("Adicionar Nota")
        self.change_status_btn = button("Alterar Status")
        self.close_btn = button("Fechar", icon="times")
        self.contact_btn = button("Novo Contato", primary=True)
        self.transfer_btn = button("Transferir")
        self.take_btn = button("Assumir")
        buttons = [self.close_btn]
        if not self.read_only:
            self.contact_btn.on_click(lambda _b: self.new_contact())
            self.transfer_btn.on_click(lambda _b: self.new_transfer())
            self.take_btn.on_click(lambda _b: self.take())
            parts.insert(2, w.HBox([self.contact_btn, self.transfer_btn, self.take_btn],
                                   layout=w.Layout(margin="4px 0")))
            buttons += [self.contact_btn, self.transfer_btn, self.take_btn]
            self.add_note_btn.on_click(lambda _b: self.add_note())
            self.change_status_btn.on_click(lambda _b: self.change_status())
            parts.append(w.HBox([w.VBox([self.fields["Nota"], self.add_note_btn]),
                                 w.VBox([self.fields["Status"], self.change_status_btn])],
                                layout=w.Layout(margin="8px 0")))
            buttons += [self.add_note_btn, self.change_status_btn]
        if on_close is not None:
            self.close_btn.on_click(lambda _b: on_close())
            parts.append(w.HBox([self.close_btn], layout=w.Layout(justify_content="flex-end")))
        self.runner = Runner(self.status, buttons, self.fields)
        self.main = w.VBox(parts, layout=w.Layout(width="100%"))
        super().__init__([self.main, self.form_box], layout=w.Layout(width="100%"))
        css(self, "wb-detail")
        self.refresh()

    def refresh(self) -> None:
        self.runner.run(lambda: self.wb.attendance(self.protocol), self._show, busy="Carregando... Aguarde...")

    def _show(self, detail) -> None:
        d = detail.data
        self.data = d
        rows = [("Protocolo", d.get("protocol")), ("Status", d.get("status")),
                ("Cliente", d.get("client_name")), ("Plano", d.get("plan")),
                ("Ponto de Roteamento", f"{d.get('routing_point') or ''} ({d.get('access') or ''})"),
                ("Origem", d.get("origin")), ("Título", d.get("title")), ("Tipo", d.get("type")),
                ("Nome da Pessoa", d.get("person_name")), ("Operador", d.get("operator")),
                ("Responsável", d.get("owner") or "—"), ("Fila", d.get("queue") or "—"),
                ("Situação do prazo", d.get("countdown") or "—"),
                ("Chegou pelo protocolo", d.get("reached_by") or "—"),
                ("Aberto em", _fmt(d.get("created_at"))), ("Prazo", _fmt(d.get("due_at"))),
                ("Concluído em", _fmt(d.get("closed_at"))), ("Resolvido no 1º contato", _fmt(d.get("resolved"))),
                ("O.S. no 1º contato", _fmt(d.get("os_requested"))), ("Script", d.get("script"))]
        texts = [("Problema Descrito pelo Cliente", d.get("problem")),
                 ("Verificações Realizadas neste Contato", d.get("checks_done")),
                 ("Descrição da Solução do Problema", d.get("solution"))]
        body = kv_html([(k, v if v is not None else "") for k, v in rows], columns=2)
        body += "".join(f"<div style='margin-top:6px'><span style='color:#52606d'>{esc(k)}</span>"
                        f"<div class='wb-card' style='white-space:pre-wrap'>{esc(v) or '&mdash;'}</div></div>"
                        for k, v in texts)
        self.summary.value = body
        so = detail.service_order
        self.order.value = ("" if not so else
                            f"<div style='margin-top:6px'><b>O.S. nº {esc(so.get('order_id'))}</b> — "
                            f"{esc(so.get('status'))} — {esc(so.get('description'))}</div>")
        self.answers.set_data(detail.answers)
        history = detail.history.copy()
        if "kind" in history.columns:
            history["kind"] = history["kind"].map(lambda k: KINDS.get(k, k))
        self.history.set_data(history)
        contacts = detail.contacts.copy() if detail.contacts is not None else None
        if contacts is not None and "to_status" in contacts.columns:
            labels = dict(zip(self.wb.reference()["statuses"]["code"], self.wb.reference()["statuses"]["label"]))
            contacts["to_status"] = contacts["to_status"].map(lambda c: labels.get(c, c))
        if contacts is not None:
            self.contacts.set_data(contacts)
        if not self.read_only:
            self.take_btn.layout.display = "" if (d.get("is_open") and not d.get("owner_id")
                                                 and d.get("queue_code")) else "none"
            self.transfer_btn.layout.display = "" if d.get("is_open") else "none"
            labels = list(self.wb.reference()["statuses"]["label"])
            self.status_choice.options = labels
            if d.get("status") in labels:
                self.status_choice.value = d.get("status")

    def add_note(self) -> None:
        text = self.note.value

        def done(_):
            self.note.value = ""
            self.refresh()
            self.status.ok("Nota adicionada.")
            if self.on_changed:
                self.on_changed(self.protocol)

        if not text.strip():
            self.fields["Nota"].set_error("Escreva a nota.")
            return
        self.runner.run(lambda: self.session.add_note(self.protocol, text), done)

    def change_status(self) -> None:
        new = self.status_choice.value

        def done(_):
            note = self.note.value
            self.note.value = ""
            self.refresh()
            self.status.ok(f"Status alterado para {new}.")
            if self.on_changed:
                self.on_changed(self.protocol)
            return note

        self.runner.run(lambda: self.session.change_status(self.protocol, new, note=self.note.value.strip() or None,
                                                           expected=self.data.get("updated_at")),
                        done)

    # -- Novo Contato, Transferir, Assumir -------------------------------------------------
    def _form(self, form) -> None:
        self.main.layout.display = "none"
        self.form_box.children = [form]

    def close_form(self, message: str | None = None) -> None:
        """Back from a form to the detail (refreshed when something was written)."""
        self.form_box.children = []
        self.main.layout.display = ""
        if message:
            self.refresh()
            self.status.ok(message)
            if self.on_changed:
                self.on_changed(self.protocol)

    def new_contact(self):
        from workbench.widgets.desk.contact import ContactForm, outcome_message

        self.contact_form = ContactForm(self.session, self.protocol, expected=self.data.get("updated_at"),
                                        closed=not self.data.get("is_open", True),
                                        on_done=lambda o: self.close_form(outcome_message(o)),
                                        on_cancel=self.close_form)
        self._form(self.contact_form)
        return self.contact_form

    def new_transfer(self):
        from workbench.widgets.desk.transfer import TransferForm, transfer_message

        self.transfer_form = TransferForm(self.session, self.protocol, current=self.data,
                                          on_done=lambda r: self.close_form(transfer_message(self.protocol, r)),
                                          on_cancel=self.close_form)
        self._form(self.transfer_form)
        return self.transfer_form

    def take(self) -> None:
        def done(_):
            self.refresh()
            self.status.ok(f"Você assumiu o atendimento nº {self.protocol}.")
            if self.on_changed:
                self.on_changed(self.protocol)

        self.runner.run(lambda: self.session.take(self.protocol, expected=self.data.get("updated_at")), done)
