"""Every read route costs one round trip to the database, on both apps and both SQL stores.

Counted where the database sees it, not where the code thinks it sends it:

- SQLite: every statement SQLite runs, through ``set_trace_callback`` on each connection the
  store opens (BEGIN and COMMIT included), but for the statements SQLite runs inside one of
  them on its own: a trigger's steps (reported as ``-- ...``) and the FTS5 module's queries of
  its shadow tables (written ``'main'.'package_search_...'``, or ``PRAGMA 'main'....``).
- PostgreSQL: every round trip in libpq's own protocol trace of each connection (``PQtrace``):
  a ``Query`` message (the simple protocol: BEGIN, COMMIT, the empty query of a pool's
  connection check) or a ``Sync`` (the end of one extended-protocol statement).

Only the request is counted: the count starts just before it, once the app has started (the
Sanic adapter opens the store when the app starts, as a server does, not at each request).
"""

import ctypes
import itertools
import sqlite3

import psycopg
import pytest
from psycopg import pq

from tests.conftest import make_client

READ_PATHS = [
    "/health",
    "/packages",
    "/packages?page=3&per_page=7",
    "/packages?page=999999",
    "/packages?q=flask",
    "/packages?q=py",
    "/packages?q=no%25such_thing",
    "/packages/boto3",
    "/packages/Flask_SQLAlchemy",
    "/packages/no-such-package",
    "/rand",
    "/daily",
    "/daily?date=2026-01-05",
]
LIBC = ctypes.CDLL(None)


class SqliteStatements:
    """What SQLite runs, on every connection opened while the test runs."""

    def __init__(self, monkeypatch):
        self.statements: list[str] = []
        connect = sqlite3.connect

        def traced_connect(*args, **kwargs):
            connection = connect(*args, **kwargs)
            connection.set_trace_callback(self.statements.append)
            return connection

        monkeypatch.setattr(sqlite3, "connect", traced_connect)

    def mark(self) -> None:
        self.statements.clear()

    def since_mark(self) -> list[str]:
        return [statement for statement in self.statements if is_the_store_s(statement)]


def is_the_store_s(statement: str) -> bool:
    """Not a trigger's step nor FTS5's own query: SQLite runs those inside another one."""
    return not statement.startswith("-- ") and "'main'." not in statement


class PostgresMessages:
    """libpq's protocol trace of every connection opened while the test runs."""

    def __init__(self, monkeypatch, folder):
        self.traces: list = []  # a file per connection, and where the count starts in it
        self.folder = folder
        self.numbers = itertools.count()
        connect, connect_async = (
            psycopg.Connection.connect.__func__,
            psycopg.AsyncConnection.connect.__func__,
        )

        def traced_connect(cls, *args, **kwargs):
            return self.trace(connect(cls, *args, **kwargs))

        async def traced_connect_async(cls, *args, **kwargs):
            return self.trace(await connect_async(cls, *args, **kwargs))

        monkeypatch.setattr(psycopg.Connection, "connect", classmethod(traced_connect))
        monkeypatch.setattr(psycopg.AsyncConnection, "connect", classmethod(traced_connect_async))

    def trace(self, connection):
        path = self.folder / f"connection-{next(self.numbers)}.trace"
        file = path.open("w")
        connection.pgconn.trace(file.fileno())
        connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        self.traces.append([path, file, 0])
        return connection

    def mark(self) -> None:
        LIBC.fflush(None)  # libpq writes through a buffered FILE*: flush every stream
        for trace in self.traces:
            trace[2] = trace[0].stat().st_size

    def since_mark(self) -> list[str]:
        LIBC.fflush(None)
        lines = []
        for path, _file, start in self.traces:
            with path.open() as text:
                text.seek(start)
                lines += text.read().splitlines()
        return [line for line in lines if is_round_trip(line)]


def is_round_trip(line: str) -> bool:
    """A message the client sends (F) that the server answers before the next one."""
    direction, _length, message, *_ = [*line.split("\t"), "", ""]
    return direction == "F" and message.split(" ")[0] in {"Query", "Sync"}


@pytest.fixture
def database_log(backend, monkeypatch, tmp_path):
    if backend == "sqlite":
        return SqliteStatements(monkeypatch)
    if backend == "postgresql":
        return PostgresMessages(monkeypatch, tmp_path)
    pytest.skip("the memory store has no database to count round trips to")


@pytest.fixture
def traced_api(framework, database_log, settings):
    if framework == "live":
        pytest.skip("a live server's database is out of reach")
    client = make_client(framework, settings)
    client.start()  # the store opens now, not within the request counted
    yield client
    client.close()


@pytest.mark.parametrize("path", READ_PATHS)
def test_a_read_route_costs_one_round_trip(traced_api, database_log, path):
    database_log.mark()
    response = traced_api.get(path)
    assert response.status in {200, 404}, response.body[:300]
    assert len(database_log.since_mark()) == 1, database_log.since_mark()


def test_a_write_runs_in_one_transaction(traced_api, database_log, backend):
    """Not one round trip (a create counts, inserts and files the name in its block), but
    one transaction: BEGIN first and COMMIT last, nothing outside them."""
    database_log.mark()
    body = {"name": "round-trip-write", "version": "1.0", "summary": "counted"}
    assert traced_api.post("/packages", json=body, curator=True).status == 201
    sent = database_log.since_mark()
    if backend == "postgresql":
        assert ('"BEGIN' in sent[0], '"COMMIT"' in sent[-1]) == (True, True), sent
    else:
        assert (sent[0], sent[-1]) == ("BEGIN IMMEDIATE", "COMMIT"), sent
