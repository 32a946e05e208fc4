"""The SQL of the SQLite and PostgreSQL stores, the row mapping, and ``SqlStore``: written once.

Statements are written with ``:name`` parameters and rendered for each database by its
``Dialect``; where the two engines need different SQL (their search indexes), each has its own
statement. ``SqlStore`` runs them for both databases. A subclass (``sqlite.py``,
``postgres.py``) implements the IO: ``open``, ``close``, ``_fetch_all`` (one read statement,
outside any transaction), ``_transaction`` (a write), ``_export_rows`` (a cursor over the
``export`` statement, in a snapshot and on a connection of its own), and for a bulk load
``_has_table``, ``_bulk_insert`` (``executemany``; ``COPY``) and ``_after_load`` (the indexes
to build).
``sql_async.py`` is the async twin, for PostgreSQL.

The schema (version ``SCHEMA_VERSION``; ``docs/storage.md`` draws it) keeps every read to one
statement whose cost does not grow with the catalogue:

- ``packages``: one row a package, its fields in body order, plus ``summary_lower`` (Python's
  ``str.lower()`` of the summary: SQLite's ``lower()`` knows ASCII only and PostgreSQL's
  follows the server's locale, but the search rule, ``shared.query.matches_query``, is
  Python's) and ``position``, dense from 0 to count - 1: ``/rand`` reads the row at a random
  position through an index, and a delete moves the last row into the hole (swap-remove).
  ``normalized_name`` sorts by code point, as Python sorts strings: SQLite's default ``BINARY``
  collation does, PostgreSQL needs ``COLLATE "C"``.
- ``catalogue``: one row, the kept count (``total``) and the schema version.
- ``name_blocks``: the names cut into blocks of about ``BLOCK_SIZE`` in name order, each with
  its first name (a lower bound: ``''`` for the first block) and its kept size. The k-th name
  is then a sum over the blocks' sizes and a short scan inside one block: ``/daily`` and deep
  pages cost O(√n), not an OFFSET scan of the whole index.
- the search index: an FTS5 trigram table on SQLite, a ``pg_trgm`` GIN index on PostgreSQL.
"""

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from shared.model import FIELD_NAMES, Package
from shared.problems import StoreUnavailable, already_exists, no_such_package
from shared.query import PageQuery
from shared.stores.base import EXPORT_BATCH_SIZE, Change, Check

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
# Blocks are cut at this size when a catalogue is loaded, split when one doubles and merged
# with a neighbour when one falls under half of it: every block but a lone first one holds
# BLOCK_SIZE / 2 to 2 * BLOCK_SIZE names. About √700,000, so both parts of a lookup stay small.
BLOCK_SIZE = 1000
# FTS5's trigram index and pg_trgm find substrings of three characters or more; a shorter
# search term scans the table, in one pass.
TRIGRAM = 3

# What a row stores: the package's fields in body order (every SELECT returns these, so a row
# maps onto the model by position), then the search column.
STORED_COLUMNS = (*FIELD_NAMES, "summary_lower")
PACKAGE_COLUMNS = ", ".join(FIELD_NAMES)

_CREATE_PACKAGES = """
CREATE TABLE packages (
    {key_columns},
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    summary TEXT NOT NULL,
    license TEXT,
    home_page TEXT,
    author TEXT,
    requires_python TEXT,
    keywords TEXT NOT NULL,
    download_rank TEXT,
    updated_at TEXT NOT NULL,
    summary_lower TEXT NOT NULL,
    position BIGINT NOT NULL
)"""
# keywords: a JSON array, so any list of strings round-trips. download_rank: decimal digits,
# because the contract sets no upper bound and SQL integers stop at 2**63. The constraints on
# normalized_name and position come after a bulk load (``after_load``): faster than keeping
# indexes up to date row by row.
_CREATE_CATALOGUE = (
    "CREATE TABLE catalogue (schema_version INTEGER NOT NULL, total BIGINT NOT NULL)"
)
_CREATE_BLOCKS = (
    "CREATE TABLE name_blocks (first_name TEXT{collation} PRIMARY KEY, size INTEGER NOT NULL)"
)

_LOAD_COLUMNS = (*STORED_COLUMNS, "position")
_INSERT = "INSERT INTO packages ({}) VALUES ({})".format(
    ", ".join(_LOAD_COLUMNS), ", ".join(f":{column}" for column in _LOAD_COLUMNS)
)
_UPDATE = "UPDATE packages SET {} WHERE normalized_name = :normalized_name".format(
    ", ".join(f"{column} = :{column}" for column in STORED_COLUMNS if column != "normalized_name")
)
_SELECT = f"SELECT {PACKAGE_COLUMNS} FROM packages"
_BY_NAME = f"{_SELECT} WHERE normalized_name = :normalized_name"

# The block holding the name of rank {rank} (0-based, in name order) and how many names of
# that block come before it. A block's "before" is the sum of the sizes of the blocks ahead of
# it; empty blocks share it with the next one, which the DESC ordering prefers.
_BLOCK_OF_RANK = """block AS (
    SELECT first_name, {rank} - before AS skip FROM (
        SELECT first_name, sum(size) OVER (ORDER BY first_name) - size AS before
        FROM name_blocks
    ) AS blocks
    WHERE before <= {rank}
    ORDER BY first_name DESC LIMIT 1
)"""
# Rows from the start of that block, skipping to the rank (COALESCE: no block, no rows).
_FROM_BLOCK = f"""{_SELECT} WHERE normalized_name >= (SELECT first_name FROM block)
ORDER BY normalized_name LIMIT {{limit}} OFFSET (SELECT coalesce(max(skip), 0) FROM block)"""

# The 64-bit number of a daily pick, modulo the count, inside 64-bit signed SQL integers: it
# comes as two 32-bit halves, and ((high % n) * (2**32 % n) + low) % n stays below 2**63 for
# any n < 2**31. The result is int.from_bytes(digest[:8]) % n, as shared.picks computes it.
_PICK_BY_NAME_ORDER = f"""WITH wanted AS (
    SELECT ((:high % total) * (4294967296 % total) + :low) % total AS rank
    FROM catalogue WHERE total > 0
), {_BLOCK_OF_RANK.format(rank="(SELECT rank FROM wanted)")}
{_FROM_BLOCK.format(limit=1)}"""

# A page of the whole catalogue and the kept count, in one statement. LEFT JOIN: a page past
# the end is one row holding the total and no package. A page starting within the first
# BLOCK_SIZE names walks the name index from its start (fewer steps than summing the blocks,
# which costs about a millisecond at 700,000 packages); a deeper one starts from its block.
_PAGE_OF = """SELECT found.total, page.* FROM catalogue AS found LEFT JOIN (
    {rows}
) AS page ON true ORDER BY page.normalized_name"""
_PAGE_FROM_START = _PAGE_OF.format(
    rows=f"{_SELECT} ORDER BY normalized_name LIMIT :limit OFFSET :offset"
)
_PAGE = f"""WITH {_BLOCK_OF_RANK.format(rank=":offset")}
{_PAGE_OF.format(rows=_FROM_BLOCK.format(limit=":limit"))}"""


@dataclass(frozen=True)
class Dialect:
    """What differs between SQLite's SQL and PostgreSQL's in the statements of this module."""

    key_columns: str  # how a row is keyed (SQLite's FTS index needs a stable integer rowid)
    collation: str  # makes text sort by code point
    parameter: str  # how the driver writes a named parameter, as a re.sub replacement
    lock_row: str  # what keeps a row read for a write until the transaction ends
    percent: str  # the modulo operator, doubled where the driver reads % as a placeholder


SQLITE = Dialect(
    key_columns="id INTEGER PRIMARY KEY, normalized_name TEXT NOT NULL",
    collation="",
    parameter=r":\1",
    # On SQLite, BEGIN IMMEDIATE takes the database's write lock before the read instead.
    lock_row="",
    percent="%",
)
POSTGRESQL = Dialect(
    key_columns='normalized_name TEXT COLLATE "C" NOT NULL',
    collation=' COLLATE "C"',
    parameter=r"%(\1)s",
    lock_row=" FOR UPDATE",
    percent="%%",
)

# The search of each database, its page and its total in one statement, over the matches
# ("hits") of the term. SQLite: the matches come from the FTS5 trigram index (a phrase holds
# the term), or from a scan for a term under three characters. Two plans then give the page in
# name order; LIMIT 0 skips the one that would cost more before it runs. When matches are
# dense, walking the name index until enough of them have gone by is cheapest; when they are
# sparse, fetching each one and sorting them. The walk passes (offset + limit) * n / total
# names, the fetch costs total rows: the walk wins when total² >= (offset + limit) * n.
_SQLITE_HITS_INDEXED = "SELECT rowid AS id FROM package_search WHERE package_search MATCH :phrase"
_SQLITE_HITS_SCAN = (
    "SELECT id FROM packages WHERE instr(normalized_name, :needle) > 0"
    " OR instr(summary_lower, :needle) > 0"
)
_SQLITE_SEARCH = f"""WITH hits AS MATERIALIZED ({{hits}}),
found AS MATERIALIZED (
    SELECT count(*) AS total,
        count(*) * count(*) >= (:offset + :limit) * (SELECT total FROM catalogue) AS dense
    FROM hits
)
SELECT found.total, page.* FROM found LEFT JOIN (
    SELECT * FROM (
        {_SELECT} INDEXED BY packages_name WHERE id IN (SELECT id FROM hits)
        ORDER BY normalized_name
        LIMIT (SELECT CASE WHEN dense THEN :limit ELSE 0 END FROM found) OFFSET :offset
    )
    UNION ALL
    SELECT * FROM (
        {_SELECT} NOT INDEXED WHERE id IN (SELECT id FROM hits)
        ORDER BY normalized_name
        LIMIT (SELECT CASE WHEN dense THEN 0 ELSE :limit END FROM found) OFFSET :offset
    )
) AS page ON true ORDER BY page.normalized_name"""
# PostgreSQL: LIKE with the term escaped. A term of three characters or more: the pg_trgm GIN
# index finds the candidates of the count, whose text PostgreSQL must still check (the index
# is lossy); the page walks the key index in name order, stopping at the page's end when
# matches are dense, or sorts the matches when they are rare, as the planner estimates. A
# shorter term cannot use the index: one pass keeps the matching names, counted and paged.
_POSTGRESQL_MATCHES = "normalized_name LIKE :pattern OR summary_lower LIKE :pattern"
_POSTGRESQL_SEARCH_INDEXED = f"""SELECT found.total, page.* FROM (
    SELECT count(*) AS total FROM packages WHERE {_POSTGRESQL_MATCHES}
) AS found LEFT JOIN (
    {_SELECT} WHERE {_POSTGRESQL_MATCHES}
    ORDER BY normalized_name LIMIT :limit OFFSET :offset
) AS page ON true ORDER BY page.normalized_name"""
_POSTGRESQL_SEARCH_SCAN = f"""WITH hits AS MATERIALIZED (
    SELECT normalized_name FROM packages WHERE {_POSTGRESQL_MATCHES}
)
SELECT found.total, page.* FROM (SELECT count(*) AS total FROM hits) AS found LEFT JOIN (
    {_SELECT} WHERE normalized_name IN (
        SELECT normalized_name FROM hits ORDER BY normalized_name LIMIT :limit OFFSET :offset
    )
) AS page ON true ORDER BY page.normalized_name"""

# After a bulk load: the keys, the position index, the search index.
_SQLITE_AFTER_LOAD = (
    "CREATE UNIQUE INDEX packages_name ON packages (normalized_name)",
    "CREATE UNIQUE INDEX packages_position ON packages (position)",
    # External content: the index keeps no copy of the text, it reads packages by rowid.
    # case_sensitive 1: the columns are lower-cased by Python already, and SQLite would fold
    # case its own way. detail full (the default): phrases need the positions.
    "CREATE VIRTUAL TABLE package_search USING fts5(normalized_name, summary_lower,"
    " content='packages', content_rowid='id', tokenize='trigram case_sensitive 1')",
    "INSERT INTO package_search (package_search) VALUES ('rebuild')",
    # Triggers keep the index in step with every later write, as SQLite's FTS5 manual shows.
    """CREATE TRIGGER packages_search_insert AFTER INSERT ON packages BEGIN
    INSERT INTO package_search (rowid, normalized_name, summary_lower)
    VALUES (new.id, new.normalized_name, new.summary_lower);
END""",
    """CREATE TRIGGER packages_search_delete AFTER DELETE ON packages BEGIN
    INSERT INTO package_search (package_search, rowid, normalized_name, summary_lower)
    VALUES ('delete', old.id, old.normalized_name, old.summary_lower);
END""",
    """CREATE TRIGGER packages_search_update AFTER UPDATE OF normalized_name, summary_lower
ON packages BEGIN
    INSERT INTO package_search (package_search, rowid, normalized_name, summary_lower)
    VALUES ('delete', old.id, old.normalized_name, old.summary_lower);
    INSERT INTO package_search (rowid, normalized_name, summary_lower)
    VALUES (new.id, new.normalized_name, new.summary_lower);
END""",
)
_POSTGRESQL_AFTER_LOAD = (
    "ALTER TABLE packages ADD PRIMARY KEY (normalized_name)",
    "CREATE UNIQUE INDEX packages_position ON packages (position)",
    # {trigram_ops}: the operator class, qualified by the schema pg_trgm lives in, so that it
    # resolves whatever the connection's search_path (each test has a schema of its own).
    "CREATE INDEX packages_search ON packages USING gin"
    " (normalized_name {trigram_ops}, summary_lower {trigram_ops})",
)


@dataclass(frozen=True)
class Statements:
    create_tables: tuple[str, ...]
    after_load: tuple[str, ...]
    old_rows: str
    insert_catalogue: str
    insert_block: str
    total: str
    get: str
    pick_random: str
    pick_by_name_order: str
    page_from_start: str
    page: str
    search_indexed: str
    search_scan: str
    export: str
    get_for_update: str
    insert: str
    update: str
    delete: str
    count_up: str
    count_down: str
    move_position: str
    resize_block: str
    block_after: str
    block_before: str
    delete_block: str
    set_block_size: str
    name_in_block: str

    @classmethod
    def for_dialect(cls, dialect: Dialect, searches: tuple[str, str], after_load):
        def render(template: str) -> str:
            text = template.format(key_columns=dialect.key_columns, collation=dialect.collation)
            text = text.replace("%", dialect.percent)
            return re.sub(r"(?<!:):(\w+)", dialect.parameter, text)

        search_indexed, search_scan = searches
        return cls(
            create_tables=(render(_CREATE_PACKAGES), _CREATE_CATALOGUE, render(_CREATE_BLOCKS)),
            after_load=after_load,
            old_rows=_SELECT,
            insert_catalogue=render("INSERT INTO catalogue VALUES (:schema_version, :total)"),
            insert_block=render("INSERT INTO name_blocks VALUES (:first_name, :size)"),
            total="SELECT total FROM catalogue",
            get=render(_BY_NAME),
            pick_random=render(
                f"{_SELECT} WHERE position = (SELECT :draw % total FROM catalogue WHERE total > 0)"
            ),
            pick_by_name_order=render(_PICK_BY_NAME_ORDER),
            page_from_start=render(_PAGE_FROM_START),
            page=render(_PAGE),
            search_indexed=render(search_indexed),
            search_scan=render(search_scan),
            # Walks the key index in name order: the first rows come at once, at any size.
            export=render(f"{_SELECT} ORDER BY normalized_name"),
            get_for_update=render(_BY_NAME + dialect.lock_row),
            insert=render(_INSERT),
            update=render(_UPDATE),
            delete=render(
                "DELETE FROM packages WHERE normalized_name = :normalized_name RETURNING position"
            ),
            # Creates and deletes take the catalogue row first: they run one at a time, so the
            # positions and the blocks stay dense, and two writers never lock rows in
            # opposite orders.
            count_up="UPDATE catalogue SET total = total + 1 RETURNING total",
            count_down="UPDATE catalogue SET total = total - 1 RETURNING total",
            move_position=render("UPDATE packages SET position = :hole WHERE position = :last"),
            resize_block=render(
                "UPDATE name_blocks SET size = size + :change WHERE first_name ="
                " (SELECT max(first_name) FROM name_blocks WHERE first_name <= :normalized_name)"
                " RETURNING first_name, size"
            ),
            block_after=render(
                "SELECT first_name, size FROM name_blocks WHERE first_name > :first_name"
                " ORDER BY first_name LIMIT 1"
            ),
            block_before=render(
                "SELECT first_name, size FROM name_blocks WHERE first_name < :first_name"
                " ORDER BY first_name DESC LIMIT 1"
            ),
            delete_block=render("DELETE FROM name_blocks WHERE first_name = :first_name"),
            set_block_size=render(
                "UPDATE name_blocks SET size = :size WHERE first_name = :first_name"
            ),
            name_in_block=render(
                "SELECT normalized_name FROM packages WHERE normalized_name >= :first_name"
                " ORDER BY normalized_name LIMIT 1 OFFSET :skip"
            ),
        )


SQLITE_SQL = Statements.for_dialect(
    SQLITE,
    (
        _SQLITE_SEARCH.format(hits=_SQLITE_HITS_INDEXED),
        _SQLITE_SEARCH.format(hits=_SQLITE_HITS_SCAN),
    ),
    _SQLITE_AFTER_LOAD,
)
POSTGRESQL_SQL = Statements.for_dialect(
    POSTGRESQL, (_POSTGRESQL_SEARCH_INDEXED, _POSTGRESQL_SEARCH_SCAN), _POSTGRESQL_AFTER_LOAD
)

# SQLite only: write-ahead logging lets readers and one writer (of any worker process) proceed
# at once. Reads run outside transactions: a single statement reads one snapshot. BEGIN
# IMMEDIATE takes the write lock up front, so a read-then-write transaction never fails half-way
# on a lock another process took in between.
SQLITE_WAL = "PRAGMA journal_mode = WAL"
SQLITE_BEGIN_WRITE = "BEGIN IMMEDIATE"
SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"
SQLITE_BULK_INSERT = "INSERT INTO packages ({}) VALUES ({})".format(
    ", ".join(_LOAD_COLUMNS), ", ".join("?" for _ in _LOAD_COLUMNS)
)

# PostgreSQL only. Workers starting at once would race on CREATE TABLE and CREATE EXTENSION
# (neither is atomic with IF NOT EXISTS) and on seeding; a transaction-level advisory lock
# takes them one at a time.
POSTGRESQL_SETUP_LOCK = "SELECT pg_advisory_xact_lock(20260101)"
POSTGRESQL_TABLES = "SELECT to_regclass(%s) IS NOT NULL"
POSTGRESQL_TRIGRAM_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
POSTGRESQL_TRIGRAM_SCHEMA = (
    "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
)
# A GIN index builds much faster with room to sort in; LOCAL: for this transaction only.
POSTGRESQL_BUILD_MEMORY = "SET LOCAL maintenance_work_mem = '256MB'"
POSTGRESQL_BULK_COPY = f"COPY packages ({', '.join(_LOAD_COLUMNS)}) FROM STDIN"


SCHEMA_STATE = "SELECT schema_version, total FROM catalogue"
# Before a load into a database holding no packages, or an upgrade. On SQLite the search
# index is a table of its own; dropping packages drops the triggers and indexes with it.
DROP_TABLES = tuple(
    f"DROP TABLE IF EXISTS {table}"
    for table in ("package_search", "packages", "name_blocks", "catalogue")
)


class SchemaMismatch(RuntimeError):
    """The database holds a schema this version does not know: refuse to touch it."""


def schema_mismatch(version: int) -> str:
    return (
        f"the database holds pyaday schema version {version}, and this pyaday knows version"
        f" {SCHEMA_VERSION} only: run the pyaday that made it, or start on a new database"
    )


def key(normalized_name: str) -> dict[str, str]:
    """The parameters that look a package up by its key.

    A key from a URL may hold NUL, which PostgreSQL's text cannot (the query would fail) and no
    valid name holds. U+FFFD stands in for it: no valid name holds that either, so such a key
    finds no row, as in the memory store.
    """
    return {"normalized_name": normalized_name.replace("\x00", "\ufffd")}


def _keywords(package: Package) -> str:
    # Most packages have none: skip the encoder, which costs more than the rest of a row.
    if not package.keywords:
        return "[]"
    return json.dumps(list(package.keywords), ensure_ascii=False)


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
        "keywords": _keywords(package),
        "download_rank": None if package.download_rank is None else str(package.download_rank),
        "updated_at": package.updated_at,
    }


def load_row(package: Package, position: int) -> tuple:
    """A package as a row of a bulk load: ``_LOAD_COLUMNS`` in order, without a dict."""
    p = package
    rank = None if p.download_rank is None else str(p.download_rank)
    return (
        *(p.name, p.normalized_name, p.version, p.summary, p.license, p.home_page, p.author),
        *(p.requires_python, _keywords(p), rank, p.updated_at, p.summary.lower(), position),
    )


def package_from_row(row: tuple) -> Package:
    """A row of any SELECT here (``PACKAGE_COLUMNS``) as a package."""
    *text_fields, keywords, download_rank, updated_at = row
    return Package(
        *text_fields,
        # Most packages have none: json.loads("[]") took about 40% of a row's mapping here
        # (an export maps 700,000 rows).
        keywords=() if keywords == "[]" else tuple(json.loads(keywords)),
        download_rank=None if download_rank is None else int(download_rank),
        updated_at=updated_at,
    )


def package_or_none(rows: list[tuple]) -> Package | None:
    return package_from_row(rows[0]) if rows else None


def page_from_rows(rows: list[tuple]) -> tuple[list[Package], int]:
    """The rows of ``page`` or a search: each holds the total, then a package or NULLs."""
    total = rows[0][0]
    return [package_from_row(row[1:]) for row in rows if row[1] is not None], total


def blocks_of(sorted_names: list[str]) -> list[dict]:
    """The name blocks of a freshly loaded catalogue: ``BLOCK_SIZE`` names each, the first
    starting at ``''``, a short last block merged into the one before."""
    starts = list(range(0, len(sorted_names), BLOCK_SIZE)) or [0]
    if len(starts) > 1 and len(sorted_names) - starts[-1] < BLOCK_SIZE // 2:
        starts.pop()
    ends = [*starts[1:], len(sorted_names)]
    return [
        {"first_name": sorted_names[start] if start else "", "size": end - start}
        for start, end in zip(starts, ends, strict=True)
    ]


def split_needed(size: int) -> bool:
    return size >= 2 * BLOCK_SIZE


def merge_needed(size: int) -> bool:
    return size < BLOCK_SIZE // 2


def search_statement(statements: Statements, query: PageQuery) -> tuple[str, dict]:
    """The statement answering ``query`` and its parameters.

    ``matches_query`` is the rule: the lower-cased term is a substring of the name or of the
    lower-cased summary. Every term reaches the database as a literal: an FTS5 phrase (a
    string in double quotes, ``"`` doubled), a LIKE pattern (``%``, ``_`` and ``\\`` escaped
    with ``\\``, PostgreSQL's default escape), or the needle of ``instr``.
    """
    paging = {"limit": query.per_page, "offset": query.offset}
    if query.q is None:
        return statements.page if query.offset >= BLOCK_SIZE else statements.page_from_start, paging
    needle = query.q.lower()
    escaped = re.sub(r"([%_\\])", r"\\\1", needle)
    parameters = {
        **paging,
        "needle": needle,
        "phrase": '"' + needle.replace('"', '""') + '"',
        "pattern": f"%{escaped}%",
    }
    if len(needle) < TRIGRAM:
        return statements.search_scan, parameters
    return statements.search_indexed, parameters


def daily_halves(number: int) -> dict[str, int]:
    """A 64-bit pick number as the two 32-bit halves ``pick_by_name_order`` takes."""
    return {"high": number >> 32, "low": number & 0xFFFFFFFF}


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


def sorted_for_load(packages: Iterable[Package]) -> list[Package]:
    """A catalogue in name order, as positions and blocks are cut at a load."""
    return sorted(packages, key=lambda package: package.normalized_name)


class SqlStore:
    kind: str
    statements: Statements
    duplicate_key: type[Exception]

    def ping(self) -> None:
        self._fetch_all(self.statements.total)

    def count(self) -> int:
        rows = self._fetch_all(self.statements.total)
        return rows[0][0]

    def get(self, normalized_name: str) -> Package | None:
        return package_or_none(self._fetch_all(self.statements.get, key(normalized_name)))

    def pick_random(self, draw: int) -> Package | None:
        """The package at position ``draw % count`` (positions are in no meaningful order)."""
        return package_or_none(self._fetch_all(self.statements.pick_random, {"draw": draw}))

    def pick_by_name_order(self, number: int) -> Package | None:
        """The package at ``number % count`` in name order; ``number`` < 2**64."""
        rows = self._fetch_all(self.statements.pick_by_name_order, daily_halves(number))
        return package_or_none(rows)

    def search(self, query: PageQuery) -> tuple[list[Package], int]:
        return page_from_rows(self._fetch_all(*search_statement(self.statements, query)))

    def export_batches(self, batch_size: int = EXPORT_BATCH_SIZE) -> Iterator[list[Package]]:
        with self._export_rows() as rows:
            while batch := rows.fetchmany(batch_size):
                yield [package_from_row(row) for row in batch]

    def create(self, package: Package) -> Package:
        with self._transaction() as db:
            total = fetch_value(db, self.statements.count_up)
            try:
                db.execute(
                    self.statements.insert, {**row_parameters(package), "position": total - 1}
                )
            except self.duplicate_key:
                raise already_exists(package.normalized_name) from None
            self._resize_block(db, package.normalized_name, +1)
        return package

    def update(self, normalized_name: str, change: Change) -> Package:
        with self._transaction() as db:
            updated = change(self._existing(db, normalized_name))
            db.execute(self.statements.update, row_parameters(updated))
        return updated

    def delete(self, normalized_name: str, check: Check) -> None:
        with self._transaction() as db:
            last = fetch_value(db, self.statements.count_down)
            check(self._existing(db, normalized_name))
            hole = fetch_value(db, self.statements.delete, key(normalized_name))
            db.execute(self.statements.move_position, {"hole": hole, "last": last})
            self._resize_block(db, normalized_name, -1)

    def _prepare(self, db, seed: Iterable[Package]) -> None:
        """In the set-up transaction: make the schema current, and seed an empty catalogue.

        A database of pyaday 1.0 (a ``packages`` table alone) is upgraded: its rows are read
        and loaded again into the current schema. A schema of another version is refused.
        """
        if self._has_table(db, "catalogue"):
            version, total = fetch_one(db, SCHEMA_STATE)
            if version != SCHEMA_VERSION:
                raise SchemaMismatch(schema_mismatch(version))
            if total:
                return
            packages = sorted_for_load(seed)
            if not packages:
                return
        elif self._has_table(db, "packages"):
            old = [package_from_row(row) for row in fetch_all(db, self.statements.old_rows)]
            log.info("upgrading the schema to version %d: %d packages", SCHEMA_VERSION, len(old))
            packages = sorted_for_load(old or seed)
        else:
            packages = sorted_for_load(seed)
        for statement in DROP_TABLES:
            db.execute(statement)
        self._load(db, packages)

    def _load(self, db, packages: list[Package]) -> None:
        """Create the tables, bulk-load the packages, then build the indexes and blocks."""
        started = time.monotonic()
        for statement in self.statements.create_tables:
            db.execute(statement)
        log.info("loading %d packages into the new tables", len(packages))
        self._bulk_insert(db, map(load_row, packages, range(len(packages))))
        log.info("building the indexes (%.1f s so far)", time.monotonic() - started)
        for statement in self._after_load(db):
            db.execute(statement)
        for block in blocks_of([package.normalized_name for package in packages]):
            db.execute(self.statements.insert_block, block)
        catalogue = {"schema_version": SCHEMA_VERSION, "total": len(packages)}
        db.execute(self.statements.insert_catalogue, catalogue)
        log.info(
            "catalogue of %d packages ready in %.1f s", len(packages), time.monotonic() - started
        )

    def _existing(self, db, normalized_name: str) -> Package:
        row = fetch_one(db, self.statements.get_for_update, key(normalized_name))
        if row is None:
            raise no_such_package(normalized_name)
        return package_from_row(row)

    def _resize_block(self, db, normalized_name: str, change: int) -> None:
        """Count a name into or out of its block, then split or merge blocks as needed."""
        resize = {"normalized_name": normalized_name, "change": change}
        first_name, size = fetch_one(db, self.statements.resize_block, resize)
        if split_needed(size):
            self._split_block(db, first_name, size)
        elif merge_needed(size):
            self._merge_block(db, first_name, size)

    def _split_block(self, db, first_name: str, size: int) -> None:
        half = {"first_name": first_name, "skip": size // 2}
        middle = fetch_value(db, self.statements.name_in_block, half)
        db.execute(self.statements.insert_block, {"first_name": middle, "size": size - size // 2})
        db.execute(self.statements.set_block_size, {"first_name": first_name, "size": size // 2})

    def _merge_block(self, db, first_name: str, size: int) -> None:
        """Merge a small block into the one before it (the first block takes the next one)."""
        neighbour = (
            self.statements.block_after if first_name == "" else self.statements.block_before
        )
        other = fetch_one(db, neighbour, {"first_name": first_name})
        if other is None:
            return  # the only block: any size will do
        (left, left_size), (right, right_size) = sorted([(first_name, size), tuple(other)])
        db.execute(self.statements.delete_block, {"first_name": right})
        merged = left_size + right_size
        db.execute(self.statements.set_block_size, {"first_name": left, "size": merged})
        if split_needed(merged):
            self._split_block(db, left, merged)


def fetch_all(db, statement: str, parameters=()) -> list[tuple]:
    """Run a statement on a ``sqlite3`` or ``psycopg`` connection; all its rows."""
    return db.execute(statement, parameters).fetchall()


def fetch_one(db, statement: str, parameters=()) -> tuple | None:
    """Run a statement on a ``sqlite3`` or ``psycopg`` connection; its first row.

    All rows are fetched: SQLite finishes a statement (``RETURNING`` included) only then.
    """
    rows = fetch_all(db, statement, parameters)
    return rows[0] if rows else None


def fetch_value(db, statement: str, parameters=()):
    """The first column of the first row: a count, a position."""
    return fetch_one(db, statement, parameters)[0]
