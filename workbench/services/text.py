"""Text normalisation shared by the services: what "accent- and case-blind" means."""

from __future__ import annotations

import unicodedata


def normalize_text(text: object) -> str:
    """Lower case, accents removed, inner whitespace collapsed: 'João  CONCEIÇÃO' → 'joao conceicao'."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
