"""The client's attendance list as an operator sees it (issue 11 item 6): newest first, Título one
click away, open and late rows marked, the key columns first and the rest on demand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from workbench.widgets.desk.client import KEY_COLUMNS, MORE_COLUMNS, ClientScreen

import flowdata


def _age(wb, protocol: str, days: float) -> None:
    """Test data: the attendance was opened ``days`` ago, and its type's deadline passed with it."""
    opened = datetime.now(timezone.utc) - timedelta(days=days)
    with wb.store._write() as con:
        for table in ("attendances", "open_attendances"):
            if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                           [table]).fetchone()[0]:
                con.execute(f"UPDATE {table} SET created_at = ?, due_at = ? WHERE protocol = ?",
                            [opened, opened + timedelta(days=1), protocol])


@pytest.fixture
def listed(wb):
    ids = flowdata.seed(wb)
    session = flowdata.login(wb, "atendente")
    old = flowdata.register(session, ids["C0001"], title="Sem conexão", problem="Caiu a conexão no temporal")
    closed = flowdata.register(session, ids["C0001"], title="Lentidão", resolved=True)
    new = flowdata.register(session, ids["C0001"], title="Sem conexão", problem="x" * 300)
    _age(wb, old, 3)
    _age(wb, closed, 2)
    screen = ClientScreen(wb, session, ids["C0001"], on_add=lambda: None)
    return wb, session, screen.attendances, {"old": old, "closed": closed, "new": new}


def test_opens_newest_first_with_the_key_columns(listed):
    wb, _s, lst, p = listed
    assert list(lst.table.df["protocol"]) == [p["new"], p["closed"], p["old"]]
    assert lst.table.grid.columns[0] == "Protocolo"
    assert lst.table.grid.columns == ["Protocolo", "Título", "Status", "Abertura", "Prazo", "Responsável"]
    assert lst.table.grid.rows[0][5] == "Atendente Teste"             # Responsável
    assert lst.table.sort_key == "created_at" and lst.table.grid.sort_descending is True
    assert sum(lst.table.grid.widths) <= 1000                          # fits the 1100 px desk at 1366 px


def test_title_order_is_one_header_click_away(listed):
    wb, _s, lst, p = listed
    lst.table._message(lst.table.grid, {"event": "sort", "column": 1}, [])   # a click on "Título"
    assert lst.order.value == "Título" and lst.descending.value is False
    assert list(lst.table.df["title"]) == sorted(lst.table.df["title"])
    assert list(lst.table.df["title"])[0] == "Lentidão"
    assert lst.table.sort_key == "title" and lst.table.grid.sort_descending is False
    lst.table.sort_by("title")                                          # again: Z→A
    assert list(lst.table.df["title"])[0] == "Sem conexão" and lst.descending.value is True
    lst.table.sort_by("created_at")                                     # back to newest first
    assert list(lst.table.df["protocol"])[0] == p["new"]
    lst.table.sort_by("owner")
    assert lst.order.value == "Responsável"


def test_open_and_late_rows_are_marked(listed):
    wb, _s, lst, p = listed
    marks = dict(zip(lst.table.df["protocol"], lst.table.grid.row_classes))
    assert "wb-row-open" in marks[p["old"]] and "wb-row-late" in marks[p["old"]]
    assert "wb-row-open" in marks[p["new"]] and "wb-row-late" not in marks[p["new"]]
    assert "wb-row-due" in marks[p["new"]]                              # a 24 h type: due within 24 h
    assert marks[p["closed"]] == ""
    assert "vencido" in lst.legend.value


def test_the_rest_on_demand_and_the_whole_text_of_a_cut_cell(listed):
    wb, _s, lst, p = listed
    lst.more.value = True
    assert lst.table.grid.columns == list(KEY_COLUMNS.values()) + list(MORE_COLUMNS.values())
    row = lst.table.grid.rows[0]
    assert row[-1] == "x" * 300                                         # the browser shows it as the tooltip
    assert row[list(lst.table.columns).index("countdown")].startswith("vence em")
    assert lst.table.sort_key == "created_at"                           # the order's arrow stays
    lst.more.value = False
    assert len(lst.table.grid.columns) == 6 and len(lst.table.grid.rows[0]) == 6
    lst.table.open_row(0)
    assert "x" * 300 in lst.detail.summary.value                        # and in full in the detail
