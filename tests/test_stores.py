"""The stores on their own, without a framework: every SQL store answers as the memory store.

Each test runs over the six stores (memory, SQLite, PostgreSQL; sync and async). The async
ones are driven through ``Synced``, so one test body serves both halves of each twin pair.
"""

import asyncio
import dataclasses
import time

import pytest

from shared.model import Package, normalize_name
from shared.problems import Conflict, NotFound, PreconditionFailed, StoreUnavailable
from shared.query import PageQuery, matches_query
from shared.settings import Settings
from shared.stores import create_async_store, create_store
from shared.stores.memory import MemoryStore

SAMPLES = [
    # Python's lower() of the summary is what a search matches, for every alphabet.
    ("Zebra", "ÉCOLE DES CHARTES: İstanbul, Straße and the KELVIN sign K"),
    ("a-b", "hyphen sorts before digits and letters"),
    ("a0", "digit"),
    ("aa", "ASCII letters"),
    ("Ab_C", "normalizes to ab-c"),
    ("quote", '"a summary beginning with a quote'),
]
QUERIES = ["é", "école", "i̇stanbul", "straße", "k", "a", "-", "quote", '"a', "nothing-matches"]


def package(name: str, summary: str = "", **fields) -> Package:
    values = {
        "name": name,
        "normalized_name": normalize_name(name),
        "version": "1.0",
        "summary": summary,
        "license": None,
        "home_page": None,
        "author": None,
        "requires_python": None,
        "keywords": (),
        "download_rank": None,
        "updated_at": "2026-01-01T00:00:00Z",
    }
    return Package(**{**values, **fields})


SEED = [package(name, summary) for name, summary in SAMPLES]


class Synced:
    """Calls an async store's methods as plain calls, on one event loop for the whole test."""

    def __init__(self, store, runner: asyncio.Runner):
        self._store, self._runner = store, runner
        self.kind = store.kind

    def __getattr__(self, name):
        method = getattr(self._store, name)

        def call(*args):
            return self._runner.run(method(*args))

        return call


@pytest.fixture(params=["sync", "async"])
def flavour(request):
    return request.param


@pytest.fixture
def make_store(backend, flavour, request):
    """Builds stores on one empty database (or memory); closes them after the test."""
    url = request.getfixturevalue("empty_database_url")
    runner = asyncio.Runner()
    opened = []

    def make(seed=SEED, **settings_fields):
        settings = Settings(database_url=url, pool_size=2, pool_timeout=2.0, **settings_fields)
        if flavour == "sync":
            store = create_store(settings)
        else:
            store = Synced(create_async_store(settings), runner)
        store.open(seed)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
    runner.close()


@pytest.fixture
def store(make_store):
    return make_store()


def reference() -> MemoryStore:
    memory = MemoryStore()
    memory.open(SEED)
    return memory


def test_kind_names_the_backend(store, backend):
    assert store.kind == backend


def test_search_matches_the_memory_store_for_every_alphabet(store):
    expected = reference()
    for q in [None, *QUERIES]:
        query = PageQuery(page=1, per_page=100, q=q)
        assert store.search(query) == expected.search(query), q


def test_search_agrees_with_matches_query(store):
    for q in QUERIES:
        found, total = store.search(PageQuery(per_page=100, q=q))
        wanted = [p for p in SEED if matches_query(p.normalized_name, p.summary, q)]
        assert total == len(wanted)
        assert {p.normalized_name for p in found} == {p.normalized_name for p in wanted}


def test_pages_are_in_code_point_order(store):
    names = sorted(p.normalized_name for p in SEED)
    first, total = store.search(PageQuery(page=1, per_page=4))
    second, _ = store.search(PageQuery(page=2, per_page=4))
    assert [p.normalized_name for p in first + second] == names
    assert total == len(SEED)
    assert store.search(PageQuery(page=9, per_page=4)) == ([], len(SEED))


def test_every_field_round_trips(store):
    rich = package(
        "Rich",
        "Ünïcödé 🐍",
        license="MIT",
        home_page="https://example.org/rich",
        author='Ada "Countess" Lovelace',
        requires_python=">=3.11",
        keywords=("tab\there", "ключ", '["json"]', ""),
        download_rank=10**30,  # the contract sets no upper bound
    )
    store.create(rich)
    assert store.get("rich") == rich
    assert store.search(PageQuery(q="ünïcödé"))[0] == [rich]


def test_count_get_and_pick(store):
    assert store.count() == len(SEED)
    assert store.get("ab-c") == SEED[4]
    assert store.get("absent") is None
    assert store.pick_by_name_order(0).normalized_name == "a-b"
    assert store.pick_by_name_order(len(SEED) - 1).normalized_name == "zebra"
    assert store.pick_by_name_order(2**64 - 1) == store.pick_by_name_order((2**64 - 1) % 6)
    # A freshly seeded store numbers its positions in name order, in every store.
    assert store.pick_random(len(SEED) * 1000 + 1).normalized_name == "a0"


def test_pick_on_an_empty_store_is_none(make_store):
    empty = make_store(seed=())
    assert empty.pick_random(0) is None
    assert empty.pick_by_name_order(2**64 - 1) is None


def test_a_second_create_of_the_same_normalized_name_conflicts(store):
    store.create(package("New.Package", "first"))
    with pytest.raises(Conflict):
        store.create(package("new_package", "second"))
    assert store.get("new-package").summary == "first"


def test_update_stores_what_change_returns(store):
    updated = store.update("aa", lambda current: dataclasses.replace(current, summary="Neu"))
    assert updated.summary == "Neu"
    assert store.get("aa") == updated
    assert store.search(PageQuery(q="neu"))[0] == [updated]


def test_a_refused_change_changes_nothing(store):
    def refuse(current):
        raise PreconditionFailed()

    with pytest.raises(PreconditionFailed):
        store.update("aa", refuse)
    with pytest.raises(PreconditionFailed):
        store.delete("aa", refuse)
    assert store.get("aa") == SEED[3]


def test_writes_to_an_absent_package_are_404(store):
    with pytest.raises(NotFound):
        store.update("absent", lambda current: current)
    with pytest.raises(NotFound):
        store.delete("absent", lambda current: None)


def test_delete(store):
    store.delete("aa", lambda current: None)
    assert store.get("aa") is None
    assert store.count() == len(SEED) - 1


def test_the_seed_goes_only_into_an_empty_store(store):
    store.delete("aa", lambda current: None)
    store.close()
    store.open([package("other")])
    assert store.count() == len(SEED) - 1
    assert store.get("other") is None


def test_a_second_store_on_the_same_database_sees_writes_at_once(make_store, backend):
    if backend == "memory":
        pytest.skip("each memory store holds its own data")
    first, second = make_store(), make_store()
    first.create(package("shared-write"))
    assert second.get("shared-write") is not None


def test_a_store_opens_again_after_closing(make_store):
    """sanic-testing's ASGI client opens and closes the store around every request."""
    store = make_store()
    store.create(package("kept"))
    store.close()
    store.open(())
    assert store.get("kept") is not None


def unreachable_url(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        return f"sqlite://{tmp_path}/no/such/folder/pyaday.db"
    return f"postgresql:///pyaday?host={tmp_path}/no-server-here&user=postgres"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_unreachable_database_is_503_within_the_timeout(flavour, kind, tmp_path):
    settings = Settings(database_url=unreachable_url(kind, tmp_path), pool_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        if flavour == "sync":
            create_store(settings).open(())
        else:
            asyncio.run(open_and_settle(create_async_store(settings)))
    assert time.monotonic() - started < 3.0


async def open_and_settle(store) -> None:
    try:
        await store.open(())
    finally:
        # After a failed connect, aiosqlite stops its thread by a call back into this loop.
        await asyncio.sleep(0.05)
