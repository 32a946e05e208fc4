"""The SQLite store, synchronous (``sqlite3``): what the Flask app calls.

``sqlite_async.py`` is its twin for Sanic (the same driver). One connection per process,
behind a lock: SQLite runs one writer at a time anyway, and every worker process (gunicorn's
or Sanic's) opens its own connection to the same file, so each sees the others' writes at
once. The SQL and the row mapping are in ``sql.py``.
"""

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from urllib.parse import quote, unquote, urlsplit

from shared.model import Package
from shared.settings import Settings
from shared.stores import sql
from shared.stores.sql import SQLITE_SQL as SQL
from shared.stores.sql import SqlStore


def sqlite_path(database_url: str) -> str:
    """The file of a SQLite URL, as Flask-SQLAlchemy (SQLAlchemy) reads it.

    ``sqlite:///var/pyaday.db`` is relative to the working directory and
    ``sqlite:////srv/pyaday.db`` is absolute (three slashes, then the path). pyaday used to read
    three slashes as an absolute path: a URL whose file (or folder) exists only under that old
    reading is refused with the URL to write instead, rather than opened as a new empty file.
    """
    parts = urlsplit(database_url)
    if parts.netloc or not parts.path.startswith("/") or parts.path == "/":
        raise ValueError(
            f"PYADAY_DATABASE_URL={database_url!r}: write sqlite:///relative/path.db"
            " (relative to the working directory) or sqlite:////absolute/path.db"
        )
    path = unquote(parts.path[1:])
    old_reading = "/" + path
    if os.path.isabs(path) or os.path.exists(path):
        return path
    if os.path.exists(old_reading):
        found = old_reading
    elif not os.path.isdir(os.path.dirname(path) or ".") and os.path.isdir(
        os.path.dirname(old_reading)
    ):
        found = f"the folder {os.path.dirname(old_reading)}"
    else:
        return path  # a new file in an existing folder
    raise ValueError(
        f"PYADAY_DATABASE_URL={database_url!r} names {path} in the working directory"
        f" ({os.getcwd()}), which does not exist, but {found} does. Three slashes are followed"
        f" by a relative path, as in Flask-SQLAlchemy: did you mean sqlite:///{parts.path}?"
    )


def sqlite_url(path: os.PathLike | str) -> str:
    """The URL of a SQLite file, the inverse of ``sqlite_path``: four slashes for ``/srv/x.db``."""
    return "sqlite:///" + quote(os.fspath(path))


def connect(settings: Settings, busy_timeout: float | None = None) -> sqlite3.Connection:
    """``isolation_level=None``: the store writes BEGIN and COMMIT itself.

    The busy timeout (``PYADAY_POOL_TIMEOUT`` unless given) is how long a statement waits for
    another process's write lock before it fails (and the request answers 503).
    """
    return sqlite3.connect(
        sqlite_path(settings.database_url),
        timeout=settings.pool_timeout if busy_timeout is None else busy_timeout,
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


class SqliteStore(SqlStore):
    kind = "sqlite"
    statements = SQL
    duplicate_key = sqlite3.IntegrityError

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    # region: open
    def open(self, seed: Iterable[Package] = ()) -> None:
        """Connect, then create or upgrade the schema and seed an empty catalogue."""
        try:
            with sql.unavailable_on(sqlite3.OperationalError):
                enable_wal(self._settings)
                self._connection = connect(self._settings)
            with self._transaction() as db:
                self._prepare(db, seed)
        except BaseException:
            self.close()  # a worker that cannot start leaves nothing open behind
            raise

    # endregion

    def close(self) -> None:
        # Forget the connection first, so that a second close() does nothing (as in the twin).
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _fetch_all(self, statement: str, parameters=()) -> list[tuple]:
        """One read statement, outside any transaction: SQLite reads one snapshot for it."""
        with self._lock, sql.unavailable_on(sqlite3.OperationalError):
            return self._connection.execute(statement, parameters).fetchall()

    @contextmanager
    def _export_rows(self) -> Iterator[sqlite3.Cursor]:
        """On a connection of its own: the one other requests share stays free however slowly
        the export is read. A statement is a read transaction of its own (no BEGIN here): it
        reads one snapshot until its last row, while writers go on (WAL)."""
        with sql.unavailable_on(sqlite3.OperationalError), closing(connect(self._settings)) as db:
            yield db.execute(SQL.export)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back when it raises."""
        with self._lock, sql.unavailable_on(sqlite3.OperationalError):
            db = self._connection
            try:
                db.execute(sql.SQLITE_BEGIN_WRITE)
                yield db
                db.commit()
            except BaseException:
                # Whatever failed (COMMIT too, or a cancelled request), the next transaction
                # must not find this one open. ROLLBACK without a transaction does nothing.
                db.rollback()
                raise

    def _has_table(self, db: sqlite3.Connection, name: str) -> bool:
        return sql.fetch_one(db, sql.SQLITE_TABLES, (name,)) is not None

    def _bulk_insert(self, db: sqlite3.Connection, rows: Iterator[tuple]) -> None:
        db.executemany(sql.SQLITE_BULK_INSERT, rows)

    def _after_load(self, db: sqlite3.Connection) -> tuple[str, ...]:
        return SQL.after_load
