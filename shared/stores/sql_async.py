"""What the SQL stores share, asynchronous: twin of ``sql.py``, for the PostgreSQL store.

The statements, the row mapping and the pure decisions are ``sql.py``'s; here they are awaited
on an async ``psycopg`` connection. (The SQLite store needs no twin of this class: its async
half runs the sync store, see ``sqlite_async.py``.)
"""

import time
from collections.abc import AsyncIterator, Iterable

from shared.model import Package
from shared.problems import already_exists, no_such_package
from shared.query import PageQuery
from shared.stores.base import EXPORT_BATCH_SIZE, Change, Check
from shared.stores.sql import (
    DROP_TABLES,
    SCHEMA_STATE,
    SCHEMA_VERSION,
    SchemaMismatch,
    Statements,
    blocks_of,
    daily_halves,
    key,
    load_row,
    log,
    merge_needed,
    package_from_row,
    package_or_none,
    page_from_rows,
    row_parameters,
    schema_mismatch,
    search_statement,
    sorted_for_load,
    split_needed,
)


async def fetch_all(db, statement: str, parameters=()) -> list[tuple]:
    """Run a statement on an async ``psycopg`` connection; all its rows."""
    cursor = await db.execute(statement, parameters)
    return await cursor.fetchall()


async def fetch_one(db, statement: str, parameters=()) -> tuple | None:
    """Its first row."""
    rows = await fetch_all(db, statement, parameters)
    return rows[0] if rows else None


async def fetch_value(db, statement: str, parameters=()):
    """The first column of the first row: a count, a position."""
    return (await fetch_one(db, statement, parameters))[0]


class AsyncSqlStore:
    kind: str
    statements: Statements
    duplicate_key: type[Exception]

    async def ping(self) -> None:
        await self._fetch_all(self.statements.total)

    async def count(self) -> int:
        rows = await self._fetch_all(self.statements.total)
        return rows[0][0]

    async def get(self, normalized_name: str) -> Package | None:
        return package_or_none(await self._fetch_all(self.statements.get, key(normalized_name)))

    async def pick_random(self, draw: int) -> Package | None:
        """The package at position ``draw % count`` (positions are in no meaningful order)."""
        return package_or_none(await self._fetch_all(self.statements.pick_random, {"draw": draw}))

    async def pick_by_name_order(self, number: int) -> Package | None:
        """The package at ``number % count`` in name order; ``number`` < 2**64."""
        rows = await self._fetch_all(self.statements.pick_by_name_order, daily_halves(number))
        return package_or_none(rows)

    async def search(self, query: PageQuery) -> tuple[list[Package], int]:
        return page_from_rows(await self._fetch_all(*search_statement(self.statements, query)))

    async def export_batches(
        self, batch_size: int = EXPORT_BATCH_SIZE
    ) -> AsyncIterator[list[Package]]:
        async with self._export_rows() as rows:
            while batch := await rows.fetchmany(batch_size):
                yield [package_from_row(row) for row in batch]

    async def create(self, package: Package) -> Package:
        async with self._transaction() as db:
            total = await fetch_value(db, self.statements.count_up)
            try:
                await db.execute(
                    self.statements.insert, {**row_parameters(package), "position": total - 1}
                )
            except self.duplicate_key:
                raise already_exists(package.normalized_name) from None
            await self._resize_block(db, package.normalized_name, +1)
        return package

    async def update(self, normalized_name: str, change: Change) -> Package:
        async with self._transaction() as db:
            updated = change(await self._existing(db, normalized_name))
            await db.execute(self.statements.update, row_parameters(updated))
        return updated

    async def delete(self, normalized_name: str, check: Check) -> None:
        async with self._transaction() as db:
            last = await fetch_value(db, self.statements.count_down)
            check(await self._existing(db, normalized_name))
            hole = await fetch_value(db, self.statements.delete, key(normalized_name))
            await db.execute(self.statements.move_position, {"hole": hole, "last": last})
            await self._resize_block(db, normalized_name, -1)

    async def _prepare(self, db, seed: Iterable[Package]) -> None:
        """In the set-up transaction: make the schema current, and seed an empty catalogue.

        A database of pyaday 1.0 (a ``packages`` table alone) is upgraded: its rows are read
        and loaded again into the current schema. A schema of another version is refused.
        """
        if await self._has_table(db, "catalogue"):
            version, total = await fetch_one(db, SCHEMA_STATE)
            if version != SCHEMA_VERSION:
                raise SchemaMismatch(schema_mismatch(version))
            if total:
                return
            packages = sorted_for_load(seed)
            if not packages:
                return
        elif await self._has_table(db, "packages"):
            old = [package_from_row(row) for row in await fetch_all(db, self.statements.old_rows)]
            log.info("upgrading the schema to version %d: %d packages", SCHEMA_VERSION, len(old))
            packages = sorted_for_load(old or seed)
        else:
            packages = sorted_for_load(seed)
        for statement in DROP_TABLES:
            await db.execute(statement)
        await self._load(db, packages)

    async def _load(self, db, packages: list[Package]) -> None:
        """Create the tables, bulk-load the packages, then build the indexes and blocks."""
        started = time.monotonic()
        for statement in self.statements.create_tables:
            await db.execute(statement)
        log.info("loading %d packages into the new tables", len(packages))
        await self._bulk_insert(db, map(load_row, packages, range(len(packages))))
        log.info("building the indexes (%.1f s so far)", time.monotonic() - started)
        for statement in await self._after_load(db):
            await db.execute(statement)
        for block in blocks_of([package.normalized_name for package in packages]):
            await db.execute(self.statements.insert_block, block)
        catalogue = {"schema_version": SCHEMA_VERSION, "total": len(packages)}
        await db.execute(self.statements.insert_catalogue, catalogue)
        log.info(
            "catalogue of %d packages ready in %.1f s", len(packages), time.monotonic() - started
        )

    async def _existing(self, db, normalized_name: str) -> Package:
        row = await fetch_one(db, self.statements.get_for_update, key(normalized_name))
        if row is None:
            raise no_such_package(normalized_name)
        return package_from_row(row)

    async def _resize_block(self, db, normalized_name: str, change: int) -> None:
        """Count a name into or out of its block, then split or merge blocks as needed."""
        resize = {"normalized_name": normalized_name, "change": change}
        first_name, size = await fetch_one(db, self.statements.resize_block, resize)
        if split_needed(size):
            await self._split_block(db, first_name, size)
        elif merge_needed(size):
            await self._merge_block(db, first_name, size)

    async def _split_block(self, db, first_name: str, size: int) -> None:
        half = {"first_name": first_name, "skip": size // 2}
        middle = await fetch_value(db, self.statements.name_in_block, half)
        await db.execute(
            self.statements.insert_block, {"first_name": middle, "size": size - size // 2}
        )
        await db.execute(
            self.statements.set_block_size, {"first_name": first_name, "size": size // 2}
        )

    async def _merge_block(self, db, first_name: str, size: int) -> None:
        """Merge a small block into the one before it (the first block takes the next one)."""
        neighbour = (
            self.statements.block_after if first_name == "" else self.statements.block_before
        )
        other = await fetch_one(db, neighbour, {"first_name": first_name})
        if other is None:
            return  # the only block: any size will do
        (left, left_size), (right, right_size) = sorted([(first_name, size), tuple(other)])
        await db.execute(self.statements.delete_block, {"first_name": right})
        merged = left_size + right_size
        await db.execute(self.statements.set_block_size, {"first_name": left, "size": merged})
        if split_needed(merged):
            await self._split_block(db, left, merged)
