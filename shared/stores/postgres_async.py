"""The PostgreSQL store, asynchronous (psycopg 3, ``psycopg_pool.AsyncConnectionPool``).

Twin of ``postgres_store.py``, line for line: the same driver, its async half. A query
awaits the server instead of blocking the worker's event loop.
"""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import psycopg
from psycopg import errors
from psycopg_pool import AsyncConnectionPool

from shared.model import Package
from shared.settings import Settings
from shared.stores import sql
from shared.stores.postgres import UNAVAILABLE, pool_arguments
from shared.stores.sql import POSTGRESQL_SQL as SQL
from shared.stores.sql_async import AsyncSqlStore, fetch_value


class AsyncPostgresStore(AsyncSqlStore):
    kind = "postgresql"
    statements = SQL
    begin_read = sql.POSTGRESQL_BEGIN_READ
    begin_write = sql.POSTGRESQL_BEGIN_WRITE
    duplicate_key = errors.UniqueViolation

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool: AsyncConnectionPool | None = None

    async def open(self, seed: Iterable[Package] = ()) -> None:
        """Connect, create the table if needed, and seed it if it is empty."""
        # check: a connection is tested (one round trip) before each use, so the first
        # requests after a server restart get a fresh connection instead of a broken one.
        self._pool = AsyncConnectionPool(
            **pool_arguments(self._settings), check=AsyncConnectionPool.check_connection
        )
        with sql.unavailable_on(*UNAVAILABLE):
            await self._pool.open(wait=True, timeout=self._settings.pool_timeout)
        async with self._transaction(sql.POSTGRESQL_BEGIN_WRITE) as db:
            await db.execute(sql.POSTGRESQL_SETUP_LOCK)
            await db.execute(SQL.create_table)
            if await fetch_value(db, SQL.count) == 0:
                async with db.cursor() as cursor, cursor.copy(sql.POSTGRESQL_SEED_COPY) as copy:
                    for package in seed:
                        await copy.write_row(sql.copy_row(package))

    async def close(self) -> None:
        # Forget the pool first: a second close() (Sanic may run shutdown listeners twice)
        # then does nothing.
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    @asynccontextmanager
    async def _transaction(self, begin: str) -> AsyncIterator[psycopg.AsyncConnection]:
        """One transaction on a pooled connection: committed when the block ends, rolled
        back when it raises (the pool's connection context does both)."""
        with sql.unavailable_on(*UNAVAILABLE):
            async with self._pool.connection() as db:
                await db.execute(begin)
                yield db
