"""The store contract: both backends implement every domain protocol of ``workbench.storage.contract``
with the declared signatures, and nothing public beyond it; named results unpack as the tuples they were."""

from __future__ import annotations

import inspect
import typing

import pytest

from workbench.storage import contract
from workbench.storage.postgres.store import PostgresStore
from workbench.storage.store import DuckDBStore

STORES = [DuckDBStore, PostgresStore]
# methods, and the attributes declared by annotation only (backend, read_only, parallel_reads)
DECLARED = {name for proto in contract.DOMAINS for name in [*proto.__dict__, *proto.__dict__.get("__annotations__", {})]
            if not name.startswith("_")}


def _members(proto) -> dict[str, object]:
    return {n: v for n, v in proto.__dict__.items() if not n.startswith("_") and callable(v)}


@pytest.mark.parametrize("store", STORES, ids=lambda s: s.__name__)
@pytest.mark.parametrize("proto", contract.DOMAINS, ids=lambda p: p.__name__)
def test_each_domain_method_is_implemented_with_its_declared_signature(store, proto):
    for name, declared in _members(proto).items():
        implemented = getattr(store, name, None)
        assert implemented is not None, f"{store.__name__} lacks {proto.__name__}.{name}"
        want = [(p.name, p.kind, p.default) for p in inspect.signature(declared).parameters.values()]
        got = [(p.name, p.kind, p.default) for p in inspect.signature(implemented).parameters.values()]
        if name == "table_counts":          # the default is the demo tables' list, declared as ``...``
            want, got = [w[:2] for w in want], [g[:2] for g in got]
        assert got == want, f"{store.__name__}.{name}{inspect.signature(implemented)} ≠ contract {want}"


@pytest.mark.parametrize("store", STORES, ids=lambda s: s.__name__)
def test_nothing_public_outside_the_contract(store):
    public = {n for n in dir(store) if not n.startswith("_")}
    extra = public - DECLARED - {"server_activity"}          # status detail of the PostgreSQL server only
    assert not extra, f"{store.__name__} has public methods the contract does not declare: {sorted(extra)}"


@pytest.mark.backends("duckdb", "postgres")
def test_an_open_store_is_a_store_and_returns_named_results(wb):
    assert isinstance(wb.store, contract.Store)
    for proto in contract.DOMAINS:
        assert isinstance(wb.store, proto)
    found = wb.store.search_clients(["xyz"], 5)
    frame, fuzzy = found                                      # still unpacks as a tuple
    assert found.frame is frame and found.fuzzy is fuzzy
    script = wb.store.script_definition("sem_conexao")
    assert script.version >= 1 and isinstance(script.definition, dict)
    result = wb.store.analyst_query("SELECT code FROM origins ORDER BY code", None, max_rows=2)
    assert len(result.frame) == 2 and result.truncated is True


def test_return_annotations_name_no_bare_tuples():
    for proto in contract.DOMAINS:
        for name, member in _members(proto).items():
            hints = typing.get_type_hints(member)
            shown = str(hints.get("return", ""))
            assert not shown.startswith("tuple["), f"{proto.__name__}.{name} returns a positional tuple"
