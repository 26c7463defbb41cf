"""Meus Atendimentos and Fila: the open attendances for me and for my queues (issue 11 item 4).

Both lists come from the worklist service, most urgent first (past the Anatel
deadline, past the type's deadline, due within 24 hours, the rest), and
colour each row by its deadline state
(:data:`workbench.services.deadlines.DEADLINE_LABELS`), with the countdown in
the "Prazo" column. A row opens the attendance's detail in place (Novo
Contato, Transferir, Assumir); "Fila" also takes the selected attendance
("Assumir") and filters one queue or those nobody holds.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.services.deadlines import DEADLINE_LABELS
from workbench.widgets.common import Field, Runner, Status, button, css, esc, title
from workbench.widgets.detail import AttendanceDetail
from workbench.widgets.in_place import DetailInPlace
from workbench.widgets.keys import Keys
from workbench.widgets.table import Table

COLUMNS = {"protocol": "Protocolo", "title": "Título", "status": "Status", "countdown": "Prazo",
           "deadline_label": "Situação", "owner": "Responsável", "queue": "Fila", "client_name": "Cliente",
           "created_at": "Abertura"}
WIDTHS = {"protocol": 130, "title": 150, "status": 110, "countdown": 150, "deadline_label": 140, "owner": 130,
          "queue": 100, "client_name": 180, "created_at": 125}
COLOURS = {"no_prazo": "#1e6b32", "vence_24h": "#8a5a00", "vencido": "#b3261e", "anatel": "#7f1010"}
ALL_QUEUES = "Todas as minhas filas"


def legend() -> w.HTML:
    items = " &nbsp; ".join(f"<span style='color:{COLOURS[k]};font-weight:600'>&#9632; {esc(v)}</span>"
                            for k, v in DEADLINE_LABELS.items())
    return w.HTML(f"<span class='wb-hint'>Ordenados pela urgência.</span> &nbsp; {items}")


def _row_class(row: dict) -> str:
    state = row.get("deadline")
    return f"wb-dl-{state}" if isinstance(state, str) and state else ""


class WorkList(DetailInPlace, w.VBox):
    """What both screens share: the coloured list, its count, "Abrir" and the detail in place."""

    heading = ""
    empty = "Nenhum atendimento aberto."

    def __init__(self, wb, session, tools: list[w.Widget], buttons: list[w.Button]):
        self.wb = wb
        self.session = session
        self.status = Status()
        self.count = w.HTML("")
        self.table = Table(COLUMNS, on_open=self._open, height="360px", widths=WIDTHS, label=self.heading,
                           empty_text=self.empty, row_class=_row_class, mark="countdown")
        self.refresh_btn = button("Atualizar")
        self.open_btn = button("Abrir")
        self.refresh_btn.on_click(lambda _b: self.refresh())
        self.open_btn.on_click(lambda _b: self.table.open_row())
        self.runner = Runner(self.status, [self.refresh_btn, self.open_btn, *buttons], getattr(self, "fields", {}))
        self.detail: AttendanceDetail | None = None
        self.detail_box = w.VBox([])
        self.list_box = w.VBox([title(self.heading), legend(),
                                w.HBox([*tools, self.refresh_btn], layout=w.Layout(align_items="flex-end")),
                                self.status, self.table,
                                w.HBox([self.count, w.HBox([*buttons, self.open_btn])],
                                       layout=w.Layout(justify_content="space-between", align_items="center"))])
        self.kbd = Keys(focus=self.table.grid)
        super().__init__([self.list_box, self.detail_box, self.kbd], layout=w.Layout(width="100%"))
        self.refresh()

    def fetch(self):
        raise NotImplementedError

    def refresh(self) -> None:
        def show(df):
            df = df.copy()
            df["deadline_label"] = df["deadline"].map(lambda s: DEADLINE_LABELS.get(s, "")) if len(df) else []
            self.table.set_data(df)
            n = len(df)
            self.count.value = (f"Mostrando {n} de mais de {n}" if df.attrs.get("truncated")
                                else f"{n} atendimento{'s' if n != 1 else ''}")

        self.runner.run(self.fetch, show, busy="Carregando... Aguarde...")

    @property
    def protocols(self) -> list[str]:
        return list(self.table.df["protocol"]) if "protocol" in self.table.df.columns else []

    def _open(self, row: dict) -> None:
        self.detail = AttendanceDetail(self.wb, row["protocol"], session=self.session, on_close=self.close_detail)
        self.show_in_place(self.detail)

    def close_detail(self) -> None:
        self.detail = None
        self.back_to_list()
        self.refresh()
        self.kbd.focus_on(self.table.grid)


class MyAttendances(WorkList):
    """Meus Atendimentos: the open attendances this operator is responsible for."""

    heading = "Meus Atendimentos"
    empty = "Nenhum atendimento aberto sob sua responsabilidade."

    def __init__(self, wb, session):
        super().__init__(wb, session, [], [])
        css(self, "wb-worklist")

    def fetch(self):
        return self.session.worklist()


class QueueScreen(WorkList):
    """Fila: the open attendances of my queues (supervisors: every queue), one queue or all."""

    heading = "Fila"
    empty = "Nenhum atendimento aberto nesta fila."

    def __init__(self, wb, session):
        queues = session.queues()
        self.queue = w.Dropdown(options=[(ALL_QUEUES, None)] + [(r["label"], r["code"]) for _, r in queues.iterrows()],
                                value=None, layout=w.Layout(width="220px"))
        self.unassigned = w.Checkbox(value=False, description="Só os sem responsável", indent=False,
                                     layout=w.Layout(width="200px"))
        self.fields = {"Fila": Field("Fila", self.queue, width="auto")}
        self.take_btn = button("Assumir", primary=True)
        self.take_btn.on_click(lambda _b: self.take())
        note = None if len(queues) else w.HTML("<span class='wb-hint'>Você não atende nenhuma fila; peça ao "
                                               "administrador para incluí-lo numa.</span>")
        super().__init__(wb, session, [self.fields["Fila"], self.unassigned], [self.take_btn])
        if note is not None:
            self.list_box.children = (*self.list_box.children[:2], note, *self.list_box.children[2:])
        self.queue.observe(lambda _c: self.refresh(), "value")
        self.unassigned.observe(lambda _c: self.refresh(), "value")
        css(self, "wb-queue")

    def fetch(self):
        return self.session.queue(self.queue.value, unassigned=self.unassigned.value)

    def take(self) -> None:
        row = self.table.selected
        if row is None:
            self.status.error("Selecione um atendimento da lista.")
            return
        protocol = row["protocol"]

        def done(_):
            self.refresh()
            self.status.ok(f"Você assumiu o atendimento nº {protocol}.")

        self.runner.run(lambda: self.session.take(protocol, expected=row.get("updated_at")), done, keep_status=True)
