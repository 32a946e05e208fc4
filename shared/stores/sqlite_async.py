"""The SQLite store for Sanic: twin of ``sqlite.py``, with each call placed where it costs least.

aiosqlite, the usual async driver, hands every call over to a thread of its own and back. A
primary-key read that SQLite answers from its page cache in about ten microseconds then costs
several times that in hand-offs (``docs/storage.md`` has the figures, measured with
``python -m benchmarks.sqlite_paths``). Awaiting IO pays when the IO is slow; a local file
that answers at once is not. So this store does two things:

- Bounded reads (a package by name, the two picks, a page without a search term, the count)
  run inline, on the event loop, on a connection of their own that never waits for a lock
  (busy timeout 0). In WAL mode a reader meets a lock only in rare moments (a crash
  recovery); such a read is handed to the thread below instead of blocking the loop.
- Writes, which may wait for another process's write lock up to ``PYADAY_POOL_TIMEOUT``, and
  searches, which at PyPI's size can take longer than the loop may be blocked (a short term
  scans every row), run on the sync store of ``sqlite.py`` in one dedicated thread per
  worker. The loop awaits them; ``sqlite3`` releases the GIL while SQLite works.
- An export reads on a connection of its own, in a thread of its own: its batches would hold
  the loop for milliseconds each, or the store's thread for seconds in all.
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from shared.model import Package
from shared.query import PageQuery
from shared.settings import Settings
from shared.stores import sql
from shared.stores.base import EXPORT_BATCH_SIZE, Change, Check
from shared.stores.sql import SQLITE_SQL as SQL
from shared.stores.sqlite import SqliteStore, connect


class AsyncSqliteStore:
    kind = "sqlite"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._store = SqliteStore(settings)  # writes and searches, in the thread
        self._thread: ThreadPoolExecutor | None = None
        self._reader: sqlite3.Connection | None = None  # bounded reads, on the loop

    # region: open
    async def open(self, seed: Iterable[Package] = ()) -> None:
        """Open the sync store in the thread (creating, upgrading or seeding the schema there,
        off the loop), then the loop's own read connection."""
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyaday-sqlite")
        try:
            await self._in_thread(self._store.open, seed)
            with sql.unavailable_on(sqlite3.OperationalError):
                self._reader = await self._in_thread(self._open_reader)
        except BaseException:
            await self.close()  # a worker that cannot start leaves no thread behind
            raise

    # endregion

    async def close(self) -> None:
        # Forget both before awaiting: Sanic may run its after_server_stop listeners twice.
        reader, self._reader = self._reader, None
        thread, self._thread = self._thread, None
        if reader is not None:
            reader.close()
        if thread is not None:
            await asyncio.get_running_loop().run_in_executor(thread, self._store.close)
            thread.shutdown()

    async def ping(self) -> None:
        await self._read(SQL.total)

    async def count(self) -> int:
        rows = await self._read(SQL.total)
        return rows[0][0]

    async def get(self, normalized_name: str) -> Package | None:
        return sql.package_or_none(await self._read(SQL.get, sql.key(normalized_name)))

    async def pick_random(self, draw: int) -> Package | None:
        return sql.package_or_none(await self._read(SQL.pick_random, {"draw": draw}))

    async def pick_by_name_order(self, number: int) -> Package | None:
        rows = await self._read(SQL.pick_by_name_order, sql.daily_halves(number))
        return sql.package_or_none(rows)

    async def search(self, query: PageQuery) -> tuple[list[Package], int]:
        if query.q is not None:
            return await self._in_thread(self._store.search, query)
        return sql.page_from_rows(await self._read(*sql.search_statement(SQL, query)))

    async def export_batches(
        self, batch_size: int = EXPORT_BATCH_SIZE
    ) -> AsyncIterator[list[Package]]:
        loop = asyncio.get_running_loop()
        reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyaday-export")
        batches = self._store.export_batches(batch_size)
        try:
            while batch := await loop.run_in_executor(reader, next, batches, None):
                yield batch
        finally:
            # In the reader thread too, after the read a cancelled request may have left
            # running there: a generator cannot be closed while it runs.
            await loop.run_in_executor(reader, batches.close)
            reader.shutdown(wait=False)

    async def create(self, package: Package) -> Package:
        return await self._in_thread(self._store.create, package)

    async def update(self, normalized_name: str, change: Change) -> Package:
        return await self._in_thread(self._store.update, normalized_name, change)

    async def delete(self, normalized_name: str, check: Check) -> None:
        await self._in_thread(self._store.delete, normalized_name, check)

    def _open_reader(self) -> sqlite3.Connection:
        """The loop's connection, warmed in the thread: a connection's first statement reads
        the schema and maps the WAL index, milliseconds better spent off the loop."""
        reader = connect(self._settings, busy_timeout=0)
        reader.execute(SQL.total).fetchall()
        return reader

    async def _read(self, statement: str, parameters=()) -> list[tuple]:
        """A bounded read on the loop; in the thread if SQLite cannot answer it at once."""
        try:
            return self._reader.execute(statement, parameters).fetchall()
        except sqlite3.OperationalError as error:
            sql.log.info("an inline read met %s: reading in the thread", error)
        return await self._in_thread(self._store._fetch_all, statement, parameters)

    async def _in_thread(self, function: Callable, *args):
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, partial(function, *args)
        )
