"""Read-only SQL for analysts."""

from __future__ import annotations

import pandas as pd

from workbench.errors import ValidationError


def analyst_sql(store, query: str, params=None) -> pd.DataFrame:
    """Run ``query`` on a read-only connection; a write or a bad query gets a clear error."""
    if not isinstance(query, str) or not query.strip():
        raise ValidationError("Informe a consulta SQL.", field="SQL")
    return store.run_readonly_sql(query, params)
