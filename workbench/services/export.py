"""Writing any table to CSV or Excel the way a Brazilian spreadsheet reads it.

Every export goes through :func:`table_bytes` (dashboard lists and views, the
analyst's API), and the import's rejects file follows the same CSV rules
(:data:`CSV_OPTIONS`, :func:`csv_text`):

* **CSV**: ``;`` separator, UTF-8 with BOM, CRLF, every field quoted; values
  written as the screen shows them (:mod:`workbench.services.formatting`):
  decimal comma, rounded as shown, dates ``dd/mm/aaaa hh:mm`` in the desk's
  time zone, Portuguese headers. Codes made of digits only (the 14-digit
  protocol) are written ``="20261127000001"`` so Excel keeps them as text.
* **XLSX**: a first sheet "Filtros" (what the table was filtered by), then
  the data: typed cells (integers, percentages with a percent format, dates
  with a date format), protocol and documents as text, a bold frozen header,
  column widths fitted to the content.

**Formula injection** (OWASP "CSV Injection"): a text cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a client named
``=HYPERLINK(...)``) is written with a leading ``'`` in CSV, so a spreadsheet
shows it as text and never runs it; in XLSX every text cell is stored as a
string (never a formula) and marked "quote prefix". The only formula the
workbench ever writes is the ``="<digits>"`` of a digits-only code.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from workbench.errors import ValidationError
from workbench.services import formatting as fmt
from workbench.services.formatting import Column
from workbench.services.text import slug

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# The CSV dialect of every file the workbench writes (exports and the import's rejects file):
# CSV_OPTIONS suits pandas both ways (``read_csv(path, **CSV_OPTIONS)``, ``to_csv(..., **CSV_OPTIONS)``);
# the writer adds CRLF and quotes every field. To write a table with formulas neutralised, use
# :func:`write_table` (or :func:`csv_text` for rows already formatted).
CSV_OPTIONS = {"sep": ";", "encoding": "utf-8-sig"}
CSV_WRITER = {"lineterminator": "\r\n", "quoting": csv.QUOTE_ALL}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATA_SHEET = "dados"
FILTER_SHEET = "Filtros"
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(,\d+)?%?")
_DIGITS = re.compile(r"\d+")
_MAX_WIDTH = 60


def file_name(name: str, filter_parts: list[str], fmt_: str) -> str:
    """``status-pendente_2026-10-29_a_2026-11-27_origem-telefonico.csv``."""
    parts = [slug(name)] + [slug(p) for p in filter_parts if p]
    return "_".join(p for p in parts if p)[:180] + "." + fmt_


def neutralise(text: str) -> str:
    """OWASP: a cell starting with = + - @ TAB CR is prefixed with ``'`` (shown as text, never run)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# -- columns -------------------------------------------------------------------
def infer_columns(frame: pd.DataFrame) -> list[Column]:
    """Column kinds from the dtypes, for a frame exported without a declared layout."""
    columns = []
    for name in frame.columns:
        s = frame[name]
        key = str(name)
        if pd.api.types.is_bool_dtype(s):
            kind = "bool"
        elif pd.api.types.is_integer_dtype(s):
            kind = "int"
        elif pd.api.types.is_float_dtype(s):
            kind = "number"
        elif isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
            kind = "datetime"
        else:
            sample = s.dropna().head(20).tolist()
            if sample and all(isinstance(v, bool) for v in sample):
                kind = "bool"
            elif sample and all(isinstance(v, (datetime, pd.Timestamp)) for v in sample):
                kind = "datetime"
            elif sample and all(isinstance(v, date) for v in sample):
                kind = "date"
            elif key.lower() in ("protocol", "protocolo", "document", "documento", "cpf/cnpj"):
                kind = "code"
            else:
                kind = "text"
        columns.append(Column(key, key, kind))
    return columns


def _layout(frame: pd.DataFrame, columns: Sequence[Column] | None) -> list[Column]:
    if columns is None:
        return infer_columns(frame)
    missing = [c.key for c in columns if c.key not in frame.columns]
    if missing:
        raise ValidationError(f"Colunas ausentes na exportação: {', '.join(missing)}.", field="Exportação")
    return list(columns)


# -- CSV -----------------------------------------------------------------------
def csv_cell(value: Any, kind: str) -> str:
    """One CSV field as written: the screen's text, numbers without thousands dots, text neutralised."""
    if fmt.is_missing(value):
        return ""
    if kind in ("int", "days"):
        return str(int(round(float(value))))
    if kind in fmt.NUMERIC_KINDS:
        text = fmt.display(value, kind)
        return text if kind == "trend" and text == "novo" else text.replace(".", "")
    text = fmt.display(value, kind)
    if kind == "code" and _DIGITS.fullmatch(text):
        return f'="{text}"'           # Excel keeps a digits-only code as text (no 2,02611E+13)
    return neutralise(text)


def csv_text(rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    """Already formatted rows as CSV text in :data:`CSV_OPTIONS` (header neutralised too)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_OPTIONS["sep"], **CSV_WRITER)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def frame_csv(frame: pd.DataFrame, columns: Sequence[Column] | None = None) -> str:
    """A frame as CSV text: formatted, neutralised, Portuguese headers (``columns``' labels)."""
    layout = _layout(frame, columns)
    values = [frame[c.key].astype(object).tolist() for c in layout]
    rows = ([csv_cell(v, c.kind) for v, c in zip(row, layout)] for row in zip(*values))
    return csv_text(rows, [c.label for c in layout])


# -- XLSX ----------------------------------------------------------------------
def _width(texts: Iterable[str]) -> float:
    return min(_MAX_WIDTH, max((len(t) for t in texts), default=4) + 2)


def _text_cell(ws, value: str, *, bold: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"                 # a string, never a formula, whatever it starts with
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True          # and Excel keeps it text when the cell is edited
    if bold:
        cell.font = Font(bold=True)
    return cell


def _write_xlsx(frame: pd.DataFrame, layout: list[Column], target, sheet: str,
                filters: Sequence[tuple[str, str]]) -> None:
    """openpyxl in write-only mode: rows streamed, memory flat."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    info = book.create_sheet(FILTER_SHEET)
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = _width(str(v) for _k, v in filters)
    info.append([_text_cell(info, "Filtro", bold=True), _text_cell(info, "Valor", bold=True)])
    for key, value in filters:
        info.append([_text_cell(info, str(key)), _text_cell(info, str(value))])

    ws = book.create_sheet(sheet[:31] or DATA_SHEET)
    ws.freeze_panes = "A2"
    values = [frame[c.key].astype(object).tolist() for c in layout]
    for i, (col, vals) in enumerate(zip(layout, values), start=1):
        sample = [fmt.display(v, col.kind) for v in vals[:500]]
        ws.column_dimensions[get_column_letter(i)].width = max(_width(sample), min(_MAX_WIDTH, len(col.label) + 2))
    ws.append([_text_cell(ws, c.label, bold=True) for c in layout])
    for row in zip(*values):
        cells = []
        for value, col in zip(row, layout):
            typed = fmt.rounded(value, col.kind)
            if typed is None:
                cells.append(None)
            elif isinstance(typed, str):
                cells.append(_text_cell(ws, typed))
            else:
                cell = WriteOnlyCell(ws, value=typed)
                cell.number_format = fmt.EXCEL_FORMATS.get(col.kind, "General")
                cells.append(cell)
        ws.append(cells)
    book.save(target)


# -- entry points ----------------------------------------------------------------
def table_bytes(frame: pd.DataFrame, fmt_: str, *, columns: Sequence[Column] | None = None,
                filters: Sequence[tuple[str, str]] = (), sheet: str = DATA_SHEET) -> bytes:
    """A table as the bytes of a CSV or XLSX file. ``columns``: keys, pt-BR headers and kinds
    (inferred from the dtypes when omitted); ``filters``: (name, value) pairs for the XLSX's first sheet."""
    if fmt_ not in FORMATS:
        raise ValidationError("Formato de exportação deve ser csv ou xlsx.", field="Formato")
    layout = _layout(frame, columns)
    if fmt_ == "csv":
        return frame_csv(frame, layout).encode(CSV_OPTIONS["encoding"])
    buffer = io.BytesIO()
    _write_xlsx(frame, layout, buffer, sheet, filters)
    return buffer.getvalue()


def write_table(frame: pd.DataFrame, path: str | Path, *, columns: Sequence[Column] | None = None,
                filters: Sequence[tuple[str, str]] = ()) -> Path:
    """Write a table to ``path`` (format from the suffix: .csv or .xlsx)."""
    path = Path(path)
    path.write_bytes(table_bytes(frame, path.suffix.lstrip(".").lower(), columns=columns, filters=filters))
    return path


def read_back(path: str | Path) -> pd.DataFrame:
    """An exported file's data as written, every cell as text for CSV (``="…"`` codes unwrapped),
    typed cells for XLSX (the data sheet); used by tests and analysts."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, sep=CSV_OPTIONS["sep"], encoding=CSV_OPTIONS["encoding"], dtype=str,
                            keep_default_na=False)
        return frame.apply(lambda s: s.str.replace(r'^="(\d+)"$', r"\1", regex=True))
    return pd.read_excel(path, sheet_name=1, engine="openpyxl")
