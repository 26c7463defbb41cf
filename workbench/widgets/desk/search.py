"""Pesquisar Cliente: "Procurar" (at least 2 characters), "Quantidade", "Pesquisar".

Enter in "Procurar" searches too; the cursor is in "Procurar" when the screen
appears. A row opens with "Abrir", a double click or Enter on the selected
row (Tab reaches the list, the arrows move in it); the list says when it was
cut ("Mostrando 50 de mais de 50"). "Quantidade" takes what the service
takes (1 to 500); a refused search clears the previous results.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.services.search import MAX_LIMIT
from workbench.widgets.common import Field, Runner, Status, button, css, title
from workbench.widgets.keys import Keys
from workbench.widgets.table import Table

COLUMNS = {"code": "Código", "name": "Nome / Razão Social", "document": "CPF/CNPJ", "city": "Cidade",
           "state": "UF", "phone": "Telefone", "trade_name": "Nome Fantasia"}


class ClientSearch(w.VBox):
    def __init__(self, wb, on_open: Callable[[dict], None], *, limit: int = 50):
        self.wb = wb
        self.on_open = on_open
        self.text = w.Text(placeholder="nome, código, CPF/CNPJ, telefone, e-mail...",
                           layout=w.Layout(width="380px"))
        self.text.add_class("wb-search-text")
        self.limit = w.BoundedIntText(value=limit, min=1, max=MAX_LIMIT, layout=w.Layout(width="90px"))
        self.fields = {"Procurar": Field("Procurar", self.text, required=True, hint_text="mínimo 2 caracteres",
                                         width="auto"),
                       "Quantidade": Field("Quantidade", self.limit, width="auto")}
        self.search_btn = button("Pesquisar", primary=True, icon="search")
        self.open_btn = button("Abrir", icon="folder-open")
        self.open_btn.disabled = True
        self.count = w.HTML("")
        self.status = Status()
        self.table = Table(COLUMNS, on_open=self._open, height="340px",
                           widths={"code": 80, "name": 260, "document": 150, "city": 140, "state": 44,
                                   "phone": 120, "trade_name": 160},
                           empty_text="Informe o que procurar e clique em Pesquisar.", label="Clientes encontrados")
        self.table.on_select = lambda row: setattr(self.open_btn, "disabled", row is None)
        self.runner = Runner(self.status, [self.search_btn, self.open_btn], self.fields)
        self.search_btn.on_click(lambda _b: self.search())
        self.open_btn.on_click(lambda _b: self.table.open_row())
        form = w.HBox([self.fields["Procurar"], self.fields["Quantidade"],
                       w.VBox([w.HTML("&nbsp;"), self.search_btn])],
                      layout=w.Layout(align_items="flex-start"))
        self.kbd = Keys(focus=self.text)
        self.kbd.enter(self.fields["Procurar"], self.search, self.text)
        self.kbd.enter(self.fields["Quantidade"], self.search)
        super().__init__([title("Pesquisar Cliente"), form, self.status, self.table,
                          w.HBox([self.count, w.HBox([self.open_btn])],
                                 layout=w.Layout(justify_content="space-between", align_items="center")),
                          self.kbd])
        css(self, "wb-search")

    def search(self) -> None:
        def show(df):
            self.table.set_data(df)
            self.open_btn.disabled = True
            n = len(df)
            if df.attrs.get("truncated"):
                self.count.value = f"Mostrando {n} de mais de {n}"
            elif n == 0:
                self.count.value = "Nenhum cliente encontrado."
            else:
                self.count.value = f"{n} cliente{'s' if n != 1 else ''} encontrado{'s' if n != 1 else ''}"

        if not self.runner.run(lambda: self.wb.search_clients(self.text.value, limit=self.limit.value), show,
                               busy="Pesquisando... Aguarde..."):
            self.table.set_data(self.table.df.iloc[:0])      # results of another search would mislead
            self.count.value = ""
        self.open_btn.disabled = self.table.selected is None

    def _open(self, row: dict) -> None:
        self.on_open(row)
