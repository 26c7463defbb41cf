"""After login: "Você tem um atendimento em andamento (protocolo nº …)".

One line per attendance the operator left in progress (a reload, a closed
tab, a dead kernel, a lost connection), each with "Continuar atendimento",
which reopens the wizard exactly where it was saved; "Agora não" goes to the
Área de Trabalho (the draft stays, and is offered again at the next login,
until it is finished, left with "Sair sem salvar?" or swept as stale).
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.services import formatting
from workbench.widgets.common import button, css, esc, title
from workbench.widgets.keys import Keys

STEPS = {"alerta": "aviso do protocolo", "origem": "Origem do Atendimento", "dados": "Dados do Atendimento",
         "script": "Script de Atendimento", "relatorio": "Relatório do Script", "primeiro": "Primeiro Contato"}


class ResumeScreen(w.VBox):
    """``ResumeScreen(drafts, on_resume=cb(protocol), on_skip=cb())``."""

    def __init__(self, drafts, *, on_resume: Callable[[str], None], on_skip: Callable[[], None]):
        self.drafts = list(drafts)
        self.buttons: list[w.Button] = []
        rows = []
        for d in self.drafts:
            client = d.values.get("client_name") or ""
            text = (f"Você tem um atendimento em andamento (protocolo nº <b>{esc(d.protocol)}</b>)"
                    f"{' — ' + esc(client) if client else ''}<br><span class='wb-hint'>parado em "
                    f"{esc(STEPS.get(d.step, d.step))}, salvo em {esc(formatting.display(d.saved_at, 'datetime'))}"
                    "</span>")
            b = button("Continuar atendimento", primary=True)
            b.on_click(lambda _b, p=d.protocol: on_resume(p))
            self.buttons.append(b)
            rows.append(css(w.HBox([w.HTML(text), b], layout=w.Layout(justify_content="space-between",
                                                                       align_items="center", margin="6px 0")),
                            "wb-card"))
        self.skip = button("Agora não")
        self.skip.on_click(lambda _b: on_skip())
        self.kbd = Keys(focus=self.buttons[0] if self.buttons else self.skip)
        super().__init__([title("Atendimento em andamento"), *rows,
                          w.HBox([self.skip], layout=w.Layout(justify_content="flex-end")), self.kbd])
        css(self, "wb-resume")

    @property
    def message(self) -> str:
        return " ".join(f"Você tem um atendimento em andamento (protocolo nº {d.protocol})" for d in self.drafts)
