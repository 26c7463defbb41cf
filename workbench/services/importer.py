"""Importing clients (``workbench import-clients``): every row checked as a screen would, loaded in batches.

The file is read by :mod:`workbench.services.client_file` (CSV in UTF-8 or
Windows-1252, or Parquet; ragged rows reported as such). Every row is then
checked: required values; the text rules every screen applies
(:mod:`workbench.services.fields`: maximum lengths, no NUL or control
characters); kind; CPF/CNPJ check digits and kind match; e-mail, phone, UF
and CEP formats; the date of registration; code or document repeated in the
file or already in the database.

A row whose code is already in the database with the very same data is not
an error: it was imported before (a rerun after an interruption) and is
counted as such. Good rows are loaded in batches, each in its own short
transaction (see :meth:`workbench.storage.bulk.BulkMixin.insert_clients`), so
the desk keeps working during a large import, and the whole import is
reported as one result. Bad rows are reported with their line number (the
CSV line, header = line 1; for Parquet the record number) and reason, in
pt-BR, and written to a rejects file (``;``, UTF-8 with BOM, Portuguese
headers, as the exports) which, once corrected, can be imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.services.client_file import COLUMNS, ENCODINGS, LABELS, REQUIRED, SAVE_AS_UTF8, read_client_file
from workbench.services.documents import valid_documents
from workbench.services.export import CSV_OPTIONS, csv_text, neutralise
from workbench.services.fields import RULES, control_pattern

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# what must be equal for a row to count as already imported (created_at is set by the import when absent)
COMPARED = ("kind", "name", "trade_name", "document", "email", "phone", "mobile", "street", "number", "district",
            "city", "state", "zip")


@dataclass
class ImportReport:
    """The whole import as one result."""

    file: Path
    loaded: int = 0
    unchanged: int = 0                 # rows already in the database with the same data (a rerun)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)   # (line, code, reason)
    rejects_file: Path | None = None
    encoding: str = "utf-8"
    batches: int = 0

    def summary(self) -> str:
        head = (f"{self.file}: {self.loaded} cliente(s) importado(s), {len(self.rejected)} linha(s) rejeitada(s)"
                + (f", {self.unchanged} já importado(s) antes, sem alteração" if self.unchanged else "") + ".")
        lines = [head]
        if self.encoding != "utf-8":
            lines.append(f"Arquivo lido como {ENCODINGS[self.encoding]}. Para evitar dúvidas de acentuação, "
                         f"salve-o em UTF-8: {SAVE_AS_UTF8}.")
        for line, code, reason in self.rejected[:50]:
            lines.append(f"  linha {line}" + (f" ({code[:30]})" if code else "") + f": {reason}")
        if len(self.rejected) > 50:
            lines.append(f"  ... e mais {len(self.rejected) - 50} linha(s) rejeitada(s).")
        if self.rejects_file:
            lines.append(f"Linhas rejeitadas gravadas em {self.rejects_file}.")
        return "\n".join(lines)


def _flagger(n: int):
    reasons = np.full(n, "", dtype=object)

    def flag(mask, message: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        reasons[mask] = np.where(reasons[mask] == "", message, reasons[mask] + "; " + message)

    return reasons, flag


def check_text(frame: pd.DataFrame, flag) -> None:
    """The screens' text rules, column by column: no control characters, no more than the maximum length."""
    pattern = control_pattern()
    for column in COLUMNS:
        rule = RULES[column]
        values = frame[column]
        flag(values.str.contains(pattern, regex=True), f"{rule.label}: caracteres de controle não são permitidos")
        lengths = values.str.len().to_numpy()
        for length in np.unique(lengths[lengths > rule.max_len]):
            flag(lengths == length, f"{rule.label}: no máximo {rule.max_len} caracteres (informados {length})")
        if rule.min_len > 1:
            short = (lengths > 0) & (lengths < rule.min_len)
            flag(short, f"{rule.label}: informe ao menos {rule.min_len} caracteres")


def validate_clients(frame: pd.DataFrame, store=None) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(clean rows ready to insert, reason per input row ('' when valid), mask of rows already imported)."""
    n = len(frame)
    reasons, flag = _flagger(n)
    for column in REQUIRED:
        flag(frame[column] == "", f"{LABELS[column]} não informado")
    check_text(frame, flag)
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

    blank = lambda s: s.where(s != "", None)  # noqa: E731
    clean = pd.DataFrame({
        "code": frame["code"], "kind": kind, "name": frame["name"], "trade_name": blank(frame["trade_name"]),
        "document": digits, "email": blank(email),
        "phone": blank(frame["phone"].str.replace(r"\D+", "", regex=True)),
        "mobile": blank(frame["mobile"].str.replace(r"\D+", "", regex=True)),
        "street": blank(frame["street"]), "number": blank(frame["number"]), "district": blank(frame["district"]),
        "city": blank(frame["city"]), "state": blank(frame["state"].str.upper()), "zip": blank(zip_digits),
        "created_at": created.astype("datetime64[us, UTC]").fillna(pd.Timestamp(datetime.now(timezone.utc)).as_unit("us")),
    })
    unchanged = np.zeros(n, dtype=bool)
    if store is not None:
        unchanged = _against_database(store, clean, reasons == "", flag)
    good = (reasons == "") & ~unchanged
    return clean[good].reset_index(drop=True), reasons, unchanged


def _against_database(store, clean: pd.DataFrame, valid: np.ndarray, flag) -> np.ndarray:
    """Flag codes and documents already stored; return the mask of valid rows stored identically."""
    candidates = clean[valid]
    stored = store.existing_clients(list(candidates["code"]), list(candidates["document"]))
    unchanged = np.zeros(len(clean), dtype=bool)
    if stored.empty:
        return unchanged
    by_code = stored.assign(_key=stored["code"].str.lower()).drop_duplicates("_key").set_index("_key")
    code_key = clean["code"].str.lower()
    known = valid & code_key.isin(by_code.index).to_numpy()
    if known.any():
        mine = clean[known].reset_index(drop=True)
        theirs = by_code.loc[code_key[known]].reset_index(drop=True)
        same = np.ones(len(mine), dtype=bool)
        for column in COMPARED:
            a, b = mine[column].astype(object), theirs[column].astype(object)
            same &= ((a == b) | (a.isna() & b.isna())).to_numpy()
        unchanged[np.nonzero(known)[0][same]] = True
        differs = np.zeros(len(clean), dtype=bool)
        differs[np.nonzero(known)[0][~same]] = True
        flag(differs, "código já cadastrado com outros dados")
    owners = stored.drop_duplicates("document").set_index("document")["code"]
    doc_taken = valid & ~known & clean["document"].isin(owners.index).to_numpy()
    flag(doc_taken, "documento já cadastrado")
    return unchanged


def import_clients(store, path: Path, *, rejects_path: Path | None = None, progress=None) -> ImportReport:
    """Check ``path`` row by row and load its good rows in batches; returns the report of the whole import."""
    read = read_client_file(Path(path))
    report = ImportReport(Path(path), encoding=read.encoding)
    mark = store.clients_mark()                 # before the check: the batches re-check only what came after
    clean, reasons, unchanged = validate_clients(read.frame, store)
    lines = np.asarray(read.lines, dtype=np.int64)
    report.unchanged = int(unchanged.sum())
    bad = np.nonzero(reasons != "")[0]
    rejected = [(int(lines[i]), read.frame["code"].iat[i], reasons[i]) for i in bad]
    rejected += [(line, _by_header(read.header, fields).get("code", ""),
                  f"linha com {found} campo(s), esperado(s) {expected}: confira separadores e aspas")
                 for line, expected, found, fields in read.ragged]
    if len(clean):
        kept = np.nonzero((reasons == "") & ~unchanged)[0]
        try:
            inserted = store.insert_clients(clean, progress=progress, checked=mark)
        except WorkbenchError as exc:
            raise type(exc)(f"{exc} A importação parou: os lotes já gravados ficam; rode o mesmo comando de novo "
                            f"para continuar (linhas já importadas são reconhecidas).") from exc
        report.loaded, report.batches = len(inserted.client_ids), inserted.batches
        rejected += [(int(lines[kept[i]]), clean["code"].iat[i],
                      "código ou documento cadastrado por outro processo durante a importação")
                     for i in inserted.conflicts]
    report.rejected = sorted(rejected)
    if rejects_path is not None and report.rejected:
        _write_rejects(read, lines, report.rejected, Path(rejects_path))
        report.rejects_file = Path(rejects_path)
    return report


def _write_rejects(read, lines: np.ndarray, rejected: list[tuple[int, str, str]], path: Path) -> None:
    """The rejected rows as read, with their line and reason, in the exports' CSV dialect (``;``, UTF-8
    with BOM, Portuguese headers, formulas neutralised)."""
    position = {int(line): i for i, line in enumerate(lines)}
    ragged = {line: fields for line, _expected, _found, fields in read.ragged}
    rows = []
    for line, _code, reason in rejected:
        if line in position:
            values = read.frame.iloc[position[line]].tolist()
        else:                                     # a ragged row: its fields under the header's columns
            found = _by_header(read.header, ragged.get(line, []))
            values = [found.get(c, "") for c in COLUMNS]
        rows.append([str(line), *[neutralise(str(v)) for v in values], neutralise(reason)])
    text = csv_text(rows, ["linha", *[LABELS[c] for c in COLUMNS], "motivo"])
    path.write_bytes(text.encode(CSV_OPTIONS["encoding"]))


def _by_header(header: list[str | None], fields: list[str]) -> dict[str, str]:
    """The fields of a ragged row under the header's columns, as far as both go."""
    return {column: value.strip() for column, value in zip(header, fields) if column}
