"""What every asynchronous store offers the Sanic app: ``AsyncStore``. Twin of ``base.py``."""

from collections.abc import AsyncIterator, Iterable
from typing import Protocol

from shared.model import Package
from shared.query import PageQuery
from shared.stores.base import EXPORT_BATCH_SIZE, Change, Check


class AsyncStore(Protocol):
    """What the Sanic app awaits: the ``Async`` twins of the stores of ``base.py``.

    ``open`` may follow ``close`` on the same object: sanic-testing's ASGI client runs the
    server listeners around every request.
    """

    kind: str

    async def open(self, seed: Iterable[Package] = ()) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> None: ...

    async def count(self) -> int: ...

    async def get(self, normalized_name: str) -> Package | None: ...

    async def pick_random(self, draw: int) -> Package | None: ...

    async def pick_by_name_order(self, number: int) -> Package | None: ...

    async def search(self, query: PageQuery) -> tuple[list[Package], int]: ...

    def export_batches(self, batch_size: int = EXPORT_BATCH_SIZE) -> AsyncIterator[list[Package]]:
        """An async generator in every store: ``async for batch in store.export_batches()``;
        close it with ``contextlib.aclosing``."""
        ...

    async def create(self, package: Package) -> Package: ...

    async def update(self, normalized_name: str, change: Change) -> Package: ...

    async def delete(self, normalized_name: str, check: Check) -> None: ...
