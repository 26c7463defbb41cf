"""Rich display of records in a notebook: ``wb.client(id)`` and ``wb.attendance(p)`` as tables.

Plain HTML strings (no widget), every value escaped and formatted the pt-BR
way (:mod:`workbench.services.formatting`).
"""

from __future__ import annotations

import html
from datetime import date, datetime
from typing import Any, Iterable

from workbench.frame import Frame

from workbench.services.formatting import display

_TABLE = "border-collapse:collapse;font-size:13px;margin:4px 0 10px"
_CELL = "padding:2px 10px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        kind = "bool"
    elif isinstance(value, datetime):
        kind = "datetime"
    elif isinstance(value, date):
        kind = "date"
    elif isinstance(value, int):
        kind = "int"
    else:
        kind = "text"
    text = display(value, kind)
    return html.escape(text)


def fields_table(pairs: Iterable[tuple[str, Any]]) -> str:
    rows = "".join(f"<tr><th style='{_CELL};color:#52606d;font-weight:400'>{html.escape(k)}</th>"
                   f"<td style='{_CELL}'><b>{_text(v)}</b></td></tr>" for k, v in pairs)
    return f"<table style='{_TABLE}'>{rows}</table>"


def frame_table(frame: Frame, columns: dict[str, str], empty: str) -> str:
    if frame is None or not len(frame):
        return f"<p style='color:#7b8794;font-style:italic'>{html.escape(empty)}</p>"
    keys = [k for k in columns if k in frame.columns]
    head = "".join(f"<th style='{_CELL};background:#e4ebf2'>{html.escape(columns[k])}</th>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td style='{_CELL}'>{_text(v)}</td>" for v in row) + "</tr>"
                   for row in zip(*[frame[k].tolist() for k in keys]))
    return f"<table style='{_TABLE}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _heading(text: str) -> str:
    return f"<div style='font-weight:600;color:#1f4e79;margin-top:6px'>{html.escape(text)}</div>"


CLIENT_FIELDS = {"code": "Código", "kind": "Tipo", "name": "Nome / Razão Social", "trade_name": "Nome Fantasia",
                 "document": "CPF/CNPJ", "email": "E-mail", "phone": "Telefone", "mobile": "Celular",
                 "street": "Logradouro", "number": "Número", "district": "Bairro", "city": "Cidade",
                 "state": "UF", "zip": "CEP", "created_at": "Cliente desde"}
CONTRACT_COLUMNS = {"contract_id": "Contrato", "plan": "Plano", "routing_point": "Ponto de Roteamento",
                    "access": "Acesso", "status": "Status", "started_on": "Início"}
ATTENDANCE_FIELDS = {"protocol": "Protocolo", "status": "Status", "client_name": "Cliente", "plan": "Plano",
                     "origin": "Origem", "title": "Título", "type": "Tipo", "person_name": "Nome da Pessoa",
                     "operator": "Operador", "created_at": "Aberto em", "due_at": "Prazo",
                     "closed_at": "Concluído em", "problem": "Problema Descrito pelo Cliente",
                     "checks_done": "Verificações Realizadas", "resolved": "Resolvido",
                     "solution": "Descrição da Solução", "os_requested": "Pedir O.S.", "script": "Script"}
ANSWER_COLUMNS = {"seq": "#", "question": "Pergunta", "answer": "Resposta"}
HISTORY_COLUMNS = {"event_at": "Data", "operator": "Operador", "kind": "Evento", "from_status": "De",
                   "to_status": "Para", "note": "Nota"}


def client_html(record) -> str:
    d = record.data
    s = record.summary
    summary = [("Atendimentos", s.get("total", 0)), ("Em aberto", s.get("open", 0)),
               ("Último atendimento", s.get("last_at"))]
    return (_heading(f"Cliente {d.get('code', '')} — {d.get('name', '')}")
            + fields_table((label, d.get(key)) for key, label in CLIENT_FIELDS.items() if d.get(key) is not None)
            + _heading("Planos") + frame_table(record.contracts, CONTRACT_COLUMNS, "Nenhum plano.")
            + _heading("Atendimentos") + fields_table(summary))


def attendance_html(detail) -> str:
    d = detail.data
    so = detail.service_order
    order = fields_table([("O.S.", so.get("order_id")), ("Status", so.get("status")),
                          ("Descrição", so.get("description"))]) if so else ""
    return (_heading(f"Atendimento nº {d.get('protocol', '')}")
            + fields_table((label, d.get(key)) for key, label in ATTENDANCE_FIELDS.items() if key in d)
            + order + _heading("Relatório do Script")
            + frame_table(detail.answers, ANSWER_COLUMNS, "Sem script neste atendimento.")
            + _heading("Histórico") + frame_table(detail.history, HISTORY_COLUMNS, "Sem histórico."))
