"""Checks and coercions of the arguments of every public call.

A notebook can pass anything: ``"1 OR 1=1"`` as a client id, ``"x"`` as a
date, a list as a name. Each helper here either returns the value in the one
type the store expects or raises :class:`ValidationError` whose ``field``
names the argument (its pt-BR label) and whose message says what is
accepted. So no raw ``ValueError`` or database conversion error reaches the
caller, and the store only ever receives checked values.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from workbench import settings
from workbench.errors import ValidationError
from workbench.frame import Column
from workbench.services.fields import TextRule, text_problem

INT32_MAX = 2**31 - 1           # ids are INTEGER columns
_DIGITS = re.compile(r"\s*[+-]?\d{1,19}\s*")
_PROTOCOL = re.compile(r"\d{14}")


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def integer(value, field: str, *, minimum: int | None = None, maximum: int | None = None,
            optional: bool = False) -> int | None:
    """An ``int`` from an int, an integral float or a string of digits (never a bool)."""
    if value is None and optional:
        return None
    result = None
    if isinstance(value, bool):
        result = None
    elif isinstance(value, numbers.Integral):
        result = int(value)
    elif isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        result = int(value)
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        result = int(value)
    if result is None:
        raise ValidationError(f"{field} deve ser um número inteiro (recebido {_shown(value)}).", field=field)
    low = minimum if minimum is not None else -INT32_MAX - 1
    high = maximum if maximum is not None else INT32_MAX
    if not low <= result <= high:
        raise ValidationError(f"{field} deve estar entre {low} e {high} (recebido {result}).", field=field)
    return result


def number(value, field: str, *, minimum: float | None = None, optional: bool = False) -> float | None:
    """A finite ``float`` from an int or a float (never a bool, NaN or infinity)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ValidationError(f"{field} deve ser um número (recebido {_shown(value)}).", field=field)
    if minimum is not None and value < minimum:
        raise ValidationError(f"{field} deve ser {minimum:g} ou mais (recebido {value:g}).", field=field)
    return float(value)


def identifier(value, field: str, *, optional: bool = False) -> int | None:
    """A positive database id (client, contract, operator)."""
    return integer(value, field, minimum=1, maximum=INT32_MAX, optional=optional)


def boolean(value, field: str) -> bool:
    """True/False (numpy booleans too); 'sim', 1 or 'no' are refused rather than guessed."""
    if isinstance(value, bool):
        return value
    np = sys.modules.get("numpy")                # a numpy boolean can only come from a loaded numpy
    if np is not None and isinstance(value, np.bool_):
        return bool(value)
    raise ValidationError(f"{field} deve ser True ou False (recebido {_shown(value)}).", field=field)


def string(value, field: str, *, optional: bool = False, max_len: int = 10_000,
           multiline: bool = False) -> str | None:
    """A ``str`` (stripped); None only when ``optional``. No control characters (line breaks
    and tabs only when ``multiline``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{field} deve ser um texto (recebido {_shown(value)}).", field=field)
    problem = text_problem(value.strip(), TextRule(field, max_len, multiline=multiline), required=False)
    if problem:
        raise ValidationError(problem, field=field)
    return value.strip()


def raw_string(value, field: str) -> str:
    """A ``str`` exactly as given (passwords, user names: no stripping, no other check)."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} deve ser um texto (recebido {type(value).__name__}).", field=field)
    return value


def path(value, field: str, *, optional: bool = False):
    """A file or folder path given as text or ``pathlib.Path`` (no NUL byte)."""
    if value is None and optional:
        return None
    if not isinstance(value, (str, Path)) or not str(value).strip() or "\x00" in str(value):
        raise ValidationError(f"{field} deve ser um caminho de arquivo (texto ou pathlib.Path); "
                              f"recebido {_shown(value)}.", field=field)
    return Path(value)


def database(value, field: str, *, optional: bool = False):
    """Where a desk lives: a DuckDB file path (as :func:`path`) or a ``postgresql://`` URL (kept as text)."""
    if isinstance(value, str) and value.strip().startswith(("postgres://", "postgresql://")) and "\x00" not in value:
        return value.strip()
    return path(value, field, optional=optional)


def text(value, rule: TextRule, *, required: bool = True) -> str:
    """A field's text checked against its :class:`TextRule` ('' when empty and not required)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{rule.label} deve ser um texto (recebido {_shown(value)}).", field=rule.label)
    value = value.strip()
    problem = text_problem(value, rule, required=required)
    if problem:
        raise ValidationError(problem, field=rule.label)
    return value


def choice(value, field: str, options, *, optional: bool = False):
    """One of ``options`` (compared as given)."""
    if value is None and optional:
        return None
    try:
        ok = value in options
    except TypeError:              # unhashable values (lists, dicts) against a set
        ok = False
    if not ok:
        raise ValidationError(f"{field} deve ser um de: {', '.join(map(str, options))} "
                              f"(recebido {_shown(value)}).", field=field)
    return value


def protocol(value, field: str = "Protocolo") -> str:
    """A protocol number: 14 digits (AAAAMMDD + sequence), as text or as an int."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = str(int(value))
    if not isinstance(value, str) or not _PROTOCOL.fullmatch(value.strip()):
        raise ValidationError(f"{field} deve ter 14 dígitos (AAAAMMDD + sequência); recebido {_shown(value)}.",
                              field=field)
    return value.strip()


def timestamp(value, field: str, *, optional: bool = True) -> datetime | None:
    """An aware datetime from a datetime, a date (midnight) or an ISO text ('2026-03-01', '2026-03-01 08:00').

    Naive values are read in the desk's time zone (``WORKBENCH_TZ``).
    """
    if value is None and optional:
        return None
    parsed = None
    pd = sys.modules.get("pandas")               # a pandas Timestamp can only come from a loaded pandas
    if pd is not None and isinstance(value, pd.Timestamp):
        parsed = None if pd.isna(value) else value.to_pydatetime()
    elif isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str) and 0 < len(value.strip()) <= 40:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationError(f"{field} deve ser uma data (datetime, date ou texto AAAA-MM-DD[ HH:MM]); "
                              f"recebido {_shown(value)}.", field=field)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(settings.get("timezone")))
    if not 1900 <= parsed.year <= 9999:
        raise ValidationError(f"{field}: ano fora do intervalo aceito (1900 a 9999).", field=field)
    return parsed


def labels(value, field: str) -> list[str] | None:
    """A label/code or a list of them (None or an empty list: no filter)."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    pd = sys.modules.get("pandas")
    series = (pd.Series,) if pd is not None else ()
    if not isinstance(items, (list, tuple, set, frozenset, Column) + series):
        raise ValidationError(f"{field} deve ser um texto ou uma lista de textos (recebido {_shown(value)}).",
                              field=field)
    out = [string(v, field, max_len=100) for v in items]
    return out or None
