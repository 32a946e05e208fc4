"""What every synchronous store offers the Flask app: the ``Store`` protocol.

``base_async.py`` is its twin for Sanic. Every store keeps packages keyed by normalized name
and answers in normalized-name order.

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
ChooseIndex = Callable[[int], int]


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

    def pick(self, choose_index: ChooseIndex) -> Package | None: ...

    def search(self, query: PageQuery) -> tuple[list[Package], int]: ...

    def create(self, package: Package) -> Package: ...

    def update(self, normalized_name: str, change: Change) -> Package: ...

    def delete(self, normalized_name: str, check: Check) -> None: ...
