"""Reading a file of clients for ``workbench import-clients``: CSV or Parquet, as text columns.

CSV files may be UTF-8 (with or without BOM) or Windows-1252, what Brazilian
Excel writes for "CSV (separado por vírgulas)": the encoding is detected and
reported. The separator is ``;`` or ``,`` (whichever the header line uses
more). Column names are the import's own (``code``, ``kind``...) or their
Portuguese labels (``código``, ``tipo``, ``nome fantasia``...; accents, case
and spacing ignored), so a rejects file, once corrected, can be imported
again; its ``linha`` and ``motivo`` columns are ignored.

A row with more or fewer fields than the header (a stray separator or quote)
is not checked value by value, where shifted columns would give misleading
reasons: it is reported as ragged, with its line, the fields expected and the
fields found. Unnamed header columns (Excel's trailing separators) are ignored.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.errors import ValidationError
from workbench.services.fields import RULES
from workbench.services.text import slug

REQUIRED = ("code", "kind", "name", "document")
OPTIONAL = ("trade_name", "email", "phone", "mobile", "street", "number", "district", "city", "state", "zip",
            "created_at")
COLUMNS = REQUIRED + OPTIONAL
IGNORED = ("linha", "motivo")              # the columns a rejects file adds
LABELS = {c: RULES[c].label for c in COLUMNS}   # the Portuguese names, as in the rejects file
ALIASES = {**{slug(c, "_"): c for c in COLUMNS}, **{slug(label, "_"): c for c, label in LABELS.items()},
           "email": "email", "cpf_cnpj": "document", "uf": "state", "estado": "state"}
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252 (Excel)"}
SAVE_AS_UTF8 = ("no Excel, Arquivo > Salvar como > 'CSV UTF-8 (delimitado por vírgulas)'; no LibreOffice, "
                "marque 'Editar configurações do filtro' e escolha o conjunto de caracteres 'Unicode (UTF-8)'")


@dataclass
class ClientFile:
    """The rows of a client file that have the header's shape, and the ragged ones."""

    frame: pd.DataFrame                          # text columns COLUMNS ('' when empty)
    lines: list[int]                             # line (CSV) or record (Parquet) number of each row
    ragged: list[tuple[int, int, int, list[str]]] = field(default_factory=list)   # (line, expected, found, fields)
    encoding: str = "utf-8"
    header: list[str] = field(default_factory=list)   # the file's columns, mapped to COLUMNS (None: ignored)


def read_client_file(path: Path) -> ClientFile:
    """Read ``path``; ValidationError naming the file when it cannot be read or has the wrong columns."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"{path}: arquivo não encontrado.")
    if path.suffix.lower() in (".parquet", ".pq"):
        return _read_parquet(path)
    return _read_csv(path)


def _read_parquet(path: Path) -> ClientFile:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure is one clear message
        raise ValidationError(f"{path}: não foi possível ler o arquivo ({type(exc).__name__}: {exc}).") from None
    mapped = _columns(path, [str(c) for c in frame.columns])
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    frame.columns = [m or f"_ignored_{i}" for i, m in enumerate(mapped)]
    return ClientFile(_shape(frame), list(range(1, len(frame) + 1)), header=mapped)


def _decode(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: o arquivo não está em UTF-8 nem em Windows-1252 (Excel). Salve-o como "
                              f"UTF-8: {SAVE_AS_UTF8}.") from None


def _read_csv(path: Path) -> ClientFile:
    text, encoding = _decode(path)
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)          # an oversized value is a rejected row, not an unreadable file
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        try:
            header = next(reader)
        except StopIteration:
            raise ValidationError(f"{path}: o arquivo está vazio (falta a linha de cabeçalho).") from None
        mapped = _columns(path, header)
        expected = len(header)
        rows, lines, ragged = [], [], []
        previous = reader.line_num
        for fields in reader:
            line, previous = previous + 1, reader.line_num
            if not any(f.strip() for f in fields):
                continue                                           # a blank line, or only separators
            if len(fields) != expected:
                ragged.append((line, expected, len(fields), fields))
                continue
            rows.append(fields)
            lines.append(line)
    except csv.Error as exc:
        raise ValidationError(f"{path}: não foi possível ler o arquivo como CSV ({exc}).") from None
    finally:
        csv.field_size_limit(limit)
    frame = pd.DataFrame(rows, columns=[m or f"_ignored_{i}" for i, m in enumerate(mapped)], dtype=object)
    return ClientFile(_shape(frame), lines, ragged, encoding, mapped)


def _columns(path: Path, names: list[str]) -> list[str | None]:
    """Each column of the file as one of COLUMNS (None: a rejects file's linha/motivo); refuses the rest."""
    mapped, unknown = [], []
    for name in names:
        key = slug(name.strip().lstrip("\ufeff"), "_")
        if key in IGNORED or not key:                   # a rejects file's columns; Excel's unnamed trailing ones
            mapped.append(None)
        elif key in ALIASES:
            mapped.append(ALIASES[key])
        else:
            mapped.append(None)
            unknown.append(name.strip())
    accepted = (f"(obrigatórias: {', '.join(REQUIRED)}; opcionais: {', '.join(OPTIONAL)}; "
                "ou os nomes em português do arquivo de rejeitados)")
    missing = [c for c in REQUIRED if c not in mapped]
    if missing:
        raise ValidationError(f"{path}: colunas obrigatórias ausentes: {', '.join(missing)} {accepted}.")
    if unknown:
        raise ValidationError(f"{path}: colunas desconhecidas: {', '.join(unknown)} {accepted}.")
    repeated = sorted({c for c in mapped if c and mapped.count(c) > 1})
    if repeated:
        raise ValidationError(f"{path}: colunas repetidas: {', '.join(repeated)}.")
    return mapped


def _shape(frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly COLUMNS, as stripped text."""
    out = pd.DataFrame(index=range(len(frame)))
    for column in COLUMNS:
        out[column] = (frame[column].astype(str).str.strip().to_numpy() if column in frame.columns
                       else [""] * len(frame))
    return out.astype(str)
