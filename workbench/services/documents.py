"""CPF and CNPJ: digits, check digits and display format.

Scalar helpers for one value (forms, search) and vectorised ones (numpy) for
bulk work (demo data, imports). Documents are stored digits-only.
"""

from __future__ import annotations

import re

import numpy as np

_NON_DIGITS = re.compile(r"\D+")
_CPF_W1 = np.arange(10, 1, -1)                      # 10..2
_CPF_W2 = np.arange(11, 1, -1)                      # 11..2
_CNPJ_W1 = np.array([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
_CNPJ_W2 = np.array([6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])


def only_digits(text: object) -> str:
    """The digits of ``text`` ('123.456.789-09' → '12345678909'); '' for None."""
    if text is None:
        return ""
    return _NON_DIGITS.sub("", str(text))


def _check_digit(digits, weights) -> int:
    rest = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return 0 if rest < 2 else 11 - rest


def _valid(digits: str, size: int, first_weights, second_weights) -> bool:
    if len(digits) != size or digits == digits[0] * size:
        return False
    return (_check_digit(digits[:size - 2], first_weights) == int(digits[size - 2])
            and _check_digit(digits[:size - 1], second_weights) == int(digits[size - 1]))


def is_valid_cpf(text: object) -> bool:
    return _valid(only_digits(text), 11, _CPF_W1, _CPF_W2)


def is_valid_cnpj(text: object) -> bool:
    return _valid(only_digits(text), 14, _CNPJ_W1, _CNPJ_W2)


def is_valid_document(text: object) -> bool:
    """A valid CPF (11 digits) or CNPJ (14 digits), with or without punctuation."""
    d = only_digits(text)
    if len(d) == 11:
        return is_valid_cpf(d)
    if len(d) == 14:
        return is_valid_cnpj(d)
    return False


def document_kind(text: object) -> str | None:
    """'PF' for a valid CPF, 'PJ' for a valid CNPJ, None otherwise."""
    d = only_digits(text)
    if not is_valid_document(d):
        return None
    return "PF" if len(d) == 11 else "PJ"


def format_document(digits: object) -> str:
    """'12345678909' → '123.456.789-09'; 14 digits → '12.345.678/0001-95'; else unchanged."""
    d = only_digits(digits)
    if len(d) == 11:
        return f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}"
    if len(d) == 14:
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"
    return "" if digits is None else str(digits)


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
    """(n, k) int array of 0-9 → array of n k-character strings (fast, no Python loop per row)."""
    digits = np.ascontiguousarray(np.asarray(digits, dtype=np.uint8) + ord("0"))
    n, k = digits.shape
    return digits.view(f"S{k}").reshape(n).astype(f"U{k}")


def random_cpfs(rng: np.random.Generator, n: int) -> np.ndarray:
    """n valid CPFs (digits-only strings); repeated-digit bases are avoided."""
    base = rng.integers(0, 10, size=(n, 9))
    same = (base == base[:, :1]).all(axis=1)
    base[same, 8] = (base[same, 0] + 1) % 10
    return digits_to_strings(cpf_check_digits(base))


def random_cnpjs(rng: np.random.Generator, n: int) -> np.ndarray:
    """n valid CNPJs of head offices (branch 0001), digits-only strings."""
    root = rng.integers(0, 10, size=(n, 8))
    same = (root == root[:, :1]).all(axis=1)
    root[same, 7] = (root[same, 0] + 1) % 10
    branch = np.tile(np.array([0, 0, 0, 1]), (n, 1))
    return digits_to_strings(cnpj_check_digits(np.column_stack([root, branch])))


def valid_documents(values) -> np.ndarray:
    """Vectorised :func:`is_valid_document` over an iterable of texts (any punctuation)."""
    import pandas as pd

    s = pd.Series(values, dtype=object).fillna("").astype(str).str.replace(r"\D+", "", regex=True)
    out = np.zeros(len(s), dtype=bool)
    for length, w1, w2 in ((11, _CPF_W1, _CPF_W2), (14, _CNPJ_W1, _CNPJ_W2)):
        mask = (s.str.len() == length).to_numpy()
        if not mask.any():
            continue
        arr = np.frombuffer("".join(s[mask]).encode("ascii"), dtype=np.uint8).reshape(-1, length).astype(np.int64) - 48
        k = length - 2
        ok = (_vec_check(arr[:, :k], w1) == arr[:, k]) & (_vec_check(arr[:, :k + 1], w2) == arr[:, k + 1])
        ok &= ~(arr == arr[:, :1]).all(axis=1)
        out[mask] = ok
    return out
