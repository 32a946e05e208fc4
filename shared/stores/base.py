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
"""

from collections.abc import Callable, Iterable
from typing import Protocol

from shared.model import Package
from shared.query import PageQuery

Change = Callable[[Package], Package]
Check = Callable[[Package], None]


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

    def create(self, package: Package) -> Package: ...

    def update(self, normalized_name: str, change: Change) -> Package: ...

    def delete(self, normalized_name: str, check: Check) -> None: ...
