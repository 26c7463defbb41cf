"""Loading the reference data of ``data/`` (CSV tables and YAML scripts).

Everything is read and validated before anything is written, so a malformed
file leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path

from workbench.lazy import lazy
from workbench.errors import ReferenceDataError
from workbench.services.scripts import load_script_file

pd = lazy("pandas")                      # only when a DataFrame is made

_CSV_COLUMNS = {
    "origins": {"code": str, "label": str, "sort": int},
    "statuses": {"code": str, "label": str, "is_open": bool, "sort": int},
    "queues": {"code": str, "label": str, "sort": int},
    "attendance_types": {"code": str, "label": str, "deadline_hours": int, "is_complaint": bool, "sort": int,
                         "queue_code": str},
    "titles": {"code": str, "label": str, "script_code": str, "type_code": str, "sort": int},
    "plans": {"plan_id": int, "name": str, "download_mbps": int, "upload_mbps": int, "price": float},
    "routing_points": {"routing_point_id": int, "name": str, "city": str},
    "technicians": {"technician_id": int, "name": str, "city": str, "active": bool},
}
# Columns that may be empty; a column in _ABSENT_OK may also be missing from the file (files written
# before it existed: an attendance type without a default queue sends its attendances to no queue).
_OPTIONAL = {("titles", "script_code"), ("titles", "type_code"), ("attendance_types", "queue_code"),
             ("technicians", "city")}
_ABSENT_OK = {("attendance_types", "queue_code")}
_BOOL = {"true": True, "false": False, "1": True, "0": False, "sim": True, "não": False, "nao": False}


def read_reference_dir(folder: Path) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Read and validate every reference CSV and script YAML in ``folder``."""
    folder = Path(folder)
    tables = {name: _read_csv(folder / f"{name}.csv", columns) for name, columns in _CSV_COLUMNS.items()}
    script_files = sorted((folder / "scripts").glob("*.yaml")) + sorted((folder / "scripts").glob("*.yml"))
    scripts = [load_script_file(p) for p in script_files]
    codes = [s["code"] for s in scripts]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        raise ReferenceDataError(f"código de script repetido: {', '.join(sorted(dupes))}", file=str(folder / "scripts"))
    _check_links(folder, tables, set(codes))
    return tables, scripts


def _read_csv(path: Path, columns: dict[str, type]) -> pd.DataFrame:
    if not path.exists():
        raise ReferenceDataError("arquivo não encontrado", file=str(path))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise ReferenceDataError(f"CSV ilegível ({exc})", file=str(path)) from exc
    for column in columns:
        if column not in frame.columns and (path.stem, column) in _ABSENT_OK:
            frame[column] = ""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReferenceDataError(f"colunas ausentes: {', '.join(missing)}", file=str(path))
    if frame.empty:
        raise ReferenceDataError("o arquivo não tem linhas", file=str(path))
    out = {}
    table = path.stem
    for column, kind in columns.items():
        values = frame[column].str.strip()
        for line, value in enumerate(values, start=2):
            if value == "" and (table, column) not in _OPTIONAL:
                raise ReferenceDataError(f"linha {line}: coluna '{column}' vazia", file=str(path))
            if value and kind in (int, float):
                try:
                    kind(value)
                except ValueError:
                    raise ReferenceDataError(f"linha {line}: '{value}' não é um número na coluna '{column}'",
                                             file=str(path)) from None
            if kind is bool and value.lower() not in _BOOL:
                raise ReferenceDataError(f"linha {line}: '{value}' não é verdadeiro/falso na coluna '{column}'",
                                         file=str(path))
        if kind is bool:
            out[column] = values.str.lower().map(_BOOL)
        elif kind is int:
            out[column] = values.astype("int64")
        elif kind is float:
            out[column] = values.astype("float64")
        else:
            out[column] = values.astype(object).where(values != "", None)
    result = pd.DataFrame(out)
    key = next(iter(columns))
    dupes = result[key][result[key].duplicated()]
    if not dupes.empty:
        raise ReferenceDataError(f"valor repetido na coluna '{key}': {dupes.iloc[0]}", file=str(path))
    return result


def _check_links(folder: Path, tables: dict[str, pd.DataFrame], script_codes: set[str]) -> None:
    titles = tables["titles"]
    types = set(tables["attendance_types"]["code"])
    queues = set(tables["queues"]["code"])
    for _, row in tables["attendance_types"].iterrows():
        if row["queue_code"] and row["queue_code"] not in queues:
            raise ReferenceDataError(f"tipo '{row['code']}' aponta para a fila inexistente '{row['queue_code']}'",
                                     file=str(folder / "attendance_types.csv"))
    for _, row in titles.iterrows():
        if row["script_code"] and row["script_code"] not in script_codes:
            raise ReferenceDataError(f"título '{row['code']}' aponta para o script inexistente '{row['script_code']}'",
                                     file=str(folder / "titles.csv"))
        if row["type_code"] and row["type_code"] not in types:
            raise ReferenceDataError(f"título '{row['code']}' aponta para o tipo inexistente '{row['type_code']}'",
                                     file=str(folder / "titles.csv"))
