"""Small tables of plain Python values: what the desk's store methods return (no pandas).

A served desk kernel needs no pandas (some 35 MB, 60 with numpy): its lists are a page of rows.
:class:`Frame` holds named columns of plain values (``None`` where SQL has NULL, ``datetime``
for times) and offers the few table operations the services and widgets use, spelled as pandas
spells them (``frame["name"]``, ``frame.iloc[0]``, ``frame[mask]``, ``frame.to_dict("records")``,
``frame.attrs``), so code reads the same over a Frame or a DataFrame. :meth:`Frame.to_pandas`
gives the DataFrame where one is the product (the analysts' API, exports), importing pandas then.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

from workbench.columns import Column, Row, _mask, _values, missing

__all__ = ["Frame", "Column", "Row", "missing", "as_pandas"]


class _ILoc:
    def __init__(self, frame: "Frame"):
        self._frame = frame

    def __getitem__(self, key):
        f = self._frame
        if isinstance(key, int):
            n = len(f)
            if not -n <= key < n:
                raise IndexError(key)
            return Row((c, v[key]) for c, v in f._data.items())
        if isinstance(key, slice):
            return f._take(range(len(f))[key])
        return f._take(list(key))


class _Loc:
    def __init__(self, frame: "Frame", index: str):
        self._frame, self._index = frame, index

    def __getitem__(self, key):
        """``loc[label]``: the first row whose index column holds ``label``; ``loc[label, column]``: its value."""
        label, column = key if isinstance(key, tuple) else (key, None)
        for i, v in enumerate(self._frame._data[self._index]):
            if v == label:
                row = self._frame.iloc[i]
                return row if column is None else row[column]
        raise KeyError(label)


class Frame:
    """Named columns of plain values, in order; ``attrs`` for what a list says of itself.

    ``Frame({"a": [1, 2]})``, ``Frame(columns=[...])`` (empty) or :meth:`from_rows`.
    """

    __slots__ = ("_data", "attrs", "_index")

    def __init__(self, data: dict[str, Sequence] | None = None, columns: Sequence[str] | None = None):
        data = dict(data or {})
        self._data: dict[str, list] = {c: list(data.get(c, ())) for c in (columns or data)}
        lengths = {len(v) for v in self._data.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self.attrs: dict = {}
        self._index: str | None = None

    @classmethod
    def from_rows(cls, columns: Sequence[str], rows: Iterable[Sequence]) -> "Frame":
        """A Frame from rows (tuples in ``columns``' order), as a cursor's ``fetchall`` gives them."""
        rows = list(rows)
        return cls({c: [r[i] for r in rows] for i, c in enumerate(columns)}, columns)

    @classmethod
    def from_records(cls, records: Iterable[dict], columns: Sequence[str] | None = None) -> "Frame":
        records = list(records)
        columns = list(columns if columns is not None else dict.fromkeys(k for r in records for k in r))
        return cls({c: [r.get(c) for r in records] for c in columns}, columns)

    @classmethod
    def from_cursor(cls, cursor) -> "Frame":
        """The whole result of an executed DuckDB or PostgreSQL cursor."""
        return cls.from_rows([d[0] for d in cursor.description], cursor.fetchall())

    # -- shape --------------------------------------------------------------
    @property
    def columns(self) -> list[str]:
        return list(self._data)

    def __len__(self) -> int:
        return len(next(iter(self._data.values()), ()))

    @property
    def empty(self) -> bool:
        return len(self) == 0

    @property
    def shape(self) -> tuple[int, int]:
        return len(self), len(self._data)

    def __contains__(self, column) -> bool:
        return column in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __repr__(self) -> str:
        return f"Frame({len(self)} rows: {', '.join(self._data)})"

    # -- reading ------------------------------------------------------------
    def __getitem__(self, key):
        if isinstance(key, str):
            return Column(self._data[key], key)
        if isinstance(key, slice):
            return self._take(range(len(self))[key])
        if isinstance(key, (list, tuple)) and all(isinstance(k, str) for k in key) and (key or not len(self)):
            missing_columns = [k for k in key if k not in self._data]
            if missing_columns:
                raise KeyError(missing_columns)
            return self._new({k: self._data[k] for k in key})
        keep = _mask(key, len(self))
        return self._take([i for i, k in enumerate(keep) if k])

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return Column(self._data[name], name)
        except KeyError:
            raise AttributeError(name) from None

    def get(self, column: str, default=None):
        return self[column] if column in self._data else default

    @property
    def iloc(self) -> _ILoc:
        return _ILoc(self)

    @property
    def loc(self) -> _Loc:
        if self._index is None:
            raise TypeError("Frame.loc needs set_index(column) first")
        return _Loc(self, self._index)

    def set_index(self, column: str) -> "Frame":
        out = self._new(self._data)
        out._index = column
        return out

    def rows(self) -> Iterator[Row]:
        """Each row as a :class:`Row`."""
        names = list(self._data)
        for values in zip(*self._data.values()):
            yield Row(zip(names, values))

    def to_dict(self, orient: str = "records"):
        if orient == "records":
            return [dict(r) for r in self.rows()]
        if orient == "list":
            return {c: list(v) for c, v in self._data.items()}
        raise ValueError(orient)

    def iterrows(self) -> Iterator[tuple[int, Row]]:
        return enumerate(self.rows())

    def itertuples(self, index: bool = False, name: str = "Row") -> Iterator[Row]:
        return self.rows()

    # -- new frames ---------------------------------------------------------
    def _new(self, data: dict[str, list]) -> "Frame":
        out = Frame(data)
        out.attrs = dict(self.attrs)
        return out

    def _take(self, positions) -> "Frame":
        positions = list(positions)
        return self._new({c: [v[i] for i in positions] for c, v in self._data.items()})

    def copy(self) -> "Frame":
        return self._new(self._data)

    def reset_index(self, drop: bool = True) -> "Frame":
        return self._new(self._data)

    def head(self, n: int = 5) -> "Frame":
        return self._take(range(min(n, len(self))))

    def __setitem__(self, column: str, values) -> None:
        n = len(self) if self._data else len(_values(values, 0))
        values = values.values if isinstance(values, Column) else values
        values = list(values) if isinstance(values, (list, tuple, range)) or hasattr(values, "__next__") \
            else [values] * n
        if self._data and len(values) != n:
            raise ValueError(f"{column}: {len(values)} values for {n} rows")
        self._data[column] = values

    def assign(self, **columns) -> "Frame":
        out = self.copy()
        for name, values in columns.items():
            out[name] = values(out) if callable(values) else values
        return out

    def sort_values(self, by, ascending: bool = True) -> "Frame":
        """Rows ordered by column ``by`` (or a list of columns), missing values last; stable."""
        columns = [self._data[c] for c in ([by] if isinstance(by, str) else by)]
        order = list(range(len(self)))
        for values in reversed(columns):            # stable sorts, the last key first
            present = [i for i in order if not missing(values[i])]
            present.sort(key=values.__getitem__, reverse=not ascending)
            order = present + [i for i in order if missing(values[i])]
        return self._take(order)

    def to_pandas(self):
        """This table as a pandas DataFrame (imports pandas), ``attrs`` included."""
        import pandas as pd

        out = pd.DataFrame({c: pd.Series(v, dtype=_dtype(v)) for c, v in self._data.items()},
                           columns=list(self._data))
        out.attrs.update(self.attrs)
        return out


def _dtype(values: list) -> Any:
    """The dtype pandas infers, except a column of texts and NULLs stays ``object`` (as DuckDB's ``.df()``)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, str) for v in present):
        return object
    return None


def as_pandas(value):
    """``value`` with every :class:`Frame` in it as a pandas DataFrame: a Frame, a dict of them, or a
    record (named tuple, dataclass) holding some. Anything else is returned as it is."""
    import dataclasses

    if isinstance(value, Frame):
        return value.to_pandas()
    if isinstance(value, dict):
        return {k: as_pandas(v) for k, v in value.items()} if any(isinstance(v, Frame) for v in value.values()) \
            else value
    if isinstance(value, tuple) and hasattr(value, "_replace"):
        changed = {k: v.to_pandas() for k, v in value._asdict().items() if isinstance(v, Frame)}
        return value._replace(**changed) if changed else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: getattr(value, f.name).to_pandas() for f in dataclasses.fields(value)
                   if f.init and isinstance(getattr(value, f.name), Frame)}
        return dataclasses.replace(value, **changed) if changed else value
    return value
