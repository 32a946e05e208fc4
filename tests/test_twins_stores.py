"""Each sync store (and the index client) and its async twin keep the same methods and signatures.

The convention of httpx and psycopg 3: the async class is the sync one's name prefixed with
``Async``, in the ``_async`` module beside it. Flask calls one, Sanic awaits the other, and the
API suite runs them both; this test stops them from drifting apart in between.
"""

import collections.abc
import inspect
import typing

import pytest

from shared.index_client import IndexClient
from shared.index_client_async import AsyncIndexClient
from shared.stores.base import Store
from shared.stores.base_async import AsyncStore
from shared.stores.memory import MemoryStore
from shared.stores.memory_async import AsyncMemoryStore
from shared.stores.postgres import PostgresStore
from shared.stores.postgres_async import AsyncPostgresStore
from shared.stores.sql import SqlStore
from shared.stores.sql_async import AsyncSqlStore
from shared.stores.sqlite import SqliteStore
from shared.stores.sqlite_async import AsyncSqliteStore

PAIRS = [
    (IndexClient, AsyncIndexClient),
    (Store, AsyncStore),
    (MemoryStore, AsyncMemoryStore),
    (SqlStore, AsyncSqlStore),
    (SqliteStore, AsyncSqliteStore),
    (PostgresStore, AsyncPostgresStore),
]
PAIR_IDS = [sync.__name__ for sync, _ in PAIRS]


def public_methods(cls) -> dict:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=PAIR_IDS)
def test_async_twin_is_named_after_the_sync_class(sync, async_):
    assert async_.__name__ == "Async" + sync.__name__
    assert async_.__module__ == sync.__module__ + "_async"


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=PAIR_IDS)
def test_same_public_methods(sync, async_):
    assert sorted(public_methods(sync)) == sorted(public_methods(async_))


def returns(method, kind) -> bool:
    """Whether ``method`` is annotated to return a ``kind`` (an ``Iterator``, say)."""
    return typing.get_origin(inspect.signature(method).return_annotation) is kind


def as_sync(signature: inspect.Signature) -> inspect.Signature:
    """An async twin's signature as its sync twin writes it: ``AsyncIterator[X]`` is the
    ``Iterator[X]`` of a generator's twin."""
    annotation = signature.return_annotation
    if typing.get_origin(annotation) is not collections.abc.AsyncIterator:
        return signature
    iterator = collections.abc.Iterator[typing.get_args(annotation)]
    return signature.replace(return_annotation=iterator)


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=PAIR_IDS)
def test_same_signatures(sync, async_):
    for name, method in public_methods(sync).items():
        twin = public_methods(async_)[name]
        assert inspect.signature(method) == as_sync(inspect.signature(twin)), name


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=PAIR_IDS)
def test_sync_methods_return_and_async_ones_are_awaited(sync, async_):
    """A method returns and its twin is awaited; or, for a method returning an iterator (a
    generator), its twin returns an async iterator (an async generator)."""
    twins = public_methods(async_)
    for name, method in public_methods(sync).items():
        assert not inspect.iscoroutinefunction(method), name
        if returns(method, collections.abc.Iterator):
            assert returns(twins[name], collections.abc.AsyncIterator), name
            assert inspect.isgeneratorfunction(method) == inspect.isasyncgenfunction(twins[name])
        else:
            assert inspect.iscoroutinefunction(twins[name]), name


STORES = [
    (sync, async_) for sync, async_ in PAIRS if hasattr(sync, "__init__") and "kind" in vars(sync)
]


@pytest.mark.parametrize(("sync", "async_"), STORES, ids=[sync.__name__ for sync, _ in STORES])
def test_same_kind_and_constructor(sync, async_):
    assert sync.kind == async_.kind
    assert inspect.signature(sync.__init__) == inspect.signature(async_.__init__)
