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
from pathlib import Path

import pytest
from flask import Flask

from benchmarks.postgres import start_throwaway_postgres, why_unavailable
from benchmarks.servers import running_index
from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared.catalogue import seed_for
from shared.settings import Settings
from shared.stores import create_store
from shared.stores.sqlite import sqlite_url
from tests.api_support import Scratch
from tests.clients import CURATOR_TOKEN, FlaskClient, LiveClient, SanicClient
from tests.index_control import IndexControl
from tests.loop_guard import LoopGuardedSanicClient

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


# The adapter of the Sanic app: sanic-testing's, or under --loop-guard the guard's, for every
# Sanic client of the session (the tests that build their own through make_client included).
sanic_client = SanicClient


def pytest_configure(config):
    global sanic_client
    if config.getoption("--loop-guard"):
        sanic_client = LoopGuardedSanicClient


def pytest_generate_tests(metafunc):
    live = metafunc.config.getoption("--live")
    factory = metafunc.config.getoption("--app")
    guarded = metafunc.config.getoption("--loop-guard")
    if "framework" in metafunc.fixturenames:
        frameworks = ["live"] if live else ["app"] if factory else ["sanic"] if guarded else None
        metafunc.parametrize("framework", frameworks or FRAMEWORKS)
    # A live server brings its own store, and a workshop app is graded on the memory store.
    if "backend" in metafunc.fixturenames and not (live or factory):
        metafunc.parametrize("backend", [guarded] if guarded else STORES)


@pytest.fixture
def live_url(request):
    return request.config.getoption("--live")


@pytest.fixture
def backend() -> str:
    """The store under test; ``pytest_generate_tests`` varies it over ``STORES``."""
    return "memory"


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server for the session, started on first use."""
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    server = start_throwaway_postgres()
    yield server
    server.remove()


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


def seeded(settings: Settings) -> None:
    """Open a store on an empty database once, so that it seeds it, and close it."""
    store = create_store(settings)
    store.open(seed_for(settings))
    store.close()


@pytest.fixture(scope="session")
def seeded_sqlite_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    seeded(Settings(database_url=sqlite_url(path)))
    return path


@pytest.fixture(scope="session")
def pypi_size_sqlite_url(request, tmp_path_factory) -> str:
    """A SQLite store of ``synthetic:700000`` for this session: a copy of a file built once and
    kept in pytest's cache from run to run (building it takes tens of seconds)."""
    folder = tmp_path_factory.mktemp("pypi-size")
    copy = folder / "pyaday.db"
    shutil.copyfile(pypi_size_file(request.config, folder), copy)
    return sqlite_url(copy)


def pypi_size_file(config, scratch: Path) -> Path:
    """The cached file, named after the files that shape it; built when missing."""
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in SHAPING_FILES)).hexdigest()
    folder = config.cache.mkdir("pyaday-pypi-size") if hasattr(config, "cache") else scratch
    built = folder / f"synthetic-{PYPI_SIZE}-{digest[:16]}.db"
    if not built.exists():
        for stale in folder.glob("synthetic-*.db"):
            stale.unlink()
        building = folder / f"building-{os.getpid()}.db"
        seeded(Settings(database_url=sqlite_url(building), seed_catalogue=PYPI_SIZE))
        building.rename(built)  # whole or absent, should two sessions build at once
    return built


@pytest.fixture(scope="session")
def seeded_postgres_schema(postgres_server) -> str:
    name = postgres_server.create_schema()
    seeded(Settings(database_url=postgres_server.url(name)))
    return name


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    """A store of the kind under test, holding the seed catalogue.

    The apps seed an empty store when they open it; copying a store seeded once per session
    (the file, or the table into a fresh schema) gives the same rows in a fraction of the time.
    """
    if backend == "sqlite" and request.config.getoption("--loop-guard") == "sqlite":
        # One store for the whole guarded run, as a live server's: the suite is live-safe.
        return request.getfixturevalue("pypi_size_sqlite_url")
    if backend == "sqlite":
        path = tmp_path / "pyaday.db"
        shutil.copyfile(request.getfixturevalue("seeded_sqlite_file"), path)
        return sqlite_url(path)
    if backend == "postgresql":
        seeded_schema = request.getfixturevalue("seeded_postgres_schema")
        return request.getfixturevalue("postgres_schema")(seeded_schema)
    return "memory://"


@pytest.fixture
def empty_database_url(backend, request, tmp_path) -> str:
    """A store of the kind under test with no table yet: the app creates and seeds it."""
    return empty_store_url(backend, request, tmp_path)


def empty_store_url(kind: str, request, tmp_path: Path) -> str:
    if kind == "sqlite":
        return sqlite_url(tmp_path / "empty.db")
    if kind == "postgresql":
        return request.getfixturevalue("postgres_schema")()
    return "memory://"


@pytest.fixture
def postgres_schema(postgres_server):
    """Makes fresh schemas (a copy of another one's table, or empty), dropped after the test.

    A schema per test isolates tests as a database per test would, ten times faster.
    """
    names = []

    def create(copy_of: str | None = None) -> str:
        names.append(postgres_server.create_schema(copy_of))
        return postgres_server.url(names[-1])

    yield create
    for name in names:
        postgres_server.drop_schema(name)


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
