"""The package store, asynchronous: what the Sanic app awaits. Twin of ``store.py``."""

from collections.abc import Iterable
from typing import Protocol

from shared.model import Package
from shared.query import PageQuery
from shared.settings import Settings
from shared.store import Change, Check, ChooseIndex, MemoryStore, store_kind


class AsyncStore(Protocol):
    """What the Sanic app awaits: the ``Async`` twins of the stores of ``store.py``.

    ``open`` may follow ``close`` on the same object: sanic-testing's ASGI client runs the
    server listeners around every request.
    """

    kind: str

    async def open(self, seed: Iterable[Package] = ()) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> None: ...

    async def count(self) -> int: ...

    async def get(self, normalized_name: str) -> Package | None: ...

    async def pick(self, choose_index: ChooseIndex) -> Package | None: ...

    async def search(self, query: PageQuery) -> tuple[list[Package], int]: ...

    async def create(self, package: Package) -> Package: ...

    async def update(self, normalized_name: str, change: Change) -> Package: ...

    async def delete(self, normalized_name: str, check: Check) -> None: ...


class AsyncMemoryStore:
    """The in-memory store behind an async interface.

    Memory does no IO, so each method runs the sync store's method directly: nothing awaits
    inside its lock, so the event loop is never blocked for longer than the dict operation.
    """

    kind = "memory"

    def __init__(self) -> None:
        self._store = MemoryStore()

    async def open(self, seed: Iterable[Package] = ()) -> None:
        self._store.open(seed)

    async def close(self) -> None:
        self._store.close()

    async def ping(self) -> None:
        self._store.ping()

    async def count(self) -> int:
        return self._store.count()

    async def get(self, normalized_name: str) -> Package | None:
        return self._store.get(normalized_name)

    async def pick(self, choose_index: ChooseIndex) -> Package | None:
        return self._store.pick(choose_index)

    async def search(self, query: PageQuery) -> tuple[list[Package], int]:
        return self._store.search(query)

    async def create(self, package: Package) -> Package:
        return self._store.create(package)

    async def update(self, normalized_name: str, change: Change) -> Package:
        return self._store.update(normalized_name, change)

    async def delete(self, normalized_name: str, check: Check) -> None:
        self._store.delete(normalized_name, check)


def create_async_store(settings: Settings) -> AsyncStore:
    """The store ``PYADAY_DATABASE_URL`` names, not yet opened: no IO happens here."""
    # Imported here: those modules import this one, and the memory store needs no driver.
    kind = store_kind(settings.database_url)
    if kind == "sqlite":
        from shared.sqlite_store_async import AsyncSqliteStore

        return AsyncSqliteStore(settings)
    if kind == "postgresql":
        from shared.postgres_store_async import AsyncPostgresStore

        return AsyncPostgresStore(settings)
    return AsyncMemoryStore()
