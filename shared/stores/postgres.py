"""The PostgreSQL store, synchronous (psycopg 3, ``psycopg_pool.ConnectionPool``): for Flask.

``postgres_store_async.py`` is its twin for Sanic, the same driver's async half
(``AsyncConnectionPool``), so the diff between the two files is the whole sync-to-async
change. Each worker process has its own pool; the SQL and the row mapping are in
``shared/sql.py``.
"""

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors
from psycopg_pool import ConnectionPool, PoolTimeout

from shared.model import Package
from shared.settings import Settings
from shared.stores import sql
from shared.stores.sql import POSTGRESQL_SQL as SQL
from shared.stores.sql import SqlStore, fetch_value

# What a stopped, restarting or unreachable server raises: each becomes a 503. The pool
# replaces broken connections by itself, so the next request after the server is back works.
# InterfaceError: a connection the server dropped between the pool's check and its use.
UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)


def pool_arguments(settings: Settings) -> dict:
    """What both pools (sync and async) are built with."""
    return {
        # libpq knows postgresql:// and postgres://, not a "+driver" suffix.
        "conninfo": "postgresql:" + settings.database_url.split(":", 1)[1],
        "min_size": settings.pool_size,  # max_size too: a fixed pool, as psycopg advises
        "timeout": settings.pool_timeout,  # a request waits this long for a connection: 503
        "kwargs": {"connect_timeout": max(2, math.ceil(settings.pool_timeout))},
        "open": False,  # opened by open(), in the worker process (and its event loop)
        "name": "pyaday",
    }


class PostgresStore(SqlStore):
    kind = "postgresql"
    statements = SQL
    begin_read = sql.POSTGRESQL_BEGIN_READ
    begin_write = sql.POSTGRESQL_BEGIN_WRITE
    duplicate_key = errors.UniqueViolation

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool: ConnectionPool | None = None

    def open(self, seed: Iterable[Package] = ()) -> None:
        """Connect, create the table if needed, and seed it if it is empty."""
        # check: a connection is tested (one round trip) before each use, so the first
        # requests after a server restart get a fresh connection instead of a broken one.
        self._pool = ConnectionPool(
            **pool_arguments(self._settings), check=ConnectionPool.check_connection
        )
        with sql.unavailable_on(*UNAVAILABLE):
            self._pool.open(wait=True, timeout=self._settings.pool_timeout)
        with self._transaction(sql.POSTGRESQL_BEGIN_WRITE) as db:
            db.execute(sql.POSTGRESQL_SETUP_LOCK)
            db.execute(SQL.create_table)
            if fetch_value(db, SQL.count) == 0:
                with db.cursor() as cursor, cursor.copy(sql.POSTGRESQL_SEED_COPY) as copy:
                    for package in seed:
                        copy.write_row(sql.copy_row(package))

    def close(self) -> None:
        # Forget the pool first, so that a second close() does nothing (as in the twin).
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[psycopg.Connection]:
        """One transaction on a pooled connection: committed when the block ends, rolled
        back when it raises (the pool's connection context does both)."""
        with sql.unavailable_on(*UNAVAILABLE), self._pool.connection() as db:
            db.execute(begin)
            yield db
