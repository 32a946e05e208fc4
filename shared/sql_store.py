"""What the SQLite and PostgreSQL stores share, synchronous: every read and write, in SQL.

A subclass names its statements (``shared/sql.py`` renders them per database), how it begins
a read and a write, and which driver error is a duplicate key, and it implements ``open``,
``close`` and ``_transaction``: the parts where the drivers differ. ``sql_store_async.py`` is
the async twin for Sanic.
"""

from shared import sql
from shared.model import Package
from shared.problems import already_exists, no_such_package
from shared.query import PageQuery
from shared.sql import Statements, fetch_all, fetch_one, fetch_value
from shared.store import Change, Check, ChooseIndex


class SqlStore:
    kind: str
    statements: Statements
    begin_read: str
    begin_write: str
    duplicate_key: type[Exception]

    def ping(self) -> None:
        with self._transaction(self.begin_read) as db:
            fetch_value(db, self.statements.ping)

    def count(self) -> int:
        with self._transaction(self.begin_read) as db:
            return fetch_value(db, self.statements.count)

    def get(self, normalized_name: str) -> Package | None:
        with self._transaction(self.begin_read) as db:
            row = fetch_one(db, self.statements.get, sql.key(normalized_name))
        return None if row is None else sql.package_from_row(row)

    def pick(self, choose_index: ChooseIndex) -> Package | None:
        """The package at ``choose_index(count)`` in name order, or None when empty."""
        with self._transaction(self.begin_read) as db:
            count = fetch_value(db, self.statements.count)
            if count == 0:
                return None
            position = {"position": choose_index(count)}
            row = fetch_one(db, self.statements.at_position, position)
        return sql.package_from_row(row)

    def search(self, query: PageQuery) -> tuple[list[Package], int]:
        needle = {"needle": sql.needle(query.q)}
        page = {**needle, "limit": query.per_page, "offset": query.offset}
        with self._transaction(self.begin_read) as db:
            total = fetch_value(db, self.statements.count_matching, needle)
            rows = fetch_all(db, self.statements.page_matching, page)
        return [sql.package_from_row(row) for row in rows], total

    def create(self, package: Package) -> Package:
        with self._transaction(self.begin_write) as db:
            try:
                db.execute(self.statements.insert, sql.row_parameters(package))
            except self.duplicate_key:
                raise already_exists(package.normalized_name) from None
        return package

    def update(self, normalized_name: str, change: Change) -> Package:
        with self._transaction(self.begin_write) as db:
            updated = change(self._existing(db, normalized_name))
            db.execute(self.statements.update, sql.row_parameters(updated))
        return updated

    def delete(self, normalized_name: str, check: Check) -> None:
        with self._transaction(self.begin_write) as db:
            check(self._existing(db, normalized_name))
            db.execute(self.statements.delete, sql.key(normalized_name))

    def _existing(self, db, normalized_name: str) -> Package:
        row = fetch_one(db, self.statements.get_for_update, sql.key(normalized_name))
        if row is None:
            raise no_such_package(normalized_name)
        return sql.package_from_row(row)
