"""CPF and CNPJ: characters, check digits and display format.

Since July 2026 the Receita Federal also issues **alphanumeric CNPJs**
(``12.ABC.345/01DE-35``): the 12 first characters are digits or letters, the
last two are digits; the check digits take each character's value as its
ASCII code minus 48 (``0``-``9`` → 0-9, ``A`` → 17 ... ``Z`` → 42), with the
old weights. A numeric CNPJ is the special case of digits only. CPFs stay numeric.

Documents are stored as their characters only, upper case, no punctuation
(``12ABC34501DE35``, ``52998224725``). One value is checked with the
maintained ``validate-docbr`` (2.x knows the alphanumeric CNPJ); bulk work
(imports of 10^5 rows, the demo's 10^6 clients) uses the same rule vectorised
in numpy, and a test checks both agree on every kind of document.
"""

from __future__ import annotations

import re

from validate_docbr import CNPJ, CPF

from workbench.lazy import lazy

np = lazy("numpy")                    # the vectorised checks (import, demo data) only

_NON_DIGITS = re.compile(r"\D+")
_NON_DOCUMENT = re.compile(r"[^0-9A-Za-z]+")
_CPF = CPF()
_CNPJ = CNPJ()
CNPJ_SYMBOLS = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CPF_W1 = tuple(range(10, 1, -1))                    # 10..2
_CPF_W2 = tuple(range(11, 1, -1))                    # 11..2
_CNPJ_W1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_W2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def only_digits(text: object) -> str:
    """The digits of ``text`` ('123.456.789-09' → '12345678909'); '' for None."""
    if text is None:
        return ""
    return _NON_DIGITS.sub("", str(text))


def document_chars(text: object) -> str:
    """The characters of a CPF/CNPJ as stored: letters and digits, upper case
    ('12.abc.345/01de-35' → '12ABC34501DE35'); '' for None."""
    if text is None:
        return ""
    return _NON_DOCUMENT.sub("", str(text)).upper()


def is_valid_cpf(text: object) -> bool:
    d = document_chars(text)
    return len(d) == 11 and d.isdigit() and _CPF.validate(d)


def is_valid_cnpj(text: object) -> bool:
    """A numeric or alphanumeric CNPJ with valid check digits, with or without punctuation."""
    d = document_chars(text)
    return len(d) == 14 and d[12:].isdigit() and _CNPJ.validate(d)


def is_valid_document(text: object) -> bool:
    """A valid CPF (11 digits) or CNPJ (14 characters), with or without punctuation."""
    d = document_chars(text)
    if len(d) == 11:
        return is_valid_cpf(d)
    if len(d) == 14:
        return is_valid_cnpj(d)
    return False


def document_kind(text: object) -> str | None:
    """'PF' for a valid CPF, 'PJ' for a valid CNPJ, None otherwise."""
    d = document_chars(text)
    if not is_valid_document(d):
        return None
    return "PF" if len(d) == 11 else "PJ"


def format_document(value: object) -> str:
    """'12345678909' → '123.456.789-09'; 14 characters → '12.ABC.345/01DE-35'; else unchanged."""
    d = document_chars(value)
    if len(d) == 11 and d.isdigit():
        return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"
    if len(d) == 14:
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"
    return "" if value is None else str(value)


def format_phone(digits: object) -> str:
    """'11987654321' → '(11) 98765-4321'; 10 digits → '(11) 3333-4444'; else unchanged."""
    d = only_digits(digits)
    if len(d) == 11:
        return f"({d[:2]}) {d[2:7]}-{d[7:]}"
    if len(d) == 10:
        return f"({d[:2]}) {d[2:6]}-{d[6:]}"
    return "" if digits is None else str(digits)


# -- vectorised --------------------------------------------------------------

def _vec_check(base: np.ndarray, weights: np.ndarray) -> np.ndarray:
    rest = (base * weights).sum(axis=1) % 11
    return np.where(rest < 2, 0, 11 - rest)


def _with_check_digits(base: np.ndarray, first_weights, second_weights) -> np.ndarray:
    base = np.asarray(base, dtype=np.int64)
    with_first = np.column_stack([base, _vec_check(base, first_weights)])
    return np.column_stack([with_first, _vec_check(with_first, second_weights)])


def cpf_check_digits(base: np.ndarray) -> np.ndarray:
    """(n, 9) int array of CPF base digits → (n, 11) with both check digits."""
    return _with_check_digits(base, _CPF_W1, _CPF_W2)


def cnpj_check_digits(base: np.ndarray) -> np.ndarray:
    """(n, 12) int array of CNPJ base digits → (n, 14) with both check digits."""
    return _with_check_digits(base, _CNPJ_W1, _CNPJ_W2)


def digits_to_strings(digits: np.ndarray) -> np.ndarray:
    """(n, k) int array of character values (0-9, and 17-42 for A-Z) → n k-character strings
    (fast, no Python loop per row)."""
    digits = np.ascontiguousarray(np.asarray(digits, dtype=np.uint8) + ord("0"))
    n, k = digits.shape
    return digits.view(f"S{k}").reshape(n).astype(f"U{k}")


def random_cpfs(rng: np.random.Generator, n: int) -> np.ndarray:
    """n valid CPFs (digits-only strings); repeated-digit bases are avoided."""
    base = rng.integers(0, 10, size=(n, 9))
    same = (base == base[:, :1]).all(axis=1)
    base[same, 8] = (base[same, 0] + 1) % 10
    return digits_to_strings(cpf_check_digits(base))


def random_cnpjs(rng: np.random.Generator, n: int, alphanumeric: float = 0.0) -> np.ndarray:
    """n valid CNPJs of head offices (branch 0001); a share ``alphanumeric`` of them
    with letters in the root (the 2026 format), the others digits only."""
    root = rng.integers(0, 10, size=(n, 8))
    same = (root == root[:, :1]).all(axis=1)
    root[same, 7] = (root[same, 0] + 1) % 10
    if alphanumeric > 0:
        alnum = rng.random(n) < alphanumeric
        table = np.frombuffer(CNPJ_SYMBOLS, dtype=np.uint8)
        symbols = table[rng.integers(0, len(table), size=(int(alnum.sum()), 8))] - ord("0")
        symbols[:, 2] = rng.integers(17, 43, size=len(symbols))       # at least one letter
        root[alnum] = symbols
    branch = np.tile(np.array([0, 0, 0, 1]), (n, 1))
    return digits_to_strings(cnpj_check_digits(np.column_stack([root, branch])))


def valid_documents(values) -> np.ndarray:
    """Vectorised :func:`is_valid_document` over an iterable of texts (any punctuation, any case)."""
    import pandas as pd

    s = pd.Series(values, dtype=object).fillna("").astype(str).str.replace(r"[^0-9A-Za-z]+", "", regex=True) \
        .str.upper()
    out = np.zeros(len(s), dtype=bool)
    for length, w1, w2, pattern in ((11, _CPF_W1, _CPF_W2, r"[0-9]{11}"),
                                    (14, _CNPJ_W1, _CNPJ_W2, r"[0-9A-Z]{12}[0-9]{2}")):
        mask = s.str.fullmatch(pattern).to_numpy(dtype=bool)
        if not mask.any():
            continue
        arr = np.frombuffer("".join(s[mask]).encode("ascii"), dtype=np.uint8).reshape(-1, length).astype(np.int64) - 48
        k = length - 2
        ok = (_vec_check(arr[:, :k], w1) == arr[:, k]) & (_vec_check(arr[:, :k + 1], w2) == arr[:, k + 1])
        ok &= ~(arr == arr[:, :1]).all(axis=1)
        out[mask] = ok
    return out
