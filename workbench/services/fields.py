"""What a text field may hold, declared once for every way text comes in.

The wizard's screens, follow-up notes, the API and ``workbench import-clients``
check text against the same rules: a maximum length per field, and no NUL
or other control characters (a single-line field also refuses line breaks and
tabs; a multi-line one keeps them). Nothing here touches the database.

``RULES`` maps a field key to its :class:`TextRule`; :func:`text_problem`
returns the pt-BR reason a value breaks its rule (None when it is fine), and
:func:`control_pattern` gives the regular expression the importer applies to
whole columns at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# C0 controls, DEL and C1 controls; Python text may also hold lone surrogates (not UTF-8).
_CONTROLS_SINGLE = r"[\x00-\x1f\x7f-\x9f]"
_CONTROLS_MULTI = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"   # keeps \t \n \r
_SURROGATES = "\ud800-\udfff"
_SINGLE = re.compile(_CONTROLS_SINGLE[:-1] + _SURROGATES + "]")
_MULTI = re.compile(_CONTROLS_MULTI[:-1] + _SURROGATES + "]")


@dataclass(frozen=True)
class TextRule:
    """``label`` as shown on screen (pt-BR), the length bounds, and whether line breaks are allowed."""

    label: str
    max_len: int
    min_len: int = 0
    multiline: bool = False


RULES: dict[str, TextRule] = {
    # the wizard and follow-up
    "person_name": TextRule("Nome da Pessoa", 120, 2),
    "problem": TextRule("Problema Descrito pelo Cliente", 4000, 3, multiline=True),
    "checks": TextRule("Verificações Realizadas neste Contato", 4000, 3, multiline=True),
    "solution": TextRule("Descrição da Solução do Problema", 4000, 3, multiline=True),
    "note": TextRule("Nota", 4000, 1, multiline=True),
    # later contacts, transfers, work orders
    "said": TextRule("O que o cliente relatou", 4000, 3, multiline=True),
    "reason": TextRule("Motivo", 1000, 3, multiline=True),
    "os_address": TextRule("Endereço do serviço", 300, 5),
    "os_notes": TextRule("Observações da O.S.", 2000, 1, multiline=True),
    # a client's record (import-clients; a client form would use the same)
    "code": TextRule("código", 30, 1),
    "kind": TextRule("tipo", 10),
    "name": TextRule("nome", 150, 2),
    "trade_name": TextRule("nome fantasia", 150),
    "document": TextRule("documento", 40),
    "email": TextRule("e-mail", 254),
    "phone": TextRule("telefone", 30),
    "mobile": TextRule("celular", 30),
    "street": TextRule("logradouro", 150),
    "number": TextRule("número", 20),
    "district": TextRule("bairro", 80),
    "city": TextRule("cidade", 80),
    "state": TextRule("UF", 2),
    "zip": TextRule("CEP", 12),
    "created_at": TextRule("data de cadastro", 40),
    # searches typed by an operator
    "search": TextRule("Procurar", 200),
}


def control_pattern(multiline: bool = False) -> str:
    """The regular expression of the control characters a field refuses (for pandas' ``str.contains``)."""
    return _CONTROLS_MULTI if multiline else _CONTROLS_SINGLE


def has_control(value: str, multiline: bool = False) -> bool:
    return bool((_MULTI if multiline else _SINGLE).search(value))


def text_problem(value: str, rule: TextRule, *, required: bool = True) -> str | None:
    """Why ``value`` (already stripped) breaks ``rule``, in pt-BR; None when it is fine."""
    if not value:
        return f"Preencha o campo {rule.label}." if required else None
    if has_control(value, rule.multiline):
        return f"{rule.label}: caracteres de controle não são permitidos."
    if len(value) < rule.min_len:
        return f"{rule.label}: informe ao menos {rule.min_len} caracteres."
    if len(value) > rule.max_len:
        return f"{rule.label}: no máximo {rule.max_len} caracteres (informados {len(value)})."
    return None
