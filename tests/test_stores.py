"""The stores on their own, without a framework: every SQL store answers as the memory store.

Each test runs over the six stores (memory, SQLite, PostgreSQL; sync and async). The async
ones are driven through ``Synced``, so one test body serves both halves of each twin pair.
"""

import asyncio
import dataclasses
import inspect
import random
import sqlite3
import time
from collections import Counter

import psycopg
import pytest

from shared.model import Package, normalize_name
from shared.problems import Conflict, PreconditionFailed, ResourceNotFound, StoreUnavailable
from shared.query import PageQuery, matches_query
from shared.settings import Settings
from shared.stores import create_async_store, create_store, sql
from shared.stores.memory import MemoryStore
from shared.stores.sqlite import sqlite_path, sqlite_url

SAMPLES = [
    # Python's lower() of the summary is what a search matches, for every alphabet.
    ("Zebra", "ÉCOLE DES CHARTES: İstanbul, Straße and the KELVIN sign K"),
    ("a-b", "hyphen sorts before digits and letters"),
    ("a0", "digit"),
    ("aa", "ASCII letters"),
    ("Ab_C", "normalizes to ab-c"),
    ("quote", '"a summary beginning with a quote'),
    # What SQL would read as syntax: LIKE's % and _ and its escape \, FTS5's ".
    ("percent", "100% pure_python, 50%_off: c:\\windows\\path and a \\n"),
    ("under_score", "snake_case names like my_module"),
    ("quotes", 'say "hi" and ""doubled"" quotes'),
    ("nihongo", "日本語のパッケージ: ünïcödé, emoji 🐍 and the titlecase ǅ"),
]
QUERIES = [
    *("é", "école", "i̇stanbul", "straße", "k", "a", "-", "quote", '"a', "nothing-matches"),
    *("%", "_", "\\", "50%", "%_o", "0%_", "_case", "pure_python", "c:\\w", "\\n", "%%", "__"),
    *('"', '""', '"hi"', 'say "', '""doubled""', "日本", "日本語", "🐍", "ǆ", "ünï", "PURE"),
    *("py", "e", "ab", "s ", "a_", "%n"),
]


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
        if inspect.isasyncgenfunction(method):
            return lambda *args: self._iterate(method(*args))

        def call(*args):
            return self._runner.run(method(*args))

        return call

    def _iterate(self, iterator):
        """An async generator as a generator: closing this one closes it."""

        async def step():
            return await anext(iterator, None)

        async def close():
            await iterator.aclose()

        try:
            while (item := self._runner.run(step())) is not None:
                yield item
        finally:
            self._runner.run(close())


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


def by_the_rule(packages, query: PageQuery) -> tuple[list[Package], int]:
    """What a search answers, straight from the contract: ``matches_query``, name order."""
    found = sorted(
        (
            p
            for p in packages
            if query.q is None or matches_query(p.normalized_name, p.summary, query.q)
        ),
        key=lambda p: p.normalized_name,
    )
    return found[query.offset : query.offset + query.per_page], len(found)


PAGINGS = [(1, 100), (1, 2), (2, 2), (3, 1), (50, 2)]


def test_search_matches_the_rule_for_every_alphabet_and_sql_syntax(store):
    for q in [None, *QUERIES]:
        for page, per_page in PAGINGS:
            query = PageQuery(page=page, per_page=per_page, q=q)
            assert store.search(query) == by_the_rule(SEED, query), (q, page, per_page)


def test_search_matches_the_memory_store(store):
    expected = reference()
    for q in [None, *QUERIES]:
        query = PageQuery(page=1, per_page=100, q=q)
        assert store.search(query) == expected.search(query), q


def test_searches_follow_every_write(store):
    current = {p.normalized_name: p for p in SEED}
    for created in (package("Brand_New", "A BRAND new 100% thing"), package("0-first", "brand")):
        current[created.normalized_name] = store.create(created)

    def rewrite(old):
        return dataclasses.replace(old, summary="no quote left: brand new")

    current["quote"] = store.update("quote", rewrite)
    store.delete("aa", lambda old: None)
    del current["aa"]
    for q in ["brand", "brand new", "quote", "ascii", "100%", "new", "ne", "first", "0-f"]:
        for page, per_page in PAGINGS:
            query = PageQuery(page=page, per_page=per_page, q=q)
            assert store.search(query) == by_the_rule(current.values(), query), (q, page)


def test_search_agrees_with_matches_query(store):
    for q in QUERIES:
        found, total = store.search(PageQuery(per_page=100, q=q))
        wanted = [p for p in SEED if matches_query(p.normalized_name, p.summary, q)]
        assert total == len(wanted)
        assert {p.normalized_name for p in found} == {p.normalized_name for p in wanted}


def test_pages_are_in_code_point_order(store):
    names = sorted(p.normalized_name for p in SEED)
    pages = [store.search(PageQuery(page=page, per_page=4)) for page in (1, 2, 3)]
    assert [p.normalized_name for found, _ in pages for p in found] == names
    assert {total for _, total in pages} == {len(SEED)}
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
    assert store.search(PageQuery(q="ünïcödé 🐍"))[0] == [rich]


def test_the_random_pick_is_uniform(store):
    """Over positions kept dense by a delete's swap-remove, a uniform draw picks uniformly."""
    store.delete("aa", lambda old: None)
    store.create(package("Newcomer"))
    names = {p.normalized_name for p in SEED} - {"aa"} | {"newcomer"}
    draws = random.Random(2026)
    picks = Counter(store.pick_random(draws.getrandbits(63)).normalized_name for _ in range(2000))
    assert set(picks) == names
    expected = 2000 / len(names)
    chi_square = sum((seen - expected) ** 2 / expected for seen in picks.values())
    assert chi_square < 27.9, picks  # chi-square, 9 degrees of freedom: p = 0.001


def test_count_get_and_pick(store):
    assert store.count() == len(SEED)
    assert store.get("ab-c") == SEED[4]
    assert store.get("absent") is None
    assert store.pick_by_name_order(0).normalized_name == "a-b"
    assert store.pick_by_name_order(len(SEED) - 1).normalized_name == "zebra"
    top = 2**64 - 1  # the largest daily number: SQL computes its modulo in two halves
    assert store.pick_by_name_order(top) == store.pick_by_name_order(top % len(SEED))
    # A freshly seeded store numbers its positions in name order, in every store.
    assert store.pick_random(len(SEED) * 1000 + 1).normalized_name == "a0"


def exported(batches) -> list[Package]:
    return [package for batch in batches for package in batch]


def test_an_export_is_every_package_in_name_order_in_batches(store):
    batches = list(store.export_batches(3))
    assert [len(batch) for batch in batches] == [3, 3, 3, 1]
    assert exported(batches) == sorted(SEED, key=lambda p: p.normalized_name)
    assert list(store.export_batches()) == [exported(batches)]  # batches of 1,000 by default


def test_an_export_reads_one_snapshot_while_writes_go_on(store):
    """Writes made while an export waits for its reader, to what it has sent already and to
    what it has not: it shows none of them (and holds no lock they wait for)."""
    before = sorted(SEED, key=lambda p: p.normalized_name)
    export = store.export_batches(3)
    first = next(export)  # a-b, a0, aa
    assert first == before[:3]

    def summary(text):
        return lambda old: dataclasses.replace(old, summary=text)

    store.update("aa", summary("sent already"))
    store.delete("a0", lambda old: None)
    store.update("quote", summary("not sent yet"))
    store.update("quote", summary("not sent yet, twice"))
    store.delete("nihongo", lambda old: None)
    store.create(package("pear", "between two batches still to come"))
    store.create(package("zz-last", "after them all"))
    store.create(package("gone-again"))
    store.delete("gone-again", lambda old: None)
    assert first + exported(export) == before

    after = exported(store.export_batches(3))
    names = sorted({p.normalized_name for p in SEED} - {"a0", "nihongo"} | {"pear", "zz-last"})
    assert [p.normalized_name for p in after] == names
    assert {p.normalized_name: p.summary for p in after}["quote"] == "not sent yet, twice"


def test_an_export_closed_early_ends_its_snapshot(store):
    """A client that goes away: the export's connection goes back (PostgreSQL: a pool of
    ``pool_size``, 2 here, would run dry on the third export and answer 503)."""
    for _ in range(3):
        export = store.export_batches(3)
        next(export)
        export.close()
    assert len(exported(store.export_batches())) == len(SEED)


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
    with pytest.raises(ResourceNotFound):
        store.update("absent", lambda current: current)
    with pytest.raises(ResourceNotFound):
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
        return f"sqlite:///{tmp_path}/no/such/folder/pyaday.db"
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
        # After a failed open, a store's thread or pool workers wind down through calls back
        # into this loop.
        await asyncio.sleep(0.05)


def assert_in_order_everywhere(store, names: list[str]) -> None:
    """Every rank, every page and every position answers as the sorted names say."""
    assert store.count() == len(names)
    assert [store.pick_by_name_order(rank).normalized_name for rank in range(len(names))] == names
    pages = [
        store.search(PageQuery(page=page, per_page=3)) for page in range(1, len(names) // 3 + 3)
    ]
    assert [p.normalized_name for found, _ in pages for p in found] == names
    assert {total for _, total in pages} == {len(names)}
    # Positions stay dense: every position holds a package, each package one position.
    assert sorted(store.pick_random(draw).normalized_name for draw in range(len(names))) == names


def test_blocks_stay_exact_through_splits_and_merges(make_store, monkeypatch):
    """Blocks of 4 names (split at 8, merged under 2): a few dozen writes cut, grow, merge
    and empty them, at the start, the middle and the end of the name order."""
    monkeypatch.setattr(sql, "BLOCK_SIZE", 4)
    names = [f"pkg-{number:03d}" for number in range(0, 60, 2)]
    store = make_store(seed=[package(name) for name in names])
    assert_in_order_everywhere(store, sorted(names))
    shuffle = random.Random(7)
    created = [f"pkg-{number:03d}" for number in range(1, 60, 2)] + ["aaa-first", "zzz-last"]
    shuffle.shuffle(created)
    deleted = sorted(names)[::2] + created[:10]
    shuffle.shuffle(deleted)
    steps = [("create", name) for name in created] + [("delete", name) for name in deleted]
    current = set(names)
    for step, (action, name) in enumerate(steps, 1):
        if action == "create":
            store.create(package(name))
            current.add(name)
        else:
            store.delete(name, lambda old: None)
            current.remove(name)
        if step % 8 == 0 or step == len(steps):
            assert_in_order_everywhere(store, sorted(current))


def execute_raw(url: str, *statements: tuple[str, tuple]) -> None:
    """Statements straight to the database, behind the store's back."""
    if url.startswith("sqlite"):
        with sqlite3.connect(sqlite_path(url)) as db:
            for statement, parameters in statements:
                db.execute(statement, parameters)
    else:
        with psycopg.connect(url) as db:
            for statement, parameters in statements:
                db.execute(statement.replace("?", "%s"), parameters)


# The table of pyaday 1.0, before positions, blocks and search indexes.
VERSION_1_TABLE = """CREATE TABLE packages (
    name TEXT NOT NULL, normalized_name TEXT{} PRIMARY KEY, version TEXT NOT NULL,
    summary TEXT NOT NULL, license TEXT, home_page TEXT, author TEXT, requires_python TEXT,
    keywords TEXT NOT NULL, download_rank TEXT, updated_at TEXT NOT NULL,
    summary_lower TEXT NOT NULL
)"""


@pytest.fixture
def open_store(flavour):
    """Opens stores of the flavour under test on any URL; closes them after the test."""
    runner = asyncio.Runner()
    opened = []

    def open_on(url: str, seed=()):
        settings = Settings(database_url=url, pool_size=1, pool_timeout=2.0)
        if flavour == "sync":
            store = create_store(settings)
        else:
            store = Synced(create_async_store(settings), runner)
        store.open(seed)
        opened.append(store)
        return store

    yield open_on
    for store in opened:
        store.close()
    runner.close()


def sql_url(kind: str, request, tmp_path) -> str:
    if kind == "postgresql":
        return request.getfixturevalue("postgres_schema")()
    return sqlite_url(tmp_path / "pyaday.db")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_version_1_database_is_upgraded_at_open(open_store, kind, request, tmp_path):
    url = sql_url(kind, request, tmp_path)
    old = [package("Old_One", "kept ACROSS the upgrade"), package("another", "also kept")]
    rows = [tuple(sql.row_parameters(p)[column] for column in sql.STORED_COLUMNS) for p in old]
    insert = "INSERT INTO packages VALUES ({})".format(", ".join("?" * len(sql.STORED_COLUMNS)))
    collation = ' COLLATE "C"' if kind == "postgresql" else ""
    execute_raw(url, (VERSION_1_TABLE.format(collation), ()), *((insert, row) for row in rows))
    store = open_store(url, seed=SEED)  # the old rows win over the seed
    assert store.count() == 2
    assert store.get("old-one") == old[0]
    assert store.search(PageQuery(q="across")) == ([old[0]], 1)
    assert store.pick_by_name_order(0) == old[1]
    assert store.create(package("new")) == store.get("new")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_schema_of_another_version_is_refused(open_store, kind, request, tmp_path):
    url = sql_url(kind, request, tmp_path)
    open_store(url).close()
    execute_raw(url, ("UPDATE catalogue SET schema_version = 99", ()))
    with pytest.raises(sql.SchemaMismatch, match="schema version 99"):
        open_store(url)
