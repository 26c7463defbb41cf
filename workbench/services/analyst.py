"""Read-only SQL for analysts (``wb.sql``) and the list of what it can read (``wb.tables()``).

The rules (one SELECT over the declared tables, nothing else reachable, the
desk's writers first) are enforced by the store: see
:mod:`workbench.storage.analyst`. Here: the arguments, the row cap and the
note an analyst sees when a result was cut.
"""

from __future__ import annotations

import numbers
import warnings
from datetime import date, datetime
from decimal import Decimal

from workbench.errors import ValidationError
from workbench.lazy import lazy
from workbench.services import arguments

pd = lazy("pandas")                      # only when a DataFrame is made

MAX_ROWS = 100_000
MAX_ROWS_LIMIT = 5_000_000
MAX_QUERY = 100_000
_SCALARS = (str, bytes, numbers.Number, bool, date, datetime, Decimal, type(None))


class TruncatedResultWarning(UserWarning):
    """``wb.sql`` returned only the first ``max_rows`` rows of a larger result."""


def analyst_sql(store, query, params=None, *, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Run ``query``; the first ``max_rows`` rows, ``attrs["truncated"]`` and a pt-BR ``attrs["note"]``."""
    query = arguments.string(query, "SQL", max_len=MAX_QUERY, multiline=True)
    if not query:
        raise ValidationError("Informe a consulta SQL.", field="SQL")
    max_rows = arguments.integer(max_rows, "max_rows", minimum=1, maximum=MAX_ROWS_LIMIT)
    params = _params(params)
    frame, truncated = store.analyst_query(query, params, max_rows=max_rows)
    note = None
    if truncated:
        note = (f"Resultado limitado às primeiras {max_rows:,} linhas (havia mais). ".replace(",", ".")
                + "Use agregações, filtros ou LIMIT, aumente max_rows, ou use wb.snapshot() para análises pesadas.")
        warnings.warn(note, TruncatedResultWarning, stacklevel=3)
    frame.attrs.update(truncated=truncated, max_rows=max_rows, note=note)
    return frame


def catalog(store) -> pd.DataFrame:
    """Every table and column ``wb.sql`` can read, with pt-BR descriptions."""
    return store.analyst_tables()


def _params(params):
    if params is None:
        return None
    if isinstance(params, dict):
        values = list(params.values())
        if not all(isinstance(k, str) and k for k in params):
            raise ValidationError("Os nomes dos parâmetros devem ser textos.", field="params")
    elif isinstance(params, (list, tuple)):
        values = list(params)
    else:
        raise ValidationError("params deve ser uma lista (para ?) ou um dicionário (para $nome).", field="params")
    for value in values:
        if not isinstance(value, _SCALARS) and not isinstance(value, (list, tuple)):
            raise ValidationError(f"Parâmetro de tipo não suportado: {type(value).__name__}.", field="params")
    return params if isinstance(params, dict) else list(params)
