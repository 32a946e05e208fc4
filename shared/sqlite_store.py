"""The SQLite store, synchronous (``sqlite3``): what the Flask app calls.

``sqlite_store_async.py`` is its twin for Sanic (``aiosqlite``). One connection per process,
behind a lock: SQLite runs one writer at a time anyway, and every worker process (gunicorn's
or Sanic's) opens its own connection to the same file, so each sees the others' writes at
once. The SQL and the row mapping are in ``shared/sql.py``.
"""

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from urllib.parse import unquote, urlsplit

from shared import sql
from shared.model import Package
from shared.problems import already_exists, no_such_package
from shared.query import PageQuery
from shared.settings import Settings
from shared.sql import SQLITE_SQL as SQL
from shared.sql import fetch_all, fetch_one, fetch_value
from shared.store import Change, Check, ChooseIndex


def sqlite_path(database_url: str) -> str:
    """``sqlite:///srv/pyaday.db`` → ``/srv/pyaday.db``; ``sqlite:var/pyaday.db`` is relative."""
    parts = urlsplit(database_url)
    if parts.netloc or not parts.path:
        raise ValueError(
            f"PYADAY_DATABASE_URL={database_url!r}: write sqlite:///absolute/path.db"
            " or sqlite:relative/path.db"
        )
    return unquote(parts.path)


def connect(settings: Settings) -> sqlite3.Connection:
    """``isolation_level=None``: the store writes BEGIN and COMMIT itself.

    ``timeout`` is SQLite's busy timeout: how long a statement waits for another process's
    write lock before it fails (and the request answers 503).
    """
    return sqlite3.connect(
        sqlite_path(settings.database_url),
        timeout=settings.pool_timeout,
        isolation_level=None,
        check_same_thread=False,  # Flask's threaded servers: the lock below serializes use
    )


def enable_wal(settings: Settings) -> None:
    """Put the file in WAL mode, so readers go on while one process writes.

    The mode is stored in the file, but SQLite refuses the switch at once, without waiting out
    the busy timeout, while another process holds a lock: as a second worker starting beside
    the first one that is seeding does. So retry until the timeout.
    """
    deadline = time.monotonic() + settings.pool_timeout
    with closing(connect(settings)) as connection:
        while True:
            try:
                connection.execute(sql.SQLITE_WAL)
                return
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)


class SqliteStore:
    kind = "sqlite"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def open(self, seed: Iterable[Package] = ()) -> None:
        """Connect, create the table if needed, and seed it if it is empty."""
        with sql.unavailable_on(sqlite3.OperationalError):
            enable_wal(self._settings)
            self._connection = connect(self._settings)
        with self._transaction(sql.SQLITE_BEGIN_WRITE) as db:
            db.execute(SQL.create_table)
            if fetch_value(db, SQL.count) == 0:
                db.executemany(SQL.insert, map(sql.row_parameters, seed))

    def close(self) -> None:
        # Forget the connection first, so that a second close() does nothing (as in the twin).
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def ping(self) -> None:
        with self._transaction(sql.SQLITE_BEGIN_READ) as db:
            fetch_value(db, SQL.ping)

    def count(self) -> int:
        with self._transaction(sql.SQLITE_BEGIN_READ) as db:
            return fetch_value(db, SQL.count)

    def get(self, normalized_name: str) -> Package | None:
        with self._transaction(sql.SQLITE_BEGIN_READ) as db:
            row = fetch_one(db, SQL.get, sql.key(normalized_name))
        return None if row is None else sql.package_from_row(row)

    def pick(self, choose_index: ChooseIndex) -> Package | None:
        """The package at ``choose_index(count)`` in name order, or None when empty."""
        with self._transaction(sql.SQLITE_BEGIN_READ) as db:
            count = fetch_value(db, SQL.count)
            if count == 0:
                return None
            position = {"position": choose_index(count)}
            row = fetch_one(db, SQL.at_position, position)
        return sql.package_from_row(row)

    def search(self, query: PageQuery) -> tuple[list[Package], int]:
        needle = {"needle": sql.needle(query.q)}
        page = {**needle, "limit": query.per_page, "offset": query.offset}
        with self._transaction(sql.SQLITE_BEGIN_READ) as db:
            total = fetch_value(db, SQL.count_matching, needle)
            rows = fetch_all(db, SQL.page_matching, page)
        return [sql.package_from_row(row) for row in rows], total

    def create(self, package: Package) -> Package:
        with self._transaction(sql.SQLITE_BEGIN_WRITE) as db:
            try:
                db.execute(SQL.insert, sql.row_parameters(package))
            except sqlite3.IntegrityError:
                raise already_exists(package.normalized_name) from None
        return package

    def update(self, normalized_name: str, change: Change) -> Package:
        with self._transaction(sql.SQLITE_BEGIN_WRITE) as db:
            updated = change(self._existing(db, normalized_name))
            db.execute(SQL.update, sql.row_parameters(updated))
        return updated

    def delete(self, normalized_name: str, check: Check) -> None:
        with self._transaction(sql.SQLITE_BEGIN_WRITE) as db:
            check(self._existing(db, normalized_name))
            db.execute(SQL.delete, sql.key(normalized_name))

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back when it raises.

        Reads take one too, so a count and the page after it agree.
        """
        with self._lock, sql.unavailable_on(sqlite3.OperationalError):
            db = self._connection
            try:
                db.execute(begin)
                yield db
                db.commit()
            except BaseException:
                # Whatever failed (COMMIT too, or a cancelled request), the next transaction
                # must not find this one open. ROLLBACK without a transaction does nothing.
                db.rollback()
                raise

    def _existing(self, db: sqlite3.Connection, normalized_name: str) -> Package:
        row = fetch_one(db, SQL.get_for_update, sql.key(normalized_name))
        if row is None:
            raise no_such_package(normalized_name)
        return sql.package_from_row(row)
