"""A list whose rows open their detail in the list's place (the client's attendances, the worklists,
the work orders): the list is hidden, not rebuilt, so its filters and scroll survive the visit."""

from __future__ import annotations

import ipywidgets as w


class DetailInPlace:
    """For a screen made of ``list_box`` and ``detail_box``: one detail at a time, in the list's place."""

    list_box: w.Box
    detail_box: w.Box

    def show_in_place(self, detail: w.Widget) -> None:
        """Hide the list and show ``detail`` where it was."""
        self.list_box.layout.display = "none"
        self.detail_box.children = [detail]

    def back_to_list(self) -> None:
        """Drop the detail and show the list again (the caller refreshes it)."""
        self.detail_box.children = []
        self.list_box.layout.display = ""
