"""Writing any dashboard list to CSV or Excel, with the filters in the file name.

CSV is written for a Brazilian spreadsheet: ``;`` separator and UTF-8 with
BOM (so Excel reads the accents). Times are written in the desk's time zone,
without offset (Excel has no time-zone-aware cells).
"""

from __future__ import annotations

import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from workbench import settings
from workbench.errors import ValidationError
from workbench.services.text import slug

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CSV_OPTIONS = {"sep": ";", "encoding": "utf-8-sig"}


def file_name(name: str, filter_parts: list[str], fmt: str) -> str:
    """``status-pendente_2026-10-29_a_2026-11-27_origem-telefonico.csv``."""
    parts = [slug(name)] + [slug(p) for p in filter_parts if p]
    return "_".join(p for p in parts if p)[:180] + "." + fmt


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Aware datetimes to local naive ones, booleans to Sim/Não, nothing else touched."""
    tz = ZoneInfo(settings.get("timezone"))
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert(tz).dt.tz_localize(None)
        elif s.dtype == bool:
            out[col] = s.map({True: "Sim", False: "Não"})
        elif s.dtype == object and len(s) and any(getattr(v, "tzinfo", None) is not None for v in s.head(20)):
            out[col] = pd.to_datetime(s, utc=True).dt.tz_convert(tz).dt.tz_localize(None)
    return out


def frame_bytes(frame: pd.DataFrame, fmt: str, *, sheet: str = "dados") -> bytes:
    if fmt not in FORMATS:
        raise ValidationError("Formato de exportação deve ser csv ou xlsx.", field="Formato")
    plain = _plain(frame)
    buffer = io.BytesIO()
    if fmt == "csv":
        buffer.write(plain.to_csv(index=False, sep=CSV_OPTIONS["sep"]).encode(CSV_OPTIONS["encoding"]))
    else:
        _write_xlsx(plain, buffer, sheet[:31] or "dados")
    return buffer.getvalue()


def _write_xlsx(frame: pd.DataFrame, target, sheet: str) -> None:
    """openpyxl in write-only mode: rows streamed, memory flat (pandas' writer keeps every cell object)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append([str(c) for c in frame.columns])
    columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
    for row in zip(*columns):
        ws.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row])
    book.save(target)


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    path.write_bytes(frame_bytes(frame, fmt))
    return path


def read_back(path: str | Path) -> pd.DataFrame:
    """Read an exported file the way it was written (used by tests and analysts)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, **CSV_OPTIONS)
    return pd.read_excel(path, engine="openpyxl")
