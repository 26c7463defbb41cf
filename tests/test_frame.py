"""Plain tables (``workbench/frame.py``): what the desk's store methods and services return, so a
desk's kernel never imports pandas; the analysts' API still gives DataFrames (``tables="pandas"``).

The Frame's operations are checked against pandas doing the same on the same rows, and a
``tables="plain"`` Workbench against a pandas one on the same database (both backends)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pandas as pd
import pytest

import workbench
from workbench.frame import Frame, as_pandas, missing

ROWS = [(1, "Ana", None, True, datetime(2026, 3, 1, 8, tzinfo=timezone.utc)),
        (2, "bruno", "SP", False, None),
        (3, "Ana", "RJ", True, datetime(2026, 3, 2, 9, tzinfo=timezone.utc))]
COLUMNS = ["id", "name", "state", "open", "at"]


@pytest.fixture
def both():
    return Frame.from_rows(COLUMNS, ROWS), pd.DataFrame(ROWS, columns=COLUMNS)


def test_selection_masks_and_rows_read_as_pandas_reads_them(both):
    f, df = both
    assert f.columns == list(df.columns) and len(f) == len(df) and not f.empty
    for frame in (f, df):
        picked = frame[(frame["name"].str.casefold() == "ana") & frame["open"]]
        assert picked["id"].tolist() == [1, 3]
        assert frame[frame.state.notna()].name.iloc[0] == "bruno"
        assert frame.iloc[1].to_dict()["name"] == "bruno"
        assert frame.iloc[:2]["id"].tolist() == [1, 2]
        assert list(frame[["id", "name"]].columns) == ["id", "name"]
        assert frame.set_index("id").loc[3, "state"] == "RJ"
        assert [r["id"] for r in frame.to_dict("records")] == [1, 2, 3]
        assert frame[frame["id"] > 5].empty
    assert f.sort_values(["name", "id"], ascending=False)["id"].tolist() == \
        df.sort_values(["name", "id"], ascending=False)["id"].tolist()
    assert f.sort_values("state")["id"].tolist() == df.sort_values("state")["id"].tolist()   # missing last


def test_new_columns_attrs_and_the_dataframe_made_from_it(both):
    f, df = both
    g = f.assign(flag=[True, False, True], label=f["id"].map({1: "um"}))
    g.attrs.update(truncated=True)
    assert g["label"].tolist() == ["um", None, None] and f.columns == COLUMNS       # f unchanged
    out = g.to_pandas()
    assert list(out.columns) == COLUMNS + ["flag", "label"] and out.attrs == {"truncated": True}
    for column in COLUMNS:
        assert [None if missing(v) else v for v in out[column].tolist()] == \
            [None if missing(v) else v for v in df[column].tolist()], column
    assert isinstance(out["at"].dtype, pd.DatetimeTZDtype) and out["state"].dtype == object   # as DuckDB's df()
    with pytest.raises(ValueError):
        g["bad"] = [1, 2]
    assert missing(None) and missing(float("nan")) and missing(pd.NaT) and not missing("") and not missing(0)


def test_as_pandas_converts_the_tables_inside_records_and_dicts(both):
    f, _ = both
    from workbench.services.records import ClientRecord

    converted = as_pandas(ClientRecord({"name": "x"}, f, {}))
    assert isinstance(converted.contracts, pd.DataFrame) and converted.data == {"name": "x"}
    assert isinstance(as_pandas({"a": f})["a"], pd.DataFrame)
    assert as_pandas(3) == 3


@pytest.mark.backends("duckdb", "postgres")
def test_a_plain_workbench_gives_what_a_pandas_one_gives_as_plain_tables(desk):
    plain = workbench.open(desk.store.target, tables="plain")
    try:
        found, shown = plain.search_clients("silva", limit=5), desk.search_clients("silva", limit=5)
        assert isinstance(found, Frame) and isinstance(shown, pd.DataFrame)
        assert found["client_id"].tolist() == shown["client_id"].tolist() and found.attrs == shown.attrs
        lists = plain.attendances(limit=20), desk.attendances(limit=20)
        assert lists[0]["protocol"].tolist() == lists[1]["protocol"].tolist()
        assert lists[0]["deadline"].tolist() == lists[1]["deadline"].tolist()
        record = plain.client(int(found["client_id"][0]))
        assert isinstance(record.contracts, Frame)
        assert isinstance(desk.client(int(found["client_id"][0])).contracts, pd.DataFrame)
        assert all(isinstance(t, pd.DataFrame) for t in desk.reference().values())
    finally:
        plain.close()


def test_the_desk_modules_import_neither_pandas_nor_numpy_nor_a_chart_or_grid_library():
    code = ("import sys\nimport workbench.widgets.desk.app, workbench.widgets.detail, workbench.api\n"
            "import workbench.widgets.desk.service_orders, workbench.widgets.desk.operators\n"
            "import workbench.widgets.desk.worklist, workbench.widgets.desk.wizard, workbench.storage\n"
            "from workbench.widgets.desk import client, desktop, search\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'bqplot', 'bqscales', 'ipydatagrid') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
