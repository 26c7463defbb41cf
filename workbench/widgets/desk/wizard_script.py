"""The wizard's Script de Atendimento and Relatório do Script steps.

:class:`ScriptSteps` is a part of :class:`~workbench.widgets.desk.wizard.AttendanceWizard`
(it uses the wizard's ``draft``, ``runner``, ``kbd``, ``screens``, ``fields``,
``_btn``, ``_nav`` and ``_go``): one question at a time with its explanations
for the client and for the operator ("Ver"/"Fechar"), "Próxima Pergunta",
"Encerrar Script" and "Voltar" (one question back); then the report of the
answers. A question's buttons are new for each question, so a double click
never answers two questions.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.widgets.common import Field, css, esc, title
from workbench.widgets.table import Table

REPORT = {"seq": "#", "question": "Pergunta", "answer": "Resposta"}


class ScriptSteps:
    """The script and report screens of the attendance wizard (a mixin of ``AttendanceWizard``)."""

    # -- script -------------------------------------------------------------------------
    def _build_script(self):
        self.question_html = css(w.HTML(""), "wb-card")
        self.client_expl = css(w.HTML(""), "wb-explanation")
        self.operator_expl = css(w.HTML(""), "wb-explanation")
        self.client_expl.layout.display = "none"
        self.operator_expl.layout.display = "none"
        self.client_ver = self._btn("Ver", lambda: self._toggle(self.client_expl, True), step="script")
        self.client_fechar = self._btn("Fechar", lambda: self._toggle(self.client_expl, False), step="script")
        self.operator_ver = self._btn("Ver", lambda: self._toggle(self.operator_expl, True), step="script")
        self.operator_fechar = self._btn("Fechar", lambda: self._toggle(self.operator_expl, False), step="script")
        self.options = w.RadioButtons(options=[], value=None, layout=w.Layout(width="auto"))
        self.fields["Pergunta"] = Field("Pergunta", self.question_html)
        self.fields["Opções"] = Field("Opções", self.options, required=True)
        self.script_client = self._btn("Dados do Cliente", self.show_client_data, step="script", icon="user")
        self.script_exit = self._btn("Sair", self.ask_leave, step="script")
        self.script_nav = self._nav()
        self._question_buttons()
        self.script_name = w.HTML("")
        self.screens["script"] = w.VBox([
            title("Script de Atendimento"), self.script_name, self.fields["Pergunta"],
            w.HTML("<b>Explicação para o Cliente</b>"),
            w.HBox([self.client_ver, self.client_fechar]), self.client_expl,
            w.HTML("<b>Explicação para o Operador</b>"),
            w.HBox([self.operator_ver, self.operator_fechar]), self.operator_expl,
            self.fields["Opções"], self.script_nav])

    def _question_buttons(self):
        """Fresh "Próxima Pergunta", "Encerrar Script" and "Voltar" for the question on screen."""
        old = [getattr(self, name, None) for name in ("next_q", "end_s", "script_back")]
        self.next_q = self._btn("Próxima Pergunta", self.script_next, step="script", primary=True)
        self.end_s = self._btn("Encerrar Script", self.script_end, step="script")
        self.script_back = self._btn("Voltar", self.script_previous, step="script")
        self.script_nav.children = [self.next_q, self.end_s, self.script_client, self.script_back,
                                    self.script_exit]
        self._retire(*[b for b in old if b is not None])
        if "script" in getattr(self, "screens", {}):
            self.kbd.enter(self.screens["script"], self.next_q, self.options)

    def _toggle(self, box, show: bool):
        box.layout.display = "" if show else "none"
        if box is self.client_expl:
            self.client_ver.disabled, self.client_fechar.disabled = show, not show
        else:
            self.operator_ver.disabled, self.operator_fechar.disabled = show, not show

    def _show_question(self):
        q = self.draft.question
        name = getattr(self.draft, "script_name", None)
        self.script_name.value = f"<span class='wb-hint'>Script: {esc(name)}</span>" if name else ""
        if q is None:
            return
        self._question_buttons()
        self.question_html.value = f"<b>{esc(q['text'])}</b>"
        self.client_expl.value = esc(q.get("client_explanation") or "—")
        self.operator_expl.value = esc(q.get("operator_explanation") or "—")
        self._toggle(self.client_expl, False)
        self._toggle(self.operator_expl, False)
        self.options.options = [(text, i) for i, text in enumerate(q["options"])]
        self.options.value = self.draft.current_answer
        if self.step == "script":
            self.kbd.focus_on(self.options)

    def script_next(self):
        def do():
            self.draft.answer(self.options.value)
            return self.draft.script_ended

        self.runner.run(do, lambda ended: self._go("relatorio") if ended else self._show_question())

    def script_end(self):
        def do():
            if self.options.value is not None and self.draft.question is not None:
                self.draft.answer(self.options.value)
            self.draft.end_script()

        self.runner.run(do, lambda _r: self._go("relatorio"))

    def script_previous(self):
        if self.draft.script_back():
            self._show_question()
        else:
            self._go("dados")

    # -- report -----------------------------------------------------------------------------
    def _build_report(self):
        self.report_table = Table(REPORT, height="220px", label="Relatório do Script",
                                  widths={"seq": 40, "question": 420, "answer": 300},
                                  empty_text="Nenhuma pergunta respondida.")
        self.report_client = self._btn("Dados do Cliente", self.show_client_data, step="relatorio", icon="user")
        self.report_back = self._btn("Voltar", self.report_previous, step="relatorio")
        self.report_continue = self._btn("Continuar", lambda: self._go("primeiro"), step="relatorio", primary=True)
        self.report_exit = self._btn("Sair", self.ask_leave, step="relatorio")
        self.screens["relatorio"] = w.VBox([
            title("Relatório do Script"), self.report_table,
            self._nav(self.report_client, self.report_back, self.report_continue, self.report_exit)])

    def report_previous(self):
        self.draft.script_back()
        self._go("script")
