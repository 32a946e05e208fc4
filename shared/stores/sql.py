"""The SQL of the SQLite and PostgreSQL stores, the row mapping, and ``SqlStore``: written once.

Each statement is written once, with ``:name`` parameters, and rendered for each database by
its ``Dialect``. ``SqlStore`` runs them: every read and write, for both databases. A subclass
(``sqlite.py``, ``postgres.py``) names its statements, how it begins a read and a write, and
which driver error is a duplicate key, and implements ``open``, ``close`` and
``_transaction``: the parts where the drivers differ. ``sql_async.py`` is the async twin.

Two columns exist so that SQL gives the same answers as the memory store, byte for byte:

- ``summary_lower`` holds Python's ``str.lower()`` of the summary: SQLite's ``lower()`` knows
  ASCII only, and PostgreSQL's depends on the server's locale, but the search rule
  (``shared.query.matches_query``) is Python's.
- ``normalized_name`` sorts by code point, as Python sorts strings: SQLite's default ``BINARY``
  collation does (UTF-8 bytes in order), PostgreSQL needs ``COLLATE "C"``.
"""

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from shared.model import FIELD_NAMES, Package
from shared.problems import StoreUnavailable, already_exists, no_such_package
from shared.query import PageQuery
from shared.stores.base import Change, Check, ChooseIndex

log = logging.getLogger(__name__)

# What a row stores: the package's fields in body order (every SELECT returns these, so a row
# maps onto the model by position), then the search column.
STORED_COLUMNS = (*FIELD_NAMES, "summary_lower")
PACKAGE_COLUMNS = ", ".join(FIELD_NAMES)

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS packages (
    name TEXT NOT NULL,
    normalized_name TEXT{collation} PRIMARY KEY,
    version TEXT NOT NULL,
    summary TEXT NOT NULL,
    license TEXT,
    home_page TEXT,
    author TEXT,
    requires_python TEXT,
    keywords TEXT NOT NULL,
    download_rank TEXT,
    updated_at TEXT NOT NULL,
    summary_lower TEXT NOT NULL
)"""
# keywords: a JSON array, so any list of strings round-trips. download_rank: decimal digits,
# because the contract sets no upper bound and SQL integers stop at 2**63.

# An empty needle is found in every string, in SQL as in Python: no query lists everything.
_MATCHING = "{find}(normalized_name, :needle) > 0 OR {find}(summary_lower, :needle) > 0"

_INSERT = "INSERT INTO packages ({}) VALUES ({})".format(
    ", ".join(STORED_COLUMNS), ", ".join(f":{column}" for column in STORED_COLUMNS)
)
_UPDATE = "UPDATE packages SET {} WHERE normalized_name = :normalized_name".format(
    ", ".join(f"{column} = :{column}" for column in STORED_COLUMNS if column != "normalized_name")
)
_SELECT = f"SELECT {PACKAGE_COLUMNS} FROM packages"


@dataclass(frozen=True)
class Dialect:
    """What differs between SQLite's SQL and PostgreSQL's in the statements of this module."""

    collation: str  # makes normalized_name sort by code point
    find: str  # the function giving a substring's position, 0 when absent
    parameter: str  # how the driver writes a named parameter, as a re.sub replacement
    lock_row: str  # what keeps a row read for a write until the transaction ends


SQLITE = Dialect(collation="", find="instr", parameter=r":\1", lock_row="")
# On SQLite, BEGIN IMMEDIATE takes the database's write lock before the read instead.
POSTGRESQL = Dialect(
    collation=' COLLATE "C"', find="strpos", parameter=r"%(\1)s", lock_row=" FOR UPDATE"
)


@dataclass(frozen=True)
class Statements:
    create_table: str
    count: str
    count_matching: str
    page_matching: str
    at_position: str
    get: str
    get_for_update: str
    insert: str
    update: str
    delete: str
    ping: str

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> "Statements":
        def render(template: str) -> str:
            text = template.format(collation=dialect.collation, find=dialect.find)
            return re.sub(r":(\w+)", dialect.parameter, text)

        by_name = f"{_SELECT} WHERE normalized_name = :normalized_name"
        return cls(
            create_table=render(_CREATE_TABLE),
            count="SELECT count(*) FROM packages",
            count_matching=render(f"SELECT count(*) FROM packages WHERE {_MATCHING}"),
            page_matching=render(
                f"{_SELECT} WHERE {_MATCHING} ORDER BY normalized_name LIMIT :limit OFFSET :offset"
            ),
            at_position=render(f"{_SELECT} ORDER BY normalized_name LIMIT 1 OFFSET :position"),
            get=render(by_name),
            get_for_update=render(by_name + dialect.lock_row),
            insert=render(_INSERT),
            update=render(_UPDATE),
            delete=render("DELETE FROM packages WHERE normalized_name = :normalized_name"),
            ping="SELECT 1",
        )


SQLITE_SQL = Statements.for_dialect(SQLITE)
POSTGRESQL_SQL = Statements.for_dialect(POSTGRESQL)

# SQLite only: write-ahead logging lets readers and one writer (of any worker process) proceed
# at once. A read transaction reads one snapshot (a count and the page after it agree);
# BEGIN IMMEDIATE takes the write lock up front, so a read-then-write transaction never fails
# half-way on a lock another process took in between.
SQLITE_WAL = "PRAGMA journal_mode = WAL"
SQLITE_BEGIN_READ = "BEGIN"
SQLITE_BEGIN_WRITE = "BEGIN IMMEDIATE"

# PostgreSQL only: psycopg begins each transaction itself; the first statement sets how it
# reads. Reads see one snapshot, as on SQLite. Writes stay READ COMMITTED: SELECT ... FOR
# UPDATE then waits for a concurrent writer and reads its result, where REPEATABLE READ would
# fail with a serialization error instead of the 412 the contract asks for.
POSTGRESQL_BEGIN_READ = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
POSTGRESQL_BEGIN_WRITE = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"
# Workers starting at once would race on CREATE TABLE IF NOT EXISTS (not atomic in
# PostgreSQL) and on seeding; a transaction-level advisory lock takes them one at a time.
POSTGRESQL_SETUP_LOCK = "SELECT pg_advisory_xact_lock(20260101)"
POSTGRESQL_SEED_COPY = f"COPY packages ({', '.join(STORED_COLUMNS)}) FROM STDIN"


def key(normalized_name: str) -> dict[str, str]:
    """The parameters that look a package up by its key.

    A key from a URL may hold NUL, which PostgreSQL's text cannot (the query would fail) and no
    valid name holds. U+FFFD stands in for it: no valid name holds that either, so such a key
    finds no row, as in the memory store.
    """
    return {"normalized_name": normalized_name.replace("\x00", "\ufffd")}


def row_parameters(package: Package) -> dict:
    """A package as the named parameters of ``insert`` and ``update``."""
    return {
        "normalized_name": package.normalized_name,
        "name": package.name,
        "version": package.version,
        "summary": package.summary,
        "summary_lower": package.summary.lower(),
        "license": package.license,
        "home_page": package.home_page,
        "author": package.author,
        "requires_python": package.requires_python,
        "keywords": json.dumps(list(package.keywords), ensure_ascii=False),
        "download_rank": None if package.download_rank is None else str(package.download_rank),
        "updated_at": package.updated_at,
    }


def copy_row(package: Package) -> tuple:
    """A package as a row of ``POSTGRESQL_SEED_COPY`` (``STORED_COLUMNS``)."""
    parameters = row_parameters(package)
    return tuple(parameters[column] for column in STORED_COLUMNS)


def package_from_row(row: tuple) -> Package:
    """A row of any SELECT here (``PACKAGE_COLUMNS``) as a package."""
    *text_fields, keywords, download_rank, updated_at = row
    return Package(
        *text_fields,
        keywords=tuple(json.loads(keywords)),
        download_rank=None if download_rank is None else int(download_rank),
        updated_at=updated_at,
    )


def fetch_one(db, statement: str, parameters=()) -> tuple | None:
    """Run a statement on a ``sqlite3`` or ``psycopg`` connection; its first row."""
    cursor = db.execute(statement, parameters)
    return cursor.fetchone()


def fetch_all(db, statement: str, parameters=()) -> list[tuple]:
    cursor = db.execute(statement, parameters)
    return cursor.fetchall()


def fetch_value(db, statement: str, parameters=()):
    """The first column of the first row: a count."""
    return fetch_one(db, statement, parameters)[0]


def needle(q: str | None) -> str:
    """The search parameter: ``q`` lower-cased as ``matches_query`` does; empty matches all."""
    return "" if q is None else q.lower()


@contextmanager
def unavailable_on(*driver_errors: type[Exception]) -> Iterator[None]:
    """A driver's connection errors as the 503 problem; the operator finds the cause in the log.

    A plain ``with`` works in async code too: nothing here awaits.
    """
    try:
        yield
    except driver_errors as error:
        log.warning("the package store is unavailable: %s: %s", type(error).__name__, error)
        raise StoreUnavailable() from error


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
            row = fetch_one(db, self.statements.get, key(normalized_name))
        return None if row is None else package_from_row(row)

    def pick(self, choose_index: ChooseIndex) -> Package | None:
        """The package at ``choose_index(count)`` in name order, or None when empty."""
        with self._transaction(self.begin_read) as db:
            count = fetch_value(db, self.statements.count)
            if count == 0:
                return None
            position = {"position": choose_index(count)}
            row = fetch_one(db, self.statements.at_position, position)
        return package_from_row(row)

    def search(self, query: PageQuery) -> tuple[list[Package], int]:
        matching = {"needle": needle(query.q)}
        page = {**matching, "limit": query.per_page, "offset": query.offset}
        with self._transaction(self.begin_read) as db:
            total = fetch_value(db, self.statements.count_matching, matching)
            rows = fetch_all(db, self.statements.page_matching, page)
        return [package_from_row(row) for row in rows], total

    def create(self, package: Package) -> Package:
        with self._transaction(self.begin_write) as db:
            try:
                db.execute(self.statements.insert, row_parameters(package))
            except self.duplicate_key:
                raise already_exists(package.normalized_name) from None
        return package

    def update(self, normalized_name: str, change: Change) -> Package:
        with self._transaction(self.begin_write) as db:
            updated = change(self._existing(db, normalized_name))
            db.execute(self.statements.update, row_parameters(updated))
        return updated

    def delete(self, normalized_name: str, check: Check) -> None:
        with self._transaction(self.begin_write) as db:
            check(self._existing(db, normalized_name))
            db.execute(self.statements.delete, key(normalized_name))

    def _existing(self, db, normalized_name: str) -> Package:
        row = fetch_one(db, self.statements.get_for_update, key(normalized_name))
        if row is None:
            raise no_such_package(normalized_name)
        return package_from_row(row)
