"""The PostgreSQL store, synchronous (psycopg 3, ``psycopg_pool.ConnectionPool``): for Flask.

``postgres_async.py`` is its twin for Sanic, the same driver's async half
(``AsyncConnectionPool``), so the diff between the two files is the whole sync-to-async
change. Each worker process has its own pool; the SQL and the row mapping are in ``sql.py``.

A read is one statement on an autocommit connection: one round trip, no BEGIN or COMMIT (a
single statement reads one snapshot), and no test of the connection before it. A connection
the server dropped (a restart, a failover) makes the read fail: the pool then tests all its
idle connections at once, and the read, which changes nothing, runs once more. A write runs in
an explicit transaction and is not retried, since it might have been committed.
"""

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg import IsolationLevel, errors
from psycopg_pool import ConnectionPool, PoolTimeout

from shared.model import Package
from shared.settings import Settings
from shared.stores import sql
from shared.stores.sql import POSTGRESQL_SQL as SQL
from shared.stores.sql import SqlStore

# What a stopped, restarting or unreachable server raises: each becomes a 503. The pool
# replaces broken connections by itself, so the next request after the server is back works.
UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)


def pool_arguments(settings: Settings) -> dict:
    """What both pools (sync and async) are built with."""
    return {
        # libpq knows postgresql:// and postgres://, not a "+driver" suffix.
        "conninfo": "postgresql:" + settings.database_url.split(":", 1)[1],
        "min_size": settings.pool_size,  # max_size too: a fixed pool, as psycopg advises
        "timeout": settings.pool_timeout,  # a request waits this long for a connection: 503
        "kwargs": {
            "connect_timeout": max(2, math.ceil(settings.pool_timeout)),
            # Reads are single statements; writes open their own transactions.
            "autocommit": True,
        },
        "open": False,  # opened by open(), in the worker process (and its event loop)
        "name": "pyaday",
    }


def export_pool_arguments(settings: Settings) -> dict:
    """What both export pools are built with. An export keeps its connection for as long as its
    client reads, so it takes it from a pool of its own: the pool of every other request stays
    free, and a worker runs at most ``PYADAY_POOL_SIZE`` exports at once (one more waits up to
    ``PYADAY_POOL_TIMEOUT``, then answers 503). No connection is kept open for it in between."""
    arguments = pool_arguments(settings)
    return {
        **arguments,
        "min_size": 0,
        "max_size": settings.pool_size,
        "kwargs": {**arguments["kwargs"], "autocommit": False},  # transactions, see below
        "name": "pyaday-export",
    }


def configure_export(connection: psycopg.Connection) -> None:
    """An export's transaction reads one snapshot, its first statement's, to its last row, and
    writes nothing: ``BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`` (psycopg writes it into
    each BEGIN, no round trip)."""
    connection.isolation_level = IsolationLevel.REPEATABLE_READ
    connection.read_only = True


async def configure_export_async(connection: psycopg.AsyncConnection) -> None:
    """``configure_export`` for the async pool."""
    await connection.set_isolation_level(IsolationLevel.REPEATABLE_READ)
    await connection.set_read_only(True)


def configure(connection: psycopg.Connection) -> None:
    """Writes stay READ COMMITTED whatever the server's default: SELECT ... FOR UPDATE then
    waits for a concurrent writer and reads its result, where REPEATABLE READ would fail with a
    serialization error instead of the 412 the contract asks for. No round trip: psycopg
    writes it into each BEGIN."""
    connection.isolation_level = IsolationLevel.READ_COMMITTED


async def configure_async(connection: psycopg.AsyncConnection) -> None:
    """``configure`` for the async pool, which awaits its callback."""
    await connection.set_isolation_level(IsolationLevel.READ_COMMITTED)


class PostgresStore(SqlStore):
    kind = "postgresql"
    statements = SQL
    duplicate_key = errors.UniqueViolation

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool: ConnectionPool | None = None
        self._export_pool: ConnectionPool | None = None

    # region: open
    def open(self, seed: Iterable[Package] = ()) -> None:
        """Connect, then create or upgrade the schema and seed an empty catalogue."""
        self._pool = ConnectionPool(**pool_arguments(self._settings), configure=configure)
        self._export_pool = ConnectionPool(
            **export_pool_arguments(self._settings), configure=configure_export
        )
        try:
            with sql.unavailable_on(*UNAVAILABLE):
                self._pool.open(wait=True, timeout=self._settings.pool_timeout)
                self._export_pool.open()
            with self._transaction() as db:
                db.execute(sql.POSTGRESQL_SETUP_LOCK)
                self._prepare(db, seed)
        except BaseException:
            self.close()  # a worker that cannot start leaves no pool behind
            raise

    # endregion

    def close(self) -> None:
        # Forget the pools first, so that a second close() does nothing (as in the twin).
        pools = self._pool, self._export_pool
        self._pool = self._export_pool = None
        for pool in pools:
            if pool is not None:
                pool.close()

    def _fetch_all(self, statement: str, parameters=()) -> list[tuple]:
        """One read statement; once more, after the pool's check, on a dropped connection."""
        with sql.unavailable_on(*UNAVAILABLE):
            try:
                return self._fetch_on_any_connection(statement, parameters)
            except PoolTimeout:
                raise  # no connection came within the timeout: trying again would double it
            except psycopg.OperationalError as error:
                sql.log.info("a read failed (%s): testing the pool, then reading again", error)
            self._pool.check()
            return self._fetch_on_any_connection(statement, parameters)

    def _fetch_on_any_connection(self, statement: str, parameters) -> list[tuple]:
        with self._pool.connection() as db:
            return db.execute(statement, parameters).fetchall()

    @contextmanager
    def _export_rows(self) -> Iterator[psycopg.ServerCursor]:
        """A server-side cursor: the server keeps the rows, and each ``fetchmany`` brings one
        batch over."""
        with (
            sql.unavailable_on(*UNAVAILABLE),
            self._export_pool.connection() as db,
            db.transaction(),
            db.cursor(name="pyaday_export") as rows,
        ):
            rows.execute(SQL.export)
            yield rows

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        """One write transaction on a pooled connection: committed when the block ends,
        rolled back when it raises. A dropped connection makes the pool test the others."""
        with sql.unavailable_on(*UNAVAILABLE):
            try:
                with self._pool.connection() as db, db.transaction():
                    yield db
            except PoolTimeout:
                raise
            except psycopg.OperationalError:
                self._pool.check()
                raise

    def _has_table(self, db: psycopg.Connection, name: str) -> bool:
        return sql.fetch_value(db, sql.POSTGRESQL_TABLES, (name,))

    def _bulk_insert(self, db: psycopg.Connection, rows: Iterator[tuple]) -> None:
        with db.cursor() as cursor, cursor.copy(sql.POSTGRESQL_BULK_COPY) as copy:
            for row in rows:
                copy.write_row(row)

    def _after_load(self, db: psycopg.Connection) -> tuple[str, ...]:
        db.execute(sql.POSTGRESQL_BUILD_MEMORY)
        db.execute(sql.POSTGRESQL_TRIGRAM_EXTENSION)
        schema = sql.fetch_value(db, sql.POSTGRESQL_TRIGRAM_SCHEMA)
        return tuple(
            statement.format(trigram_ops=f"{schema}.gin_trgm_ops") for statement in SQL.after_load
        )
