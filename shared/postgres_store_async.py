"""The PostgreSQL store, asynchronous (psycopg 3, ``psycopg_pool.AsyncConnectionPool``).

Twin of ``postgres_store.py``, line for line: the same driver, its async half. A query
awaits the server instead of blocking the worker's event loop.
"""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import psycopg
from psycopg import errors
from psycopg_pool import AsyncConnectionPool

from shared import sql
from shared.model import Package
from shared.postgres_store import UNAVAILABLE, pool_arguments
from shared.problems import already_exists, no_such_package
from shared.query import PageQuery
from shared.settings import Settings
from shared.sql import POSTGRESQL_SQL as SQL
from shared.sql_async import fetch_all, fetch_one, fetch_value
from shared.store import Change, Check, ChooseIndex


class AsyncPostgresStore:
    kind = "postgresql"

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

    async def ping(self) -> None:
        async with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            await fetch_value(db, SQL.ping)

    async def count(self) -> int:
        async with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            return await fetch_value(db, SQL.count)

    async def get(self, normalized_name: str) -> Package | None:
        async with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            row = await fetch_one(db, SQL.get, sql.key(normalized_name))
        return None if row is None else sql.package_from_row(row)

    async def pick(self, choose_index: ChooseIndex) -> Package | None:
        """The package at ``choose_index(count)`` in name order, or None when empty."""
        async with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            count = await fetch_value(db, SQL.count)
            if count == 0:
                return None
            position = {"position": choose_index(count)}
            row = await fetch_one(db, SQL.at_position, position)
        return sql.package_from_row(row)

    async def search(self, query: PageQuery) -> tuple[list[Package], int]:
        needle = {"needle": sql.needle(query.q)}
        page = {**needle, "limit": query.per_page, "offset": query.offset}
        async with self._transaction(sql.POSTGRESQL_BEGIN_READ) as db:
            total = await fetch_value(db, SQL.count_matching, needle)
            rows = await fetch_all(db, SQL.page_matching, page)
        return [sql.package_from_row(row) for row in rows], total

    async def create(self, package: Package) -> Package:
        async with self._transaction(sql.POSTGRESQL_BEGIN_WRITE) as db:
            try:
                await db.execute(SQL.insert, sql.row_parameters(package))
            except errors.UniqueViolation:
                raise already_exists(package.normalized_name) from None
        return package

    async def update(self, normalized_name: str, change: Change) -> Package:
        async with self._transaction(sql.POSTGRESQL_BEGIN_WRITE) as db:
            updated = change(await self._existing(db, normalized_name))
            await db.execute(SQL.update, sql.row_parameters(updated))
        return updated

    async def delete(self, normalized_name: str, check: Check) -> None:
        async with self._transaction(sql.POSTGRESQL_BEGIN_WRITE) as db:
            check(await self._existing(db, normalized_name))
            await db.execute(SQL.delete, sql.key(normalized_name))

    @asynccontextmanager
    async def _transaction(self, begin: str) -> AsyncIterator[psycopg.AsyncConnection]:
        """One transaction on a pooled connection: committed when the block ends, rolled
        back when it raises (the pool's connection context does both)."""
        with sql.unavailable_on(*UNAVAILABLE):
            async with self._pool.connection() as db:
                await db.execute(begin)
                yield db

    async def _existing(self, db: psycopg.AsyncConnection, normalized_name: str) -> Package:
        """The current row, locked (FOR UPDATE) until the transaction ends."""
        row = await fetch_one(db, SQL.get_for_update, sql.key(normalized_name))
        if row is None:
            raise no_such_package(normalized_name)
        return sql.package_from_row(row)
