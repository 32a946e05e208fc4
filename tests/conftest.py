"""Fixtures: the app of each framework over each store, and one client interface over all.

Layered like Flask's tutorial: ``settings`` → ``api`` (one app, either framework) → helpers.
Every test that takes ``api`` runs once per framework and store (memory, SQLite in a fresh
file, PostgreSQL in a fresh database of a throwaway server); with ``--live URL`` it runs
once, over real HTTP, against whatever server answers there; with ``--loop-guard STORE`` it
runs on the Sanic app only, over that store, under the loop guard (``tests/loop_guard.py``),
SQLite at PyPI's size.
"""

import dataclasses
import hashlib
import importlib
import os
import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask

from benchmarks.postgres import ThrowawayPostgres, start_throwaway_postgres, why_unavailable
from benchmarks.servers import running_index
from benchmarks.system import scratch_folder
from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared.catalogue import seed_for
from shared.settings import Settings
from shared.stores import create_store
from shared.stores.sqlite import sqlite_url
from tests.api_support import Scratch
from tests.clients import CURATOR_TOKEN, FlaskClient, LiveClient, SanicClient
from tests.index_control import IndexControl
from tests.live import SERVED_BY, LiveServers
from tests.loop_guard import LoopGuardedSanicClient
from tests.once import WORKER_INPUT_KEY, SessionFolder

FRAMEWORKS = ("flask", "sanic")
STORES = ("memory", "sqlite", "postgresql")
LOOP_GUARD_STORES = ("memory", "sqlite")
PYPI_SIZE = 700_000
# What shapes a seeded SQLite file: a change to any of them builds the cached one anew.
PROJECT = Path(__file__).parent.parent
SHAPING_FILES = [
    PROJECT / "shared" / name
    for name in (
        "catalogue.py",
        "model.py",
        "data/packages.tsv",
        "stores/sql.py",
        "stores/sqlite.py",
    )
]


def pytest_addoption(parser):
    parser.addoption(
        "--live",
        metavar="URL",
        help="run the API suite over real HTTP against a running server at URL",
    )
    parser.addoption(
        "--index",
        metavar="URL",
        help="with --live: the local package index (benchmarks/index.py) that server asks",
    )
    parser.addoption(
        "--app",
        metavar="MODULE:FACTORY",
        help="run the API suite in process against the app this factory builds, Flask or Sanic"
        " (the workshop's grader: make workshop-check)",
    )
    parser.addoption(
        "--loop-guard",
        metavar="STORE",
        choices=LOOP_GUARD_STORES,
        help="run the API suite on the Sanic app only, over STORE (memory, or sqlite at"
        f" {PYPI_SIZE:,} packages), failing any request that blocks the event loop over 10 ms",
    )
    parser.addoption(
        "--stores",
        metavar="STORE,...",
        default=",".join(STORES),
        help="only these stores: the API suite's, and those of the tests that name their own"
        " (make test-quick: memory)",
    )


# The adapter of the Sanic app: sanic-testing's, or under --loop-guard the guard's, for every
# Sanic client of the session (the tests that build their own through make_client included).
sanic_client = SanicClient


def pytest_configure(config):
    global sanic_client
    if config.getoption("--loop-guard"):
        sanic_client = LoopGuardedSanicClient


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist, in the controlling process: hand each worker the session's folder."""
    node.workerinput[WORKER_INPUT_KEY] = str(SessionFolder.for_config(node.config).path)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):  # the controlling process (or the only one)
        SessionFolder.for_config(config).finish({"postgres": remove_postgres})


def remove_postgres(description: dict) -> None:
    ThrowawayPostgres(Path(description["folder"])).remove()


# Tests that take seconds each (real servers, a pytest or a browser of their own), the longest
# first: pytest-xdist hands tests out in order, so these start at once, and no worker is left
# with one of them while the others have finished.
LONG_FIRST = [
    "tests/test_loop_guard.py::test_the_api_suite_never_blocks_the_loop",
    "tests/test_storage_servers.py",
    "tests/test_bench_harness.py",
    "tests/test_learn.py",
    "tests/test_launch.py",
    "tests/test_graceful_shutdown.py",
    "tests/test_slow_clients.py",
    "tests/test_hostile_corpus.py",
    "tests/test_curator_tokens.py",
    "examples/background_tasks/",
    "examples/websockets_echo/",
]


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle, which it keeps within each part
def pytest_collection_modifyitems(config, items):
    """Only the ``--stores`` chosen; the long tests first; and the tests of an ``xdist_group``
    (those that share a module's server) in a row, where the first of them was, so that the
    server starts once."""
    deselect_other_stores(config, items)
    first_of_group = {}
    for index, item in enumerate(items):
        first_of_group.setdefault(group_of(item), index)

    def order(item) -> tuple[int, int]:
        starts = [i for i, prefix in enumerate(LONG_FIRST) if item.nodeid.startswith(prefix)]
        return (starts[0] if starts else len(LONG_FIRST), first_of_group[group_of(item)])

    items.sort(key=order)  # stable: the random order stays within each place


def deselect_other_stores(config, items) -> None:
    """The tests that name their own store (a ``kind`` parameter) on a store not chosen."""
    chosen = chosen_stores(config)
    kept, other = [], []
    for item in items:
        kind = getattr(item, "callspec", None) and item.callspec.params.get("kind")
        (other if kind in STORES and kind not in chosen else kept).append(item)
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = kept


def group_of(item) -> str:
    group = item.get_closest_marker("xdist_group")
    return f"group:{group.args[0]}" if group else item.nodeid


def pytest_terminal_summary(terminalreporter, config):
    """pytest-randomly's seed, at the end beside any failure (``-q`` hides the header that
    shows it): the same seed gives the same order, to replay a test that another one broke."""
    if config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(f"random test order: replay it with --randomly-seed={seed}")


def pytest_generate_tests(metafunc):
    live = metafunc.config.getoption("--live")
    factory = metafunc.config.getoption("--app")
    guarded = metafunc.config.getoption("--loop-guard")
    if not (live or factory or guarded):
        parametrize_the_whole_suite(metafunc)
        return
    if "framework" in metafunc.fixturenames:
        metafunc.parametrize("framework", ["live"] if live else ["app"] if factory else ["sanic"])
    # A live server brings its own store, and a workshop app is graded on the memory store.
    if "backend" in metafunc.fixturenames and not (live or factory):
        metafunc.parametrize("backend", [guarded])


def parametrize_the_whole_suite(metafunc) -> None:
    """Each framework over each store (``flask-memory``...), and where a test can run over
    real HTTP (it takes ``live_url``), against each production server too (``live-flask``,
    ``live-sanic``, marked ``live``: ``tests/live.py``)."""
    names = [n for n in ("framework", "backend", "live_server") if n in metafunc.fixturenames]
    chosen = chosen_stores(metafunc.config)
    if "framework" not in names:
        if "backend" in names:
            metafunc.parametrize("backend", chosen)
        return
    stores = chosen if "backend" in names else (None,)
    cases = [
        pytest.param(
            *values_of(names, framework, store, None), id="-".join(filter(None, (framework, store)))
        )
        for framework in FRAMEWORKS
        for store in stores
    ]
    if "live_server" in names:
        cases += [
            pytest.param(
                *values_of(names, "live", "memory", served_by),
                id=f"live-{served_by}",
                marks=pytest.mark.live,
            )
            for served_by in SERVED_BY
        ]
    metafunc.parametrize(names, cases)


def chosen_stores(config) -> list[str]:
    chosen = config.getoption("--stores").split(",")
    unknown = set(chosen) - set(STORES)
    if unknown:
        raise pytest.UsageError(f"--stores: unknown {', '.join(sorted(unknown))}; known: {STORES}")
    return [store for store in STORES if store in chosen]


def values_of(names: list[str], framework: str, store, served_by) -> list:
    given = {"framework": framework, "backend": store, "live_server": served_by}
    return [given[name] for name in names]


@pytest.fixture
def live_server() -> str | None:
    """Which production server a live test runs against (``SERVED_BY``), None in process;
    ``pytest_generate_tests`` varies it."""
    return None


@pytest.fixture
def live_url(request, live_server) -> str | None:
    """The URL of the real server under test: ``--live``'s, or this process's server of
    ``live_server``; None in process."""
    if live_server is None:
        return request.config.getoption("--live")
    return request.getfixturevalue("live_servers").url(live_server)


@pytest.fixture(scope="session")
def live_servers(package_index, tmp_path_factory):
    with ExitStack() as stack:
        yield LiveServers(stack, package_index.url, tmp_path_factory.mktemp("live"))


@pytest.fixture
def backend() -> str:
    """The store under test; ``pytest_generate_tests`` varies it over ``STORES``."""
    return "memory"


@pytest.fixture(scope="session")
def session_folder(pytestconfig) -> SessionFolder:
    return SessionFolder.for_config(pytestconfig)


@pytest.fixture(scope="session")
def postgres_server(session_folder):
    """One throwaway PostgreSQL server for the session (all workers), started on first use."""
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    started = session_folder.once(
        "postgres", lambda: {"folder": str(start_throwaway_postgres().folder)}
    )
    return ThrowawayPostgres(Path(started["folder"]))


@pytest.fixture(scope="session")
def package_index(request, tmp_path_factory):
    """The local package index the apps ask (``benchmarks/index.py``), started once a session.

    With ``--live``, the one the live server asks (``--index URL``), or None when not given.
    """
    if request.config.getoption("--live"):
        url = request.config.getoption("--index")
        yield IndexControl(url) if url else None
        return
    with running_index(tmp_path_factory.mktemp("index") / "index.log") as url:
        control = IndexControl(url)
        yield control
        control.close()


def seeded(settings: Settings) -> dict:
    """Open a store on an empty database once, so that it seeds it, and close it."""
    store = create_store(settings)
    store.open(seed_for(settings))
    store.close()
    return {"database_url": settings.database_url}


@pytest.fixture(scope="session")
def seeded_sqlite_file(session_folder) -> Path:
    path = session_folder.path / "seeded.db"
    session_folder.once("seeded-sqlite", lambda: seeded(Settings(database_url=sqlite_url(path))))
    return path


@pytest.fixture(scope="session")
def pypi_size_sqlite_url(request) -> str:
    """A SQLite store of ``synthetic:700000`` for this session: a copy of a file built once and
    kept in pytest's cache from run to run (building it takes tens of seconds). Built and
    copied in memory where there is some: 400 MB written to disk and synced slow every test."""
    folder = scratch_folder("pyaday-pypi-size-")
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    copy = folder / "pyaday.db"
    shutil.copyfile(pypi_size_file(request.config, folder), copy)
    return sqlite_url(copy)


def pypi_size_file(config, scratch: Path) -> Path:
    """The cached file, named after the files that shape it; built in ``scratch`` when missing."""
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in SHAPING_FILES)).hexdigest()
    folder = config.cache.mkdir("pyaday-pypi-size") if hasattr(config, "cache") else scratch
    built = folder / f"synthetic-{PYPI_SIZE}-{digest[:16]}.db"
    if not built.exists():
        for stale in folder.glob("synthetic-*.db"):
            stale.unlink()
        building = scratch / f"building-{os.getpid()}.db"
        seeded(Settings(database_url=sqlite_url(building), seed_catalogue=PYPI_SIZE))
        cached = folder / f"caching-{os.getpid()}.db"
        shutil.move(building, cached)
        cached.rename(built)  # whole or absent, should two sessions build at once
    return built


@pytest.fixture(scope="session")
def seeded_postgres_template(postgres_server, session_folder) -> str:
    """A database holding the seed catalogue, that each test's database is copied from."""

    def make() -> dict:
        name = "seeded"
        postgres_server.create_database(name)
        seeded(Settings(database_url=postgres_server.url(database=name)))
        postgres_server.make_template(name)
        return {"name": name}

    return session_folder.once("postgres-seeded", make)["name"]


@pytest.fixture
def database_url(backend, request) -> str:
    """A store of the kind under test, holding the seed catalogue.

    The apps seed an empty store when they open it; copying a store seeded once per session
    (the file, or the template database) gives the same rows in a fraction of the time.
    """
    if backend == "sqlite" and request.config.getoption("--loop-guard") == "sqlite":
        # One store for the whole guarded run, as a live server's: the suite is live-safe.
        return request.getfixturevalue("pypi_size_sqlite_url")
    if backend == "sqlite":
        path = request.getfixturevalue("tmp_path") / "pyaday.db"
        shutil.copyfile(request.getfixturevalue("seeded_sqlite_file"), path)
        return sqlite_url(path)
    if backend == "postgresql":
        template = request.getfixturevalue("seeded_postgres_template")
        return request.getfixturevalue("postgres_database")(template)
    return "memory://"


@pytest.fixture
def empty_database_url(backend, request) -> str:
    """A store of the kind under test with no table yet: the app creates and seeds it."""
    return empty_store_url(backend, request)


def empty_store_url(kind: str, request) -> str:
    if kind == "sqlite":
        return sqlite_url(request.getfixturevalue("tmp_path") / "empty.db")
    if kind == "postgresql":
        return request.getfixturevalue("postgres_schema")()
    return "memory://"


@pytest.fixture
def postgres_schema(postgres_server):
    """Makes fresh, empty schemas, dropped after the test.

    A schema per test isolates tests as a database per test would, ten times faster.
    """
    names = []

    def create() -> str:
        names.append(postgres_server.create_schema())
        return postgres_server.url(names[-1])

    yield create
    for name in names:
        postgres_server.drop_schema(name)


@pytest.fixture
def postgres_database(postgres_server):
    """Makes fresh databases, each a copy of a template database, dropped after the test."""
    names = []

    def create(template: str) -> str:
        names.append(postgres_server.copy_database(template))
        return postgres_server.url(database=names[-1])

    yield create
    for name in names:
        postgres_server.drop_database(name)


@pytest.fixture
def settings(database_url, package_index) -> Settings:
    # pool_size=1: sanic-testing opens the pool around every request, and a test client sends
    # one request at a time. The real-server tests (test_storage_servers.py) use the default.
    # No package index only with --live and no --index: the live server asks its own.
    index = {"index_url": package_index.url} if package_index else {}
    return Settings(
        curator_tokens=(CURATOR_TOKEN,), database_url=database_url, pool_size=1, **index
    )


@pytest.fixture
def app_factory(request):
    """The factory ``--app`` names, imported; None without the option."""
    spec = request.config.getoption("--app")
    return load_factory(spec) if spec else None


def load_factory(spec: str):
    module_name, _, name = spec.partition(":")
    return getattr(importlib.import_module(module_name), name or "create_app")


def make_client(framework: str, settings: Settings, live_url=None, app_factory=None):
    if framework == "live":
        return LiveClient(live_url)
    if framework == "app":
        return client_for(app_factory(settings))
    if framework == "flask":
        return FlaskClient(create_flask_app(settings))
    return sanic_client(create_sanic_app(settings))


def client_for(app):
    """The adapter of whichever framework built ``app`` (the loop guard's, with --loop-guard)."""
    return FlaskClient(app) if isinstance(app, Flask) else sanic_client(app)


@pytest.fixture
def api(framework, settings, live_url, app_factory):
    client = make_client(framework, settings, live_url, app_factory)
    yield client
    client.close()


@pytest.fixture
def exact_catalogue(framework, request) -> None:
    """Skips a test that needs the catalogue to be exactly the seed file's 5,000 packages."""
    if framework == "live":
        pytest.skip("a live server's catalogue is shared: its exact content is unknown")
    if request.config.getoption("--loop-guard") == "sqlite":
        pytest.skip(f"the loop guard's SQLite store holds synthetic:{PYPI_SIZE}")


@pytest.fixture
def empty_api(framework, settings, live_url, app_factory, request):
    """An app whose catalogue starts empty (a live server's cannot be emptied: skipped)."""
    if framework == "live":
        pytest.skip("a live server's catalogue cannot be emptied from a test")
    empty = dataclasses.replace(
        settings, seed_catalogue=False, database_url=request.getfixturevalue("empty_database_url")
    )
    client = make_client(framework, empty, app_factory=app_factory)
    yield client
    client.close()


@pytest.fixture
def scratch(api):
    """``tests.api_support.Scratch`` for the test's app: what it creates is deleted after it."""
    packages = Scratch(api)
    yield packages
    packages.cleanup()
