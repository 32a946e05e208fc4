"""What every synchronous store offers the Flask app: the ``Store`` protocol.

``base_async.py`` is its twin for Sanic. Every store keeps packages keyed by normalized name
and answers in normalized-name order.

Reads cost the same at any catalogue size (``docs/storage.md``). The two picks take a number
and leave the modulo to the store, so that a SQL store answers in one statement:
``pick_random(draw)`` is the package at ``draw % count`` in the store's own order (a uniform
``draw`` gives a uniform pick), ``pick_by_name_order(number)`` the one at ``number % count`` in
normalized-name order (the daily pick's contract, the same package in every store).

Writes take a function instead of a finished package: ``update(name, change)`` reads the
current package, calls ``change(current)`` (which checks ``If-Match`` and validates) and stores
the result, all under one lock or transaction, so concurrent curators never lose an update.

``export_batches()`` is the one read whose cost grows with the catalogue (``GET /export``): a
generator of the whole catalogue in name order, in batches, all from one snapshot taken at the
first batch, so a write made meanwhile is in it wholly or not at all. It holds neither the
store's lock nor a connection other requests use while its consumer (a slow client) waits;
closing the generator ends the snapshot.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from shared.model import Package
from shared.query import PageQuery

Change = Callable[[Package], Package]
Check = Callable[[Package], None]
# Packages an export batch holds: encoded and compressed, about 250 kB of JSON, 50 kB of gzip,
# a few milliseconds of CPU.
EXPORT_BATCH_SIZE = 1000


class Store(Protocol):
    """What the Flask app calls: ``MemoryStore``, ``SqliteStore`` and ``PostgresStore``.

    A store that cannot reach its database raises ``StoreUnavailable`` (503) and changes
    nothing; a later call tries again, so the app recovers when the database comes back.
    """

    kind: str

    def open(self, seed: Iterable[Package] = ()) -> None: ...

    def close(self) -> None: ...

    def ping(self) -> None: ...

    def count(self) -> int: ...

    def get(self, normalized_name: str) -> Package | None: ...

    def pick_random(self, draw: int) -> Package | None: ...

    def pick_by_name_order(self, number: int) -> Package | None: ...

    def search(self, query: PageQuery) -> tuple[list[Package], int]: ...

    def export_batches(self, batch_size: int = EXPORT_BATCH_SIZE) -> Iterator[list[Package]]: ...

    def create(self, package: Package) -> Package: ...

    def update(self, normalized_name: str, change: Change) -> Package: ...

    def delete(self, normalized_name: str, check: Check) -> None: ...
