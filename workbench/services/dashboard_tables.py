"""The dashboard's tables as shown and exported: columns (key, pt-BR header, kind) declared once.

The widgets draw these columns (adding which counts are links) and the
exports write them, so a file's headers and values are the screen's.
:data:`VIEW_TABLES` names every exportable table of a refresh.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from workbench.services.formatting import Column
from workbench.storage.dashboard_metrics import RESOLUTION_DIMENSIONS
from workbench.storage.dashboard_sql import AGE_BUCKETS

STATUS = (Column("label", "Status"), Column("n", "Atendimentos", "int"),
          Column("overdue", "Vencidos", "int"), Column("late", "Fora do prazo Anatel", "int"))
AGE = (Column("label", "Idade"), Column("n", "Em aberto", "int"), Column("overdue", "Vencidos", "int"),
       Column("late", "Fora do prazo Anatel", "int"))
OPERATORS = (Column("operator", "Operador"), Column("n", "Atendimentos", "int"),
             Column("resolved", "Resolvidos no 1º contato", "int"), Column("resolution_rate", "Taxa de resolução", "pct"),
             Column("os", "Com O.S.", "int"), Column("os_rate", "% com O.S.", "pct"))
RESOLUTION = (Column("label", "Grupo"), Column("n", "Encerrados", "int"),
              Column("median_h", "Mediana (horas)", "hours"), Column("p90_h", "P90 (horas)", "hours"))
FLOW = (Column("day", "Dia", "date"), Column("opened", "Abertos", "int"), Column("closed", "Encerrados", "int"),
        Column("backlog", "Em aberto no fim do dia", "int"))
ORDERS = (Column("status", "Status da O.S."), Column("n", "Ordens", "int"),
          *(Column(key, f"Em aberto há {label}", "int") for key, label, _lo, _hi in AGE_BUCKETS))
SCRIPTS = (Column("script", "Script"), Column("runs", "Execuções", "int"), Column("fim", "Chegaram ao fim", "int"),
           Column("encerrado", "Encerrados antes", "int"), Column("resolved", "Resolvidos", "int"),
           Column("resolution_rate", "Taxa de resolução", "pct"), Column("os", "Com O.S.", "int"))
SCRIPT_ENDS = (Column("script", "Script"), Column("last_question", "Última pergunta respondida"),
               Column("n", "Atendimentos", "int"), Column("resolved", "Resolvidos", "int"),
               Column("os", "Com O.S.", "int"))
SCRIPT_PATHS = (Column("script", "Script"), Column("path", "Respostas (caminho)"),
                Column("n", "Atendimentos", "int"), Column("resolved", "Resolvidos", "int"),
                Column("os", "Com O.S.", "int"), Column("open", "Sem resolução nem O.S.", "int"))
# The drill-down list: the situation and the status first, so they stay in sight at 1366 px.
LIST = (Column("protocol", "Protocolo", "code"), Column("situation", "Situação"), Column("status", "Status"),
        Column("title", "Título"), Column("client", "Cliente"), Column("created_at", "Aberto em", "datetime"),
        Column("due_at", "Vence em", "datetime"), Column("age_days", "Idade (dias)", "days"),
        Column("operator", "Operador"), Column("origin", "Origem"))
# The export of a list carries every column the list query returns.
LIST_EXPORT = (Column("protocol", "Protocolo", "code"), Column("situation", "Situação"),
               Column("status", "Status"), Column("title", "Título"), Column("client", "Cliente"),
               Column("type", "Tipo"), Column("origin", "Origem"), Column("operator", "Operador"),
               Column("created_at", "Aberto em", "datetime"), Column("due_at", "Vence em", "datetime"),
               Column("closed_at", "Encerrado em", "datetime"), Column("age_days", "Idade (dias)", "days"),
               Column("overdue", "Vencido", "bool"), Column("late", "Fora do prazo Anatel", "bool"))
ABANDONED = (Column("protocol", "Protocolo", "code"), Column("client", "Cliente"), Column("origin", "Origem"),
             Column("operator", "Operador"), Column("issued_at", "Emitido em", "datetime"),
             Column("outcome_at", "Abandonado em", "datetime"))
# The KPIs of a refresh, as the cards and the notebook show them.
KPIS = (Column("total", "Atendimentos no período", "int"), Column("open_backlog", "Em aberto (backlog)", "int"),
        Column("overdue", "Vencidos", "int"), Column("late", "Fora do prazo Anatel", "int"),
        Column("opened_today", "Abertos hoje", "int"), Column("opened_week", "Abertos nesta semana", "int"),
        Column("fcr_rate", "Resolvidos no 1º contato", "pct"), Column("os_rate", "Precisaram de O.S.", "pct"),
        Column("abandoned", "Protocolos abandonados", "int"), Column("closed", "Encerrados", "int"),
        Column("resolution_median_h", "Tempo de resolução, mediana (h)", "hours"),
        Column("resolution_p90_h", "Tempo de resolução, p90 (h)", "hours"),
        Column("sla_rate", "No prazo do tipo (SLA)", "pct"), Column("anatel_rate", "No prazo Anatel (7/10 dias)", "pct"),
        Column("reopen_rate", "Reabertos", "pct"), Column("repeat_rate", "Contato repetido em 30 dias", "pct"))
SITUATION_LATE = "FORA DO PRAZO ANATEL"
SITUATION_OVERDUE = "Vencido"


def situation(row) -> str:
    """What the list's "Situação" column says of one attendance."""
    if bool(row.get("late")):
        return SITUATION_LATE
    if bool(row.get("overdue")):
        return SITUATION_OVERDUE
    return ""


def with_situation(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["situation"] = [situation(r) for r in out[["late", "overdue"]].to_dict("records")] if len(out) else []
    return out


def titles_columns(status_labels: list[str]) -> tuple[Column, ...]:
    """Total, share and trend first (in sight in a narrow JupyterLab pane), then one column per status."""
    return (Column("title", "Título"), Column("total", "Total", "int"), Column("share", "% do total", "pct"),
            Column("previous", "Período anterior", "int"), Column("trend", "Tendência", "trend"),
            *(Column(s, s, "int") for s in status_labels))


def _status_with_total(data) -> pd.DataFrame:
    frame = data.status
    total = pd.DataFrame([{"code": None, "label": "Total", "is_open": None, "n": frame["n"].sum(),
                           "overdue": frame["overdue"].sum(), "late": frame["late"].sum()}])
    return pd.concat([frame, total], ignore_index=True)


def kpi_frame(kpis: dict) -> pd.DataFrame:
    """The KPIs as a two-column table of texts (Indicador, Valor), formatted as on the cards."""
    from workbench.services.formatting import display

    return pd.DataFrame({"Indicador": [c.label for c in KPIS], "Valor": [display(kpis.get(c.key), c.kind) for c in KPIS]})


# name -> (file name, (frame, columns) of a DashboardData)
VIEW_TABLES: dict[str, tuple[str, Callable]] = {
    "status": ("por status", lambda d: (_status_with_total(d), STATUS)),
    "age": ("idade em aberto", lambda d: (d.age, AGE)),
    "titles": ("por titulo", lambda d: (d.titles, titles_columns(d.status_labels))),
    "operators": ("por operador", lambda d: (d.operators, OPERATORS)),
    "flow": ("abertos e encerrados por dia", lambda d: (d.flow, FLOW)),
    "orders": ("ordens de servico", lambda d: (d.orders, ORDERS)),
    **{f"resolution_{key}": (f"tempo de resolucao por {label.lower()}",
                             (lambda k: lambda d: (d.resolution[k], RESOLUTION))(key))
       for key, label in ((dim.key, dim.label) for dim in RESOLUTION_DIMENSIONS)},
    "scripts": ("scripts", lambda d: (d.scripts, SCRIPTS)),
    "script_ends": ("onde terminam os scripts", lambda d: (d.script_ends, SCRIPT_ENDS)),
    "script_paths": ("caminhos do script", lambda d: (d.script_paths, SCRIPT_PATHS)),
}
