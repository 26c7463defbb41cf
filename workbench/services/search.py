"""Client search ("Pesquisar Cliente"): validation and normalization of the text.

UI-free and SQL-free: turns what the operator typed into normalized terms and
asks the store (:class:`workbench.storage.search.SearchMixin`) for the best
matches. Matching is accent- and case-insensitive, on every word in any order
(substrings of a word included from 3 characters; 1–2 character words match
word starts), on code, CPF/CNPJ and phones with or without punctuation, and
e-mail. When nothing matches, similar name words are tried ("joao slva").
"""

from __future__ import annotations

import re

from workbench.frame import Frame

from workbench.errors import ValidationError
from workbench.services import arguments
from workbench.services.documents import format_document, format_phone
from workbench.services.text import normalize_text

MIN_CHARS = 2
MAX_CHARS = 200
MAX_LIMIT = 500
MAX_TERMS = 8
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_NUMBER_ONLY = re.compile(r"[\d\s.\-/()+]+")
RESULT_COLUMNS = ["client_id", "code", "name", "trade_name", "document", "city", "state", "kind", "phone", "email"]


def search_terms(text: str) -> list[str]:
    """The normalized terms of ``text``: one digits-only term for a number
    ('123.456.789-09', '(11) 98765-4321'), else each word with only a-z0-9 kept
    ('Sant'Anna' → 'santanna'). Longest first, no repeats, at most 8."""
    if _NUMBER_ONLY.fullmatch(text) and any(c.isdigit() for c in text):
        digits = re.sub(r"\D", "", text)
        if len(digits) in (12, 13) and digits.startswith("55"):
            digits = digits[2:]              # +55 (Brazil) before a phone number
        return [digits]
    words = [_NOT_WORD.sub("", w) for w in normalize_text(text).split()]
    unique: list[str] = []
    for w in words:
        if w and w not in unique:
            unique.append(w)
    # the first word keeps its place (it decides "name starts with"); drop words
    # contained in a longer one, keep the longest others.
    first, rest = unique[:1], unique[1:]
    rest = [w for w in rest if not any(w != o and w in o for o in unique)]
    rest.sort(key=len, reverse=True)
    return (first + rest)[:MAX_TERMS]


def validate(text, limit) -> tuple[str, int]:
    """Checked (text, limit): text trimmed and cut to 200 characters, limit 1..500."""
    limit = arguments.integer(limit, "Quantidade", minimum=1, maximum=MAX_LIMIT)
    if text is not None and not isinstance(text, str):
        raise ValidationError("Procurar deve ser um texto.", field="Procurar")
    text = (text or "").strip()        # pasted tabs or line breaks are only separators here
    if len(text) < MIN_CHARS:
        raise ValidationError("Informe ao menos 2 caracteres", field="Procurar")
    return text[:MAX_CHARS], limit


def search_clients(store, text, limit: int = 50) -> Frame:
    """Clients matching ``text``, best first (see :meth:`workbench.api.Workbench.search_clients`)."""
    text, limit = validate(text, limit)
    terms = search_terms(text)
    if terms:
        found, fuzzy = store.search_clients(terms, limit)
    else:
        found, fuzzy = Frame(columns=RESULT_COLUMNS), False
    truncated = len(found) > limit
    df = found.iloc[:limit]
    out = Frame({c: (df[c].tolist() if c in df else [None] * len(df)) for c in RESULT_COLUMNS}, RESULT_COLUMNS)
    out["client_id"] = [int(v) for v in out["client_id"]]
    out["document"] = [format_document(d) for d in out["document"]]
    out["phone"] = [format_phone(p) for p in out["phone"]]
    out.attrs.update({"truncated": truncated, "limit": limit, "text": text, "fuzzy": fuzzy})
    return out
