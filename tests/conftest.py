"""Fixtures: the app of each framework over each store, and one client interface over all.

Layered like Flask's tutorial: ``settings`` → ``api`` (one app, either framework) → helpers.
Every test that takes ``api`` runs once per framework and store (memory, SQLite in a fresh
file, PostgreSQL in a fresh database of a throwaway server); with ``--live URL`` it runs
once, over real HTTP, against whatever server answers there.
"""

import dataclasses
import importlib
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from benchmarks.servers import running_index
from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared.catalogue import seed_for
from shared.settings import Settings
from shared.stores import create_store
from tests.clients import CURATOR_TOKEN, FlaskClient, LiveClient, SanicClient
from tests.index_control import IndexControl
from tests.postgres import start_throwaway_postgres, why_unavailable

FRAMEWORKS = ("flask", "sanic")
STORES = ("memory", "sqlite", "postgresql")


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


def pytest_generate_tests(metafunc):
    live = metafunc.config.getoption("--live")
    factory = metafunc.config.getoption("--app")
    if "framework" in metafunc.fixturenames:
        metafunc.parametrize("framework", ["live"] if live else ["app"] if factory else FRAMEWORKS)
    # A live server brings its own store, and a workshop app is graded on the memory store.
    if "backend" in metafunc.fixturenames and not (live or factory):
        metafunc.parametrize("backend", STORES)


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
def seeded_postgres_schema(postgres_server) -> str:
    name = postgres_server.create_schema()
    seeded(Settings(database_url=postgres_server.url(name)))
    return name


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + quote(str(path))


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    """A store of the kind under test, holding the seed catalogue.

    The apps seed an empty store when they open it; copying a store seeded once per session
    (the file, or the table into a fresh schema) gives the same rows in a fraction of the time.
    """
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
    return SanicClient(create_sanic_app(settings))


def client_for(app):
    """The adapter of whichever framework built ``app``."""
    return FlaskClient(app) if isinstance(app, Flask) else SanicClient(app)


@pytest.fixture
def api(framework, settings, live_url, app_factory):
    client = make_client(framework, settings, live_url, app_factory)
    yield client
    client.close()


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
