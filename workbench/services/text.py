"""Text normalisation shared by the whole package: what "accent- and case-blind" means."""

from __future__ import annotations

import unicodedata


def unaccent(text: object) -> str:
    """Accents removed, case kept: 'Conceição' → 'Conceicao'."""
    decomposed = unicodedata.normalize("NFKD", "" if text is None else str(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_text(text: object) -> str:
    """Lower case, accents removed, inner whitespace collapsed: 'João  CONCEIÇÃO' → 'joao conceicao'."""
    return " ".join(unaccent(text).lower().split())


def slug(text: object, sep: str = "-") -> str:
    """Lower-case ASCII words joined by ``sep``: 'Conceição Araújo' → 'conceicao-araujo'."""
    words = "".join(c if c.isalnum() and c.isascii() else " " for c in normalize_text(text)).split()
    return sep.join(words)
