"""Resolution time, SLA, flow per day, backlog over time, reopen and repeat rates, work orders:
hand-computed answers on the fixed dataset (``dashdata``), and every figure's list.

Period 2026-10-29..11-27, now 11-27 15:00. Closed in the period: A5 (26 h, due 11-27 11:00: SLA missed,
Anatel met), A6 (2 h, met). Open past the type's deadline: A2, A3, A4, A7; past Anatel's: A3 (complaint,
8 days), A4 (15 days), A7 (26 days). A2 was reopened; A7 repeats A8.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import backends
from dashdata import DEFAULT, NOW, build, protocols, refresh
from workbench.errors import ValidationError
from workbench.services import dashboard as dash
from workbench.services.dashboard_tables import VIEW_TABLES
from workbench.storage.dashboard_metrics import RESOLUTION_DIMENSIONS
from workbench.storage.dashboard_sql import DRILLS

@pytest.fixture(scope="module", params=backends.BACKENDS)
def dash_desk(request, tmp_path_factory):
    return build(backends.target(request, tmp_path_factory, "dash"))


@pytest.fixture(scope="module")
def sup(dash_desk):
    return dash_desk[1]


@pytest.fixture(scope="module")
def data(sup):
    return refresh(sup)


def listed(sup, drill, filters=DEFAULT):
    return protocols(dash.attendance_list(sup, filters, drill, now=NOW))


def test_resolution_time_median_and_p90_overall_and_per_dimension(data, sup):
    k = data.kpis
    assert k["closed"] == 2
    assert k["resolution_median_h"] == pytest.approx(14.0)            # (26 + 2) / 2
    assert k["resolution_p90_h"] == pytest.approx(2 + 0.9 * 24)       # linear interpolation: 23.6
    title = data.resolution["title"].set_index("key")
    assert list(title.index) == ["sem_conexao"] and title.loc["sem_conexao", "label"] == "Sem conexão"
    assert (title.loc["sem_conexao", "n"], title.loc["sem_conexao", "median_h"]) == (2, pytest.approx(14.0))
    typ = data.resolution["type"].set_index("key")
    assert typ.loc["suporte_tecnico", "p90_h"] == pytest.approx(23.6)
    ops = data.resolution["operator_id"].set_index("key")
    assert ops.loc[1, "median_h"] == pytest.approx(26.0) and ops.loc[2, "median_h"] == pytest.approx(2.0)
    assert ops.loc[1, "label"] == "Alice Atendente"
    queue = data.resolution["queue"].set_index("key")
    assert queue.loc["suporte_n1", "median_h"] == pytest.approx(26.0) and queue.loc["suporte_n2", "n"] == 1
    assert queue.loc["suporte_n2", "label"] == "Suporte N2"
    assert listed(sup, {"closed": True, "queue": "suporte_n2"}) == ["20261127000002"]
    assert dash.describe_drill(sup, {"queue": "suporte_n2"}).endswith("Fila: Suporte N2")
    assert listed(sup, {"closed": True}) == ["20261126000001", "20261127000002"]
    assert listed(sup, {"closed": True, "operator_id": 2}) == ["20261127000002"]
    assert listed(sup, {"closed": True, "title": "sem_conexao"}) == ["20261126000001", "20261127000002"]


def test_a_new_resolution_dimension_is_one_declaration():
    keys = [d.key for d in RESOLUTION_DIMENSIONS]
    assert keys == ["title", "type", "operator_id", "queue"]
    for key in keys:                                 # each is a drill kind and an exported table
        assert key in DRILLS and f"resolution_{key}" in VIEW_TABLES


def test_sla_compliance_of_the_type_and_of_anatel(data, sup):
    k = data.kpis
    assert (k["sla_met"], k["sla_missed"]) == (1, 5) and k["sla_rate"] == pytest.approx(1 / 6)
    assert (k["anatel_met"], k["anatel_missed"]) == (2, 3) and k["anatel_rate"] == pytest.approx(0.4)
    assert listed(sup, {"sla": "met"}) == ["20261127000002"]
    assert listed(sup, {"sla": "missed"}) == ["20261101000001", "20261112000001", "20261119000001",
                                              "20261125000001", "20261126000001"]
    assert listed(sup, {"anatel": "met"}) == ["20261126000001", "20261127000002"]
    assert listed(sup, {"anatel": "missed"}) == ["20261101000001", "20261112000001", "20261119000001"]


def test_closed_per_day_and_open_backlog_over_time(data, sup):
    flow = data.flow.set_index("day")
    assert len(flow) == 30 and flow["opened"].sum() == 7 and flow["closed"].sum() == 2
    assert flow.loc[date(2026, 11, 27), "closed"] == 2 and flow.loc[date(2026, 11, 26), "closed"] == 0
    # open at the end of each day: A8 (opened before the period) + opened so far - closed so far
    assert flow.loc[date(2026, 10, 29), "backlog"] == 1
    assert flow.loc[date(2026, 11, 1), "backlog"] == 2
    assert flow.loc[date(2026, 11, 26), "backlog"] == 6
    assert flow.loc[date(2026, 11, 27), "backlog"] == 6 == data.kpis["open_backlog"]
    assert listed(sup, {"closed_day": date(2026, 11, 27)}) == ["20261126000001", "20261127000002"]
    assert listed(sup, {"open_on": date(2026, 11, 26)}) == [
        "20261020000001", "20261101000001", "20261112000001", "20261119000001", "20261125000001",
        "20261126000001"]
    assert listed(sup, {"open_on": date(2026, 11, 1)}) == ["20261020000001", "20261101000001"]


def test_reopen_rate_and_repeat_contacts(data, sup):
    k = data.kpis
    assert (k["reopened"], k["ever_closed"]) == (1, 3) and k["reopen_rate"] == pytest.approx(1 / 3)
    assert k["repeats"] == 1 and k["repeat_rate"] == pytest.approx(1 / 7)
    assert listed(sup, {"reopened": True}) == ["20261125000001"]
    assert listed(sup, {"repeat": True}) == ["20261101000001"]                # A8 twelve days before
    assert dash.attendance_list(sup, DEFAULT, {"repeat": False}, now=NOW).total == 6


def test_work_orders_by_status_and_age(data, sup):
    orders = data.orders.set_index("status")
    assert dict(orders["n"]) == {"Aberta": 1, "Agendada": 1, "Em Execução": 0, "Finalizada": 1, "Cancelada": 0}
    assert orders.loc["Aberta", "2-5"] == 1 and orders.loc["Agendada", "11-30"] == 1
    assert orders.loc["Agendada", "0-1"] == 0 and pd.isna(orders.loc["Finalizada", "2-5"])  # not open: no age
    assert listed(sup, {"os_status": "Aberta"}) == ["20261125000001"]
    assert listed(sup, {"os_status": "Finalizada"}) == ["20261126000001"]      # A9's order: before the period
    assert listed(sup, {"os_age": "11-30"}) == ["20261112000001"]


@pytest.mark.parametrize("changes, closed, sla, repeats, orders", [
    ({"origin": "email"}, 0, (0, 1), 0, 1),                  # A2 only: past due, reopened, its O.S.
    ({"operator_id": 1}, 1, (0, 3), 1, 1),                   # A1 A3 A5 A7: A5 closed late; A7 repeats
    ({"city": "Campinas"}, 1, (1, 1), 0, 1),                 # A2 A6
    ({"start": date(2026, 11, 26), "end": date(2026, 11, 27)}, 2, (1, 1), 0, 3),
])
def test_filters_apply_to_the_new_metrics(sup, changes, closed, sla, repeats, orders):
    data = refresh(sup, **changes)
    k = data.kpis
    assert k["closed"] == closed and (k["sla_met"], k["sla_missed"]) == sla and k["repeats"] == repeats
    assert data.orders["n"].sum() == orders
    assert data.flow["opened"].sum() == k["total"]
    assert dash.attendance_list(sup, data.filters, {"closed": True}, now=NOW).total == closed
    assert dash.attendance_list(sup, data.filters, {"sla": "missed"}, now=NOW).total == sla[1]


def test_every_drill_kind_is_declared_once_and_agrees_between_storage_and_services(sup):
    """Services caption and validate exactly the kinds storage queries; each kind runs."""
    assert set(dash.DRILLS) == set(DRILLS)
    for key, kind in DRILLS.items():
        assert kind.example is not None, key
        caption = dash.describe_drill(sup, {key: kind.example})
        assert caption and caption != "Todos os atendimentos" and f"{key}:" not in caption
        page = dash.attendance_list(sup, DEFAULT, {key: kind.example}, now=NOW)
        assert page.total == len(page.frame) or page.total > len(page.frame)
    with pytest.raises(ValidationError, match="desconhecida"):
        dash.attendance_list(sup, DEFAULT, {"password_hash": 1}, now=NOW)
    with pytest.raises(ValidationError, match="'age'"):
        dash.attendance_list(sup, DEFAULT, {"age": "99"}, now=NOW)
    with pytest.raises(ValidationError, match="'hour'"):
        dash.attendance_list(sup, DEFAULT, {"hour": "x"}, now=NOW)
    assert dash.describe_drill(sup, {"status": "pendente", "late": True}) == "Status: Pendente · fora do prazo Anatel"


def test_dashboard_services_are_reachable_from_the_session(sup):
    board = sup.dashboard
    assert "refresh" in dir(board) and "attendance_list" in repr(board)
    assert board.refresh(DEFAULT, now=NOW).kpis["closed"] == 2
    assert board.attendance_list(DEFAULT, {"reopened": True}, now=NOW).total == 1
