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
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared.catalogue import seed_for
from shared.settings import Settings
from shared.stores import create_store
from tests.clients import CURATOR_TOKEN, FlaskClient, LiveClient, SanicClient
from tests.loop_guard import LoopGuardedSanicClient
from tests.postgres import start_throwaway_postgres, why_unavailable

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
        "--loop-guard",
        metavar="STORE",
        choices=LOOP_GUARD_STORES,
        help="run the API suite on the Sanic app only, over STORE (memory, or sqlite at"
        f" {PYPI_SIZE:,} packages), failing any request that blocks the event loop over 10 ms",
    )


def pytest_generate_tests(metafunc):
    live = metafunc.config.getoption("--live")
    guarded = metafunc.config.getoption("--loop-guard")
    if "framework" in metafunc.fixturenames:
        metafunc.parametrize(
            "framework", ["live"] if live else ["sanic"] if guarded else FRAMEWORKS
        )
    # A live server brings its own store: there is nothing to vary.
    if "backend" in metafunc.fixturenames and not live:
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


def sqlite_url(path: Path) -> str:
    return "sqlite://" + quote(str(path))


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
def settings(database_url) -> Settings:
    # pool_size=1: sanic-testing opens the pool around every request, and a test client sends
    # one request at a time. The real-server tests (test_storage_servers.py) use the default.
    return Settings(curator_tokens=(CURATOR_TOKEN,), database_url=database_url, pool_size=1)


def make_client(
    framework: str, settings: Settings, live_url: str | None = None, loop_guard: bool = False
):
    if framework == "live":
        return LiveClient(live_url)
    if framework == "flask":
        return FlaskClient(create_flask_app(settings))
    if loop_guard:
        return LoopGuardedSanicClient(create_sanic_app(settings))
    return SanicClient(create_sanic_app(settings))


@pytest.fixture
def loop_guard(request) -> bool:
    return request.config.getoption("--loop-guard") is not None


@pytest.fixture
def api(framework, settings, live_url, loop_guard):
    client = make_client(framework, settings, live_url, loop_guard)
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
def empty_api(framework, settings, live_url, loop_guard, request):
    """An app whose catalogue starts empty (a live server's cannot be emptied: skipped)."""
    if framework == "live":
        pytest.skip("a live server's catalogue cannot be emptied from a test")
    empty = dataclasses.replace(
        settings, seed_catalogue=False, database_url=request.getfixturevalue("empty_database_url")
    )
    client = make_client(framework, empty, loop_guard=loop_guard)
    yield client
    client.close()
