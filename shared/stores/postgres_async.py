"""The PostgreSQL store, asynchronous (psycopg 3, ``psycopg_pool.AsyncConnectionPool``).

Twin of ``postgres.py``, line for line: the same driver, its async half. A query awaits the
server instead of blocking the worker's event loop.
"""

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager

import psycopg
from psycopg import errors
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from shared.model import Package
from shared.settings import Settings
from shared.stores import sql
from shared.stores.postgres import (
    UNAVAILABLE,
    configure_async,
    configure_export_async,
    export_pool_arguments,
    pool_arguments,
)
from shared.stores.sql import POSTGRESQL_SQL as SQL
from shared.stores.sql_async import AsyncSqlStore, fetch_value


class AsyncPostgresStore(AsyncSqlStore):
    kind = "postgresql"
    statements = SQL
    duplicate_key = errors.UniqueViolation

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool: AsyncConnectionPool | None = None
        self._export_pool: AsyncConnectionPool | None = None

    # region: open
    async def open(self, seed: Iterable[Package] = ()) -> None:
        """Connect, then create or upgrade the schema and seed an empty catalogue."""
        self._pool = AsyncConnectionPool(
            **pool_arguments(self._settings), configure=configure_async
        )
        self._export_pool = AsyncConnectionPool(
            **export_pool_arguments(self._settings), configure=configure_export_async
        )
        try:
            with sql.unavailable_on(*UNAVAILABLE):
                await self._pool.open(wait=True, timeout=self._settings.pool_timeout)
                await self._export_pool.open()
            async with self._transaction() as db:
                await db.execute(sql.POSTGRESQL_SETUP_LOCK)
                await self._prepare(db, seed)
        except BaseException:
            await self.close()  # a worker that cannot start leaves no pool behind
            raise

    # endregion

    async def close(self) -> None:
        # Forget the pools first: a second close() (Sanic may run shutdown listeners twice)
        # then does nothing.
        pools = self._pool, self._export_pool
        self._pool = self._export_pool = None
        for pool in pools:
            if pool is not None:
                await pool.close()

    async def _fetch_all(self, statement: str, parameters=()) -> list[tuple]:
        """One read statement; once more, after the pool's check, on a dropped connection."""
        with sql.unavailable_on(*UNAVAILABLE):
            try:
                return await self._fetch_on_any_connection(statement, parameters)
            except PoolTimeout:
                raise  # no connection came within the timeout: trying again would double it
            except psycopg.OperationalError as error:
                sql.log.info("a read failed (%s): testing the pool, then reading again", error)
            await self._pool.check()
            return await self._fetch_on_any_connection(statement, parameters)

    async def _fetch_on_any_connection(self, statement: str, parameters) -> list[tuple]:
        async with self._pool.connection() as db:
            cursor = await db.execute(statement, parameters)
            return await cursor.fetchall()

    @asynccontextmanager
    async def _export_rows(self) -> AsyncIterator[psycopg.AsyncServerCursor]:
        """A server-side cursor: the server keeps the rows, and each ``fetchmany`` brings one
        batch over."""
        with sql.unavailable_on(*UNAVAILABLE):
            async with (
                self._export_pool.connection() as db,
                db.transaction(),
                db.cursor(name="pyaday_export") as rows,
            ):
                await rows.execute(SQL.export)
                yield rows

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[psycopg.AsyncConnection]:
        """One write transaction on a pooled connection: committed when the block ends,
        rolled back when it raises. A dropped connection makes the pool test the others."""
        with sql.unavailable_on(*UNAVAILABLE):
            try:
                async with self._pool.connection() as db, db.transaction():
                    yield db
            except PoolTimeout:
                raise
            except psycopg.OperationalError:
                await self._pool.check()
                raise

    async def _has_table(self, db: psycopg.AsyncConnection, name: str) -> bool:
        return await fetch_value(db, sql.POSTGRESQL_TABLES, (name,))

    async def _bulk_insert(self, db: psycopg.AsyncConnection, rows: Iterator[tuple]) -> None:
        async with db.cursor() as cursor, cursor.copy(sql.POSTGRESQL_BULK_COPY) as copy:
            for row in rows:
                await copy.write_row(row)

    async def _after_load(self, db: psycopg.AsyncConnection) -> tuple[str, ...]:
        await db.execute(sql.POSTGRESQL_BUILD_MEMORY)
        await db.execute(sql.POSTGRESQL_TRIGRAM_EXTENSION)
        schema = await fetch_value(db, sql.POSTGRESQL_TRIGRAM_SCHEMA)
        return tuple(
            statement.format(trigram_ops=f"{schema}.gin_trgm_ops") for statement in SQL.after_load
        )
