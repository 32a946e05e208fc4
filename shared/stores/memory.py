"""The in-memory store, synchronous: a dict in each process. ``memory_async.py`` is its twin.

Each worker process holds its own copy, so workers do not see each other's writes, and
everything is gone at a restart: the store of the tests and of the talk's benchmark. Every
read but a search is a dict lookup or a list index; a search goes through a substring index
(``substring_index.py``). An export reads the live catalogue, a batch at a time, around the
writes made since it began (``ExportSnapshot``): no copy, and no lock held between batches.
"""

import bisect
import gc
import threading
from collections.abc import Iterable, Iterator

from shared.model import Package
from shared.problems import already_exists, no_such_package
from shared.query import PageQuery
from shared.stores.base import EXPORT_BATCH_SIZE, Change, Check
from shared.stores.substring_index import SubstringIndex

# From this many packages on, a loaded catalogue is frozen out of the garbage collector's
# reach (gc.freeze): at 700,000 packages a full collection walked 700,000 objects for about
# 2.7 s here, a stall of the worker that nothing gained from (packages hold no cycles, and
# frozen objects are still freed when their last reference goes). Small catalogues, the
# tests' included, are left to the collector as usual.
FREEZE_AT = 100_000


class ExportSnapshot:
    """What one export sees: the catalogue as it was when the export began.

    The export reads the live dict and name list, one batch at a time under the lock; a write
    made while it runs first records here what it replaces (the package a name held when the
    export began, or None for a name that was free), and the export reads around it. Copying
    the catalogue instead would cost each export (or the first write after it) a copy of a
    700,000-entry dict: over 100 ms of a held lock here.
    """

    __slots__ = ("replaced",)

    def __init__(self) -> None:
        self.replaced: dict[str, Package | None] = {}


class MemoryStore:
    """A dict, a sorted key list and a search index behind one lock: safe under Flask's
    threaded servers."""

    kind = "memory"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._packages: dict[str, Package] = {}
        self._sorted_names: list[str] = []
        self._index = SubstringIndex([])
        self._exports: set[ExportSnapshot] = set()  # of the exports running now

    def open(self, seed: Iterable[Package] = ()) -> None:
        """Start serving; an empty store takes the ``seed`` packages."""
        with self._lock:
            if self._packages:
                return
            in_name_order = sorted(seed, key=lambda package: package.normalized_name)
            self._packages = {package.normalized_name: package for package in in_name_order}
            self._sorted_names = list(self._packages)
            self._index = SubstringIndex(in_name_order)
        if len(self._sorted_names) >= FREEZE_AT:
            gc.freeze()

    def close(self) -> None:
        """Nothing to release; the data lives as long as the object."""

    def ping(self) -> None:
        """Always reachable."""

    def count(self) -> int:
        return len(self._sorted_names)

    def get(self, normalized_name: str) -> Package | None:
        return self._packages.get(normalized_name)

    def pick_random(self, draw: int) -> Package | None:
        """The package at ``draw % count``: positions here are the name order."""
        return self.pick_by_name_order(draw)

    def pick_by_name_order(self, number: int) -> Package | None:
        """The package at ``number % count`` in name order, or None when empty."""
        with self._lock:
            if not self._sorted_names:
                return None
            return self._packages[self._sorted_names[number % len(self._sorted_names)]]

    def search(self, query: PageQuery) -> tuple[list[Package], int]:
        end = query.offset + query.per_page
        with self._lock:
            if query.q is None:  # a plain page: touch only its own packages
                names, total = self._sorted_names[query.offset : end], len(self._sorted_names)
            else:
                names, total = self._index.search(query.q.lower(), query.offset, query.per_page)
            return [self._packages[name] for name in names], total

    def export_batches(self, batch_size: int = EXPORT_BATCH_SIZE) -> Iterator[list[Package]]:
        snapshot = ExportSnapshot()
        with self._lock:
            self._exports.add(snapshot)
        try:
            after, done = "", False  # every name sorts after "": no name is empty
            while not done:
                with self._lock:
                    batch, after, done = self._export_batch(snapshot, after, batch_size)
                if batch:
                    yield batch
        finally:
            with self._lock:
                self._exports.discard(snapshot)

    def create(self, package: Package) -> Package:
        with self._lock:
            if package.normalized_name in self._packages:
                raise already_exists(package.normalized_name)
            self._keep_for_exports(package.normalized_name)
            self._packages[package.normalized_name] = package
            bisect.insort(self._sorted_names, package.normalized_name)
            self._index.add(package)
        return package

    def update(self, normalized_name: str, change: Change) -> Package:
        with self._lock:
            current = self._existing(normalized_name)
            updated = change(current)
            self._keep_for_exports(normalized_name)
            self._packages[normalized_name] = updated
            self._index.replace(updated)
        return updated

    def delete(self, normalized_name: str, check: Check) -> None:
        with self._lock:
            check(self._existing(normalized_name))
            self._keep_for_exports(normalized_name)
            del self._packages[normalized_name]
            self._sorted_names.pop(bisect.bisect_left(self._sorted_names, normalized_name))
            self._index.remove(normalized_name)

    def _existing(self, normalized_name: str) -> Package:
        package = self._packages.get(normalized_name)
        if package is None:
            raise no_such_package(normalized_name)
        return package

    def _keep_for_exports(self, normalized_name: str) -> None:
        """Before a write, under the lock: each running export keeps what the name held when it
        began (the first write to a name during an export is the one that counts)."""
        for snapshot in self._exports:
            snapshot.replaced.setdefault(normalized_name, self._packages.get(normalized_name))

    def _export_batch(
        self, snapshot: ExportSnapshot, after: str, size: int
    ) -> tuple[list[Package], str, bool]:
        """Under the lock: the packages of ``snapshot`` that follow the name ``after``, about
        ``size`` of them; the last name they reach; and whether they reach the end."""
        start = bisect.bisect_right(self._sorted_names, after)
        names = self._sorted_names[start : start + size]
        done = len(names) < size
        last = after if done else names[-1]
        # Names written since the export began, within (after, last]: a deleted one is no
        # longer listed, a created one is, and neither is what the export must show.
        written = [n for n in snapshot.replaced if after < n and (done or n <= last)]
        if written:
            names = sorted({*names, *written})
        replaced, packages = snapshot.replaced, self._packages
        then = (replaced[name] if name in replaced else packages[name] for name in names)
        return [package for package in then if package is not None], last, done
