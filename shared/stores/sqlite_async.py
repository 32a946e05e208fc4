"""The SQLite store, asynchronous (``aiosqlite``): what the Sanic app awaits.

Twin of ``sqlite_store.py``, line for line: ``aiosqlite`` runs each call on the connection's
own thread, so the event loop never waits on the disk or on another process's lock.
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import aiosqlite

from shared.model import Package
from shared.settings import Settings
from shared.stores import sql
from shared.stores.sql import SQLITE_SQL as SQL
from shared.stores.sql_async import AsyncSqlStore, fetch_value
from shared.stores.sqlite import enable_wal, sqlite_path


async def connect(settings: Settings) -> aiosqlite.Connection:
    """The same arguments as the sync ``connect``: aiosqlite hands them to ``sqlite3``."""
    return await aiosqlite.connect(
        sqlite_path(settings.database_url),
        timeout=settings.pool_timeout,
        isolation_level=None,
    )


class AsyncSqliteStore(AsyncSqlStore):
    kind = "sqlite"
    statements = SQL
    begin_read = sql.SQLITE_BEGIN_READ
    begin_write = sql.SQLITE_BEGIN_WRITE
    duplicate_key = sqlite3.IntegrityError

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        # Made by open(): an asyncio lock belongs to the event loop that first waits on it.
        self._lock: asyncio.Lock | None = None
        self._connection: aiosqlite.Connection | None = None

    async def open(self, seed: Iterable[Package] = ()) -> None:
        """Connect, create the table if needed, and seed it if it is empty."""
        self._lock = asyncio.Lock()
        with sql.unavailable_on(sqlite3.OperationalError):
            # Once per start-up, a few milliseconds: a thread keeps its retries off the loop.
            await asyncio.to_thread(enable_wal, self._settings)
            self._connection = await connect(self._settings)
        async with self._transaction(sql.SQLITE_BEGIN_WRITE) as db:
            await db.execute(SQL.create_table)
            if await fetch_value(db, SQL.count) == 0:
                await db.executemany(SQL.insert, map(sql.row_parameters, seed))

    async def close(self) -> None:
        # Forget the connection before awaiting: Sanic on uvloop may run its after_server_stop
        # listeners twice at shutdown, and a second close() on a stopped aiosqlite connection
        # would wait forever for its worker thread, hanging the process.
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    @asynccontextmanager
    async def _transaction(self, begin: str) -> AsyncIterator[aiosqlite.Connection]:
        """One transaction: committed when the block ends, rolled back when it raises.

        Reads take one too, so a count and the page after it agree. The lock keeps two
        requests of this worker from interleaving statements on the one connection.
        """
        async with self._lock:
            with sql.unavailable_on(sqlite3.OperationalError):
                db = self._connection
                try:
                    await db.execute(begin)
                    yield db
                    await db.commit()
                except BaseException:
                    # Whatever failed (COMMIT too, or a cancelled request), the next transaction
                    # must not find this one open. ROLLBACK without a transaction does nothing.
                    await db.rollback()
                    raise
