"""Importing clients from a CSV or Parquet file (``workbench import-clients``).

Columns (header names, case-insensitive):

* required: ``code``, ``kind`` (PF or PJ), ``name`` (nome or razão social),
  ``document`` (CPF for PF, CNPJ for PJ; with or without punctuation);
* optional: ``trade_name``, ``email``, ``phone``, ``mobile``, ``street``,
  ``number``, ``district``, ``city``, ``state``, ``zip``, ``created_at``.

CSV files are UTF-8 with ``,`` or ``;`` separators. Every row is checked
(required values, kind, CPF/CNPJ check digits and kind match, e-mail, phone,
state and CEP format, code/document repeated in the file or already in the
database). Good rows are inserted in one transaction; bad rows are reported
with their line number (the CSV line, header = line 1; for Parquet the
record number) and the reasons, in pt-BR. An unreadable file or missing
columns raise :class:`ValidationError` naming the file; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import ValidationError
from workbench.services.documents import valid_documents

REQUIRED = ("code", "kind", "name", "document")
OPTIONAL = ("trade_name", "email", "phone", "mobile", "street", "number", "district", "city", "state", "zip",
            "created_at")
_LABELS = {"code": "código", "kind": "tipo", "name": "nome", "document": "documento"}
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


@dataclass
class ImportReport:
    file: Path
    loaded: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)   # (line, code, reason)
    rejects_file: Path | None = None

    def summary(self) -> str:
        lines = [f"{self.file}: {self.loaded} cliente(s) importado(s), {len(self.rejected)} linha(s) rejeitada(s)."]
        for line, code, reason in self.rejected[:50]:
            lines.append(f"  linha {line}" + (f" ({code})" if code else "") + f": {reason}")
        if len(self.rejected) > 50:
            lines.append(f"  ... e mais {len(self.rejected) - 50} linha(s) rejeitada(s).")
        if self.rejects_file:
            lines.append(f"Linhas rejeitadas gravadas em {self.rejects_file}.")
        return "\n".join(lines)


def read_client_file(path: Path) -> tuple[pd.DataFrame, int]:
    """The file as text columns and the line number of its first row; ValidationError when unreadable."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"{path}: arquivo não encontrado.")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
            frame = frame.astype(object).where(frame.notna(), "").astype(str)
            first_line = 1
        else:
            with path.open(encoding="utf-8-sig") as fh:
                header = fh.readline()
            sep = ";" if header.count(";") > header.count(",") else ","
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding="utf-8-sig")
            first_line = 2
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: o arquivo não está em UTF-8.") from None
    except Exception as exc:  # noqa: BLE001 - any reader failure is one clear message
        raise ValidationError(f"{path}: não foi possível ler o arquivo ({type(exc).__name__}: {exc}).") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValidationError(f"{path}: colunas obrigatórias ausentes: {', '.join(missing)} "
                              f"(obrigatórias: {', '.join(REQUIRED)}; opcionais: {', '.join(OPTIONAL)}).")
    unknown = [c for c in frame.columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise ValidationError(f"{path}: colunas desconhecidas: {', '.join(unknown)} "
                              f"(obrigatórias: {', '.join(REQUIRED)}; opcionais: {', '.join(OPTIONAL)}).")
    for column in REQUIRED + OPTIONAL:
        frame[column] = frame[column].astype(str).str.strip() if column in frame.columns else ""
    return frame[list(REQUIRED + OPTIONAL)], first_line


def validate_clients(frame: pd.DataFrame, store=None) -> tuple[pd.DataFrame, np.ndarray]:
    """(clean rows ready to insert, reasons per input row — '' when valid)."""
    n = len(frame)
    reasons = np.full(n, "", dtype=object)

    def flag(mask, message: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        reasons[mask] = np.where(reasons[mask] == "", message, reasons[mask] + "; " + message)

    for column in REQUIRED:
        flag(frame[column] == "", f"{_LABELS[column]} não informado")
    kind = frame["kind"].str.upper().replace({"FÍSICA": "PF", "FISICA": "PF", "JURÍDICA": "PJ", "JURIDICA": "PJ"})
    flag((frame["kind"] != "") & ~kind.isin(["PF", "PJ"]), "tipo deve ser PF ou PJ")
    # the document's characters as stored: digits, and letters of an alphanumeric CNPJ, upper case
    digits = frame["document"].str.replace(r"[^0-9A-Za-z]+", "", regex=True).str.upper()
    has_doc = frame["document"] != ""
    flag(has_doc & ~frame["document"].str.fullmatch(r"[\dA-Za-z.\-/\s]+"), "documento com caracteres inválidos")
    valid = valid_documents(digits)
    flag(has_doc & (kind == "PF") & ~((digits.str.len() == 11) & valid), "CPF inválido")
    flag(has_doc & (kind == "PJ") & ~((digits.str.len() == 14) & valid), "CNPJ inválido")
    email = frame["email"].str.lower()
    flag((email != "") & ~email.str.match(_EMAIL), "e-mail inválido")
    for column, label in (("phone", "telefone"), ("mobile", "celular")):
        d = frame[column].str.replace(r"\D+", "", regex=True)
        flag((frame[column] != "") & ~d.str.len().isin([10, 11]), f"{label} inválido (informe DDD + número)")
    zip_digits = frame["zip"].str.replace(r"\D+", "", regex=True)
    flag((frame["zip"] != "") & (zip_digits.str.len() != 8), "CEP inválido")
    flag((frame["state"] != "") & ~frame["state"].str.fullmatch(r"[A-Za-z]{2}"), "UF inválida")
    created = pd.to_datetime(frame["created_at"].where(frame["created_at"] != ""), errors="coerce", utc=True,
                             format="mixed")
    flag((frame["created_at"] != "") & created.isna(), "data de cadastro inválida")

    code_key = frame["code"].str.lower()
    flag((frame["code"] != "") & code_key.duplicated(keep="first"), "código repetido no arquivo")
    flag(has_doc & digits.duplicated(keep="first"), "documento repetido no arquivo")
    if store is not None:
        codes_in_db, docs_in_db = store.existing_client_keys(list(frame["code"][frame["code"] != ""]),
                                                             list(digits[digits != ""]))
        lower_db = {c.lower() for c in codes_in_db}
        flag(code_key.isin(lower_db) & (frame["code"] != ""), "código já cadastrado")
        flag(digits.isin(docs_in_db) & has_doc, "documento já cadastrado")

    good = reasons == ""
    blank = lambda s: s.where(s != "", None)  # noqa: E731
    clean = pd.DataFrame({
        "code": frame["code"], "kind": kind, "name": frame["name"], "trade_name": blank(frame["trade_name"]),
        "document": digits, "email": blank(email),
        "phone": blank(frame["phone"].str.replace(r"\D+", "", regex=True)),
        "mobile": blank(frame["mobile"].str.replace(r"\D+", "", regex=True)),
        "street": blank(frame["street"]), "number": blank(frame["number"]), "district": blank(frame["district"]),
        "city": blank(frame["city"]), "state": blank(frame["state"].str.upper()), "zip": blank(zip_digits),
        "created_at": created.astype("datetime64[us, UTC]").fillna(pd.Timestamp(datetime.now(timezone.utc)).as_unit("us")),
    })[good].reset_index(drop=True)
    return clean, reasons


def import_clients(store, path: Path, *, rejects_path: Path | None = None) -> ImportReport:
    """Validate ``path`` and insert its good rows in one transaction; returns the report."""
    frame, first_line = read_client_file(path)
    clean, reasons = validate_clients(frame, store)
    report = ImportReport(Path(path))
    bad = np.nonzero(reasons != "")[0]
    report.rejected = [(int(i) + first_line, frame["code"].iat[i], reasons[i]) for i in bad]
    if len(clean):
        report.loaded = len(store.insert_clients(clean))
    if rejects_path is not None and len(bad):
        rejects = frame.iloc[bad].copy()
        rejects.insert(0, "linha", bad + first_line)
        rejects["motivo"] = reasons[bad]
        rejects.to_csv(rejects_path, index=False, encoding="utf-8")
        report.rejects_file = Path(rejects_path)
    return report
