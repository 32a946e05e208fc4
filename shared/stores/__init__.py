"""The package stores, in mirrored pairs: a sync store for Flask, its ``Async`` twin for Sanic.

===================  ==========================  ======================================
module pair          classes                     what they hold
===================  ==========================  ======================================
``base``             ``Store``, ``AsyncStore``   the protocol both apps program against
``memory``           ``MemoryStore``             a dict in each process
``sql``              ``SqlStore``                the SQL, written once, and what both
                                                 databases share
``sqlite``           ``SqliteStore``             one SQLite file (``sqlite3``)
``postgres``         ``PostgresStore``           PostgreSQL (psycopg 3 pools)
===================  ==========================  ======================================

Each ``X_async`` module is the twin of ``X``, its classes prefixed ``Async`` (the convention
of httpx and psycopg 3); ``tests/test_twins_stores.py`` keeps the pairs from drifting. Beside
them: ``substring_index`` (the memory store's search index) and ``seed`` (``python -m
shared.stores.seed URL synthetic:700000``: a seeded database, made once to reuse).
``docs/storage.md`` describes the schema and what each read costs.
"""

from urllib.parse import urlsplit

from shared.settings import Settings
from shared.stores.base import Store
from shared.stores.base_async import AsyncStore

_STORE_KINDS = {
    "memory": "memory",
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
}


def store_kind(database_url: str) -> str:
    """``memory``, ``sqlite`` or ``postgresql``, from the scheme of ``PYADAY_DATABASE_URL``."""
    scheme = urlsplit(database_url).scheme.split("+", 1)[0]
    if scheme not in _STORE_KINDS:
        schemes = ", ".join(sorted(_STORE_KINDS))
        raise ValueError(f"PYADAY_DATABASE_URL={database_url!r}: use a scheme of {schemes}")
    return _STORE_KINDS[scheme]


# The factories import a store's module only when it is asked for: the memory store needs no
# database driver, and a Flask process never loads psycopg's async pool.
def create_store(settings: Settings) -> Store:
    """The store ``PYADAY_DATABASE_URL`` names, not yet opened: no IO happens here."""
    kind = store_kind(settings.database_url)
    if kind == "sqlite":
        from shared.stores.sqlite import SqliteStore

        return SqliteStore(settings)
    if kind == "postgresql":
        from shared.stores.postgres import PostgresStore

        return PostgresStore(settings)
    from shared.stores.memory import MemoryStore

    return MemoryStore()


def create_async_store(settings: Settings) -> AsyncStore:
    """The store ``PYADAY_DATABASE_URL`` names, not yet opened: no IO happens here."""
    kind = store_kind(settings.database_url)
    if kind == "sqlite":
        from shared.stores.sqlite_async import AsyncSqliteStore

        return AsyncSqliteStore(settings)
    if kind == "postgresql":
        from shared.stores.postgres_async import AsyncPostgresStore

        return AsyncPostgresStore(settings)
    from shared.stores.memory_async import AsyncMemoryStore

    return AsyncMemoryStore()
