"""The lookup box in the desk's header: a text field and "Buscar" (Enter searches too).

It is on the login screen's header already, so it imports nothing heavy: what a lookup
found is shown by :class:`~workbench.widgets.desk.lookup.LookupScreen`, imported when a
lookup has something to show.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.widgets.common import accessible_label, button, css
from workbench.widgets.keys import Keys

LABEL = "Procurar protocolo, CPF/CNPJ, telefone ou nome"


class LookupBox(w.HBox):
    """The header's box: a text field and "Buscar" (Enter searches too)."""

    def __init__(self, on_lookup: Callable[[str], None]):
        self.text = w.Text(placeholder="protocolo, CPF/CNPJ, telefone ou nome", layout=w.Layout(width="280px"))
        accessible_label(self.text, LABEL)
        self.text.add_class("wb-lookup-text")
        self.go = button("Buscar", tooltip=LABEL)
        self.go.add_class("wb-lookup-go")
        self.go.on_click(lambda _b: on_lookup(self.text.value))
        self.kbd = Keys()
        self.kbd.enter(self.text, lambda: on_lookup(self.text.value), self.text)
        super().__init__([self.text, self.go, self.kbd])
        css(self, "wb-lookup")
