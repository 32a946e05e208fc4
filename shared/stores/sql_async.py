"""What the SQLite and PostgreSQL stores share, asynchronous: twin of ``sql.py``.

The statements and the row mapping are ``sql.py``'s; here they are awaited on an
``aiosqlite`` or async ``psycopg`` connection.
"""

from shared.model import Package
from shared.problems import already_exists, no_such_package
from shared.query import PageQuery
from shared.stores import sql
from shared.stores.base import Change, Check, ChooseIndex
from shared.stores.sql import Statements


async def fetch_one(db, statement: str, parameters=()) -> tuple | None:
    """Run a statement on an ``aiosqlite`` or ``psycopg`` async connection; its first row."""
    cursor = await db.execute(statement, parameters)
    return await cursor.fetchone()


async def fetch_all(db, statement: str, parameters=()) -> list[tuple]:
    cursor = await db.execute(statement, parameters)
    return await cursor.fetchall()


async def fetch_value(db, statement: str, parameters=()):
    """The first column of the first row: a count."""
    return (await fetch_one(db, statement, parameters))[0]


class AsyncSqlStore:
    kind: str
    statements: Statements
    begin_read: str
    begin_write: str
    duplicate_key: type[Exception]

    async def ping(self) -> None:
        async with self._transaction(self.begin_read) as db:
            await fetch_value(db, self.statements.ping)

    async def count(self) -> int:
        async with self._transaction(self.begin_read) as db:
            return await fetch_value(db, self.statements.count)

    async def get(self, normalized_name: str) -> Package | None:
        async with self._transaction(self.begin_read) as db:
            row = await fetch_one(db, self.statements.get, sql.key(normalized_name))
        return None if row is None else sql.package_from_row(row)

    async def pick(self, choose_index: ChooseIndex) -> Package | None:
        """The package at ``choose_index(count)`` in name order, or None when empty."""
        async with self._transaction(self.begin_read) as db:
            count = await fetch_value(db, self.statements.count)
            if count == 0:
                return None
            position = {"position": choose_index(count)}
            row = await fetch_one(db, self.statements.at_position, position)
        return sql.package_from_row(row)

    async def search(self, query: PageQuery) -> tuple[list[Package], int]:
        needle = {"needle": sql.needle(query.q)}
        page = {**needle, "limit": query.per_page, "offset": query.offset}
        async with self._transaction(self.begin_read) as db:
            total = await fetch_value(db, self.statements.count_matching, needle)
            rows = await fetch_all(db, self.statements.page_matching, page)
        return [sql.package_from_row(row) for row in rows], total

    async def create(self, package: Package) -> Package:
        async with self._transaction(self.begin_write) as db:
            try:
                await db.execute(self.statements.insert, sql.row_parameters(package))
            except self.duplicate_key:
                raise already_exists(package.normalized_name) from None
        return package

    async def update(self, normalized_name: str, change: Change) -> Package:
        async with self._transaction(self.begin_write) as db:
            updated = change(await self._existing(db, normalized_name))
            await db.execute(self.statements.update, sql.row_parameters(updated))
        return updated

    async def delete(self, normalized_name: str, check: Check) -> None:
        async with self._transaction(self.begin_write) as db:
            check(await self._existing(db, normalized_name))
            await db.execute(self.statements.delete, sql.key(normalized_name))

    async def _existing(self, db, normalized_name: str) -> Package:
        row = await fetch_one(db, self.statements.get_for_update, sql.key(normalized_name))
        if row is None:
            raise no_such_package(normalized_name)
        return sql.package_from_row(row)
