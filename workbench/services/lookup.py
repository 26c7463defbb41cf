"""Find anything from anywhere: one box that takes a protocol, a CPF/CNPJ, a phone, a client
code, an e-mail or a name (the desk's header; ``wb.lookup(text)`` in the API).

A protocol is answered from the protocol log, so every protocol ever told to
a client is found, registered, open or abandoned; everything else goes to the
client search (:mod:`workbench.services.search`). UI-free and SQL-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from workbench.frame import Frame

from workbench.errors import NotFoundError, ValidationError
from workbench.services import search
from workbench.services.documents import document_chars, is_valid_cnpj, is_valid_cpf, only_digits

FIELD = "Procurar"
KINDS = ("protocolo", "documento", "telefone", "codigo", "email", "nome")
_PREFIX = re.compile(r"^\s*(?:protocolo|prot\.?)\s*(?:n\s*[º°o.]?|#)?\s*[:.]?\s*", re.IGNORECASE)
_NUMBER = re.compile(r"[\d\s.\-/()+]+")
_CODE = re.compile(r"[A-Za-z]{1,3}-?\d{3,}")
EXAMPLE = "20261127000123"


@dataclass
class LookupResult:
    """What the lookup recognised (``kind``) and found.

    ``protocol``: the protocol-log entry (protocol, issued_at, operator,
    client_id, client_name, client_code, origin, outcome, outcome_at) with,
    when it was registered, the attendance's title, status, is_open,
    created_at, due_at, closed_at (``registered`` True); None for other kinds.
    ``clients``: the matching clients (the client search's columns), None for a protocol.
    """

    text: str
    kind: str
    protocol: dict | None = None
    clients: Frame | None = None

    @property
    def registered(self) -> bool:
        return bool(self.protocol and self.protocol.get("registered"))

    @property
    def message(self) -> str:
        """One pt-BR line saying what was found."""
        if self.protocol is not None:
            p = self.protocol
            if p["registered"]:
                return f"Protocolo nº {p['protocol']}: atendimento {p['status']} ({p['title']})."
            situation = {"aberto": "em andamento, ainda não registrado",
                         "abandonado": "abandonado, o atendimento não foi registrado"}.get(p["outcome"], p["outcome"])
            return f"Protocolo nº {p['protocol']}: {situation}."
        n = 0 if self.clients is None else len(self.clients)
        if n == 0:
            return "Nenhum cliente encontrado."
        more = self.clients.attrs.get("truncated")
        return f"{'Mais de ' if more else ''}{n} cliente{'s' if n != 1 else ''} encontrado{'s' if n != 1 else ''}."


def _plausible_day(digits: str) -> bool:
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return 2000 <= day.year <= 2199


def classify(text: str) -> tuple[str, str]:
    """(kind, the text to look for): a protocol keeps only its digits."""
    cleaned = _PREFIX.sub("", text).strip()
    said_protocol = cleaned != text.strip()
    if _NUMBER.fullmatch(cleaned) and any(c.isdigit() for c in cleaned):
        digits = only_digits(cleaned)
        if len(digits) == 14 and (_plausible_day(digits) or said_protocol) and not _formatted_cnpj(cleaned):
            return "protocolo", digits
        if said_protocol or (12 <= len(digits) <= 16 and _plausible_day(digits) and not is_valid_cnpj(digits)):
            raise ValidationError(f"'{cleaned[:40]}' não é um protocolo: o protocolo tem 14 dígitos, a data "
                                  f"(AAAAMMDD) e a sequência do dia (6 dígitos), como {EXAMPLE}.", field=FIELD)
        if len(digits) == 14 and not is_valid_cnpj(digits):
            raise ValidationError(f"'{cleaned[:40]}' não é um protocolo (AAAAMMDD + 6 dígitos, como {EXAMPLE}) "
                                  "nem um CNPJ válido.", field=FIELD)
        if (len(digits) == 11 and is_valid_cpf(digits)) or (len(digits) == 14 and is_valid_cnpj(digits)):
            return "documento", cleaned
        return ("telefone" if 8 <= len(digits) <= 13 else "codigo"), cleaned
    if said_protocol:
        raise ValidationError(f"'{cleaned[:40]}' não é um protocolo: o protocolo tem 14 dígitos, como {EXAMPLE}.",
                              field=FIELD)
    if len(document_chars(cleaned)) == 14 and is_valid_cnpj(cleaned):
        return "documento", cleaned
    if "@" in cleaned:
        return "email", cleaned
    if _CODE.fullmatch(cleaned):
        return "codigo", cleaned
    return "nome", cleaned


def _formatted_cnpj(text: str) -> bool:
    return "/" in text and is_valid_cnpj(text)


def lookup(store, text, *, limit: int = 20, reference: dict | None = None) -> LookupResult:
    """See :meth:`workbench.api.Workbench.lookup`; ``reference`` is the reference tables
    (``wb.reference_cached()``) that name the origin, title and status codes."""
    text, limit = search.validate(text, limit)
    kind, needle = classify(text)
    if kind == "protocolo":
        found = store.lookup_protocol(needle)
        if found is None and is_valid_cnpj(needle):          # a CNPJ that happens to start like a date
            return LookupResult(text=needle, kind="documento", clients=search.search_clients(store, needle, limit))
        if found is None:
            raise NotFoundError(f"Nenhum protocolo nº {needle} foi emitido. Confira o número com o cliente "
                                f"(14 dígitos: a data AAAAMMDD e a sequência do dia).", field=FIELD)
        return LookupResult(text=needle, kind=kind, protocol=_named(found, reference or store.reference()))
    return LookupResult(text=needle, kind=kind, clients=search.search_clients(store, needle, limit))


def _named(row: dict, reference: dict) -> dict:
    """The store's row with labels for its reference codes (an unknown code keeps its code)."""
    def label(table: str, code):
        if code is None:
            return None
        df = reference[table]
        match = df[df["code"] == code]
        return code if match.empty else match.iloc[0]["label"]

    statuses = reference["statuses"]
    is_open = statuses[statuses["code"] == row["status_code"]]["is_open"]
    named = {"origin": label("origins", row["origin_code"]), "title": label("titles", row["title_code"]),
             "status": label("statuses", row["status_code"]),
             "is_open": None if is_open.empty else bool(is_open.iloc[0])}
    found: dict = {}
    for key, value in row.items():
        if key == "origin_code":
            found["origin"] = named["origin"]
        elif key == "title_code":
            found["title"] = named["title"]
        elif key == "status_code":
            found.update(status=named["status"], is_open=named["is_open"])
        else:
            found[key] = bool(value) if key == "registered" else value
    return found

