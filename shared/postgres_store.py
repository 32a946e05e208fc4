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

from shared import sql
from shared.model import Package
from shared.problems import already_exists, no_such_package
from shared.query import PageQuery
from shared.settings import Settings
from shared.sql import POSTGRESQL_SQL as SQL
from shared.sql import fetch_all, fetch_one, fetch_value
from shared.store import Change, Check, ChooseIndex

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


class PostgresStore:
    kind = "postgresql"

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

    def ping(self) -> None:
        with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            fetch_value(db, SQL.ping)

    def count(self) -> int:
        with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            return fetch_value(db, SQL.count)

    def get(self, normalized_name: str) -> Package | None:
        with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            row = fetch_one(db, SQL.get, sql.key(normalized_name))
        return None if row is None else sql.package_from_row(row)

    def pick(self, choose_index: ChooseIndex) -> Package | None:
        """The package at ``choose_index(count)`` in name order, or None when empty."""
        with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            count = fetch_value(db, SQL.count)
            if count == 0:
                return None
            position = {"position": choose_index(count)}
            row = fetch_one(db, SQL.at_position, position)
        return sql.package_from_row(row)

    def search(self, query: PageQuery) -> tuple[list[Package], int]:
        needle = {"needle": sql.needle(query.q)}
        page = {**needle, "limit": query.per_page, "offset": query.offset}
        with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            total = fetch_value(db, SQL.count_matching, needle)
            rows = fetch_all(db, SQL.page_matching, page)
        return [sql.package_from_row(row) for row in rows], total

    def create(self, package: Package) -> Package:
        with self._transaction(sql.POSTGRESQL_BEGIN_WRITE) as db:
            try:
                db.execute(SQL.insert, sql.row_parameters(package))
            except errors.UniqueViolation:
                raise already_exists(package.normalized_name) from None
        return package

    def update(self, normalized_name: str, change: Change) -> Package:
        with self._transaction(sql.POSTGRESQL_BEGIN_WRITE) as db:
            updated = change(self._existing(db, normalized_name))
            db.execute(SQL.update, sql.row_parameters(updated))
        return updated

    def delete(self, normalized_name: str, check: Check) -> None:
        with self._transaction(sql.POSTGRESQL_BEGIN_WRITE) as db:
            check(self._existing(db, normalized_name))
            db.execute(SQL.delete, sql.key(normalized_name))

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[psycopg.Connection]:
        """One transaction on a pooled connection: committed when the block ends, rolled
        back when it raises (the pool's connection context does both)."""
        with sql.unavailable_on(*UNAVAILABLE), self._pool.connection() as db:
            db.execute(begin)
            yield db

    def _existing(self, db: psycopg.Connection, normalized_name: str) -> Package:
        """The current row, locked (FOR UPDATE) until the transaction ends."""
        row = fetch_one(db, SQL.get_for_update, sql.key(normalized_name))
        if row is None:
            raise no_such_package(normalized_name)
        return sql.package_from_row(row)
