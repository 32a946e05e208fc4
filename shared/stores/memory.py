"""The in-memory store, synchronous: a dict in each process. ``memory_async.py`` is its twin.

Each worker process holds its own copy, so workers do not see each other's writes, and
everything is gone at a restart: the store of the tests and of the talk's benchmark.
"""

import bisect
import threading
from collections.abc import Iterable

from shared.model import Package
from shared.problems import already_exists, no_such_package
from shared.query import PageQuery, matches_query
from shared.stores.base import Change, Check, ChooseIndex


class MemoryStore:
    """A dict and a sorted key list behind one lock: safe under Flask's threaded servers."""

    kind = "memory"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._packages: dict[str, Package] = {}
        self._sorted_names: list[str] = []

    def open(self, seed: Iterable[Package] = ()) -> None:
        """Start serving; an empty store takes the ``seed`` packages."""
        with self._lock:
            if self._packages:
                return
            self._packages = {package.normalized_name: package for package in seed}
            self._sorted_names = sorted(self._packages)

    def close(self) -> None:
        """Nothing to release; the data lives as long as the object."""

    def ping(self) -> None:
        """Always reachable."""

    def count(self) -> int:
        return len(self._sorted_names)

    def get(self, normalized_name: str) -> Package | None:
        return self._packages.get(normalized_name)

    def pick(self, choose_index: ChooseIndex) -> Package | None:
        """The package at ``choose_index(count)`` in name order, or None when empty."""
        with self._lock:
            if not self._sorted_names:
                return None
            return self._packages[self._sorted_names[choose_index(len(self._sorted_names))]]

    def search(self, query: PageQuery) -> tuple[list[Package], int]:
        end = query.offset + query.per_page
        with self._lock:
            if query.q is None:  # a plain page: touch only its own packages
                names = self._sorted_names[query.offset : end]
                return [self._packages[name] for name in names], len(self._sorted_names)
            everything = [self._packages[name] for name in self._sorted_names]
        found = [p for p in everything if matches_query(p.normalized_name, p.summary, query.q)]
        return found[query.offset : end], len(found)

    def create(self, package: Package) -> Package:
        with self._lock:
            if package.normalized_name in self._packages:
                raise already_exists(package.normalized_name)
            self._packages[package.normalized_name] = package
            bisect.insort(self._sorted_names, package.normalized_name)
        return package

    def update(self, normalized_name: str, change: Change) -> Package:
        with self._lock:
            current = self._existing(normalized_name)
            updated = change(current)
            self._packages[normalized_name] = updated
        return updated

    def delete(self, normalized_name: str, check: Check) -> None:
        with self._lock:
            check(self._existing(normalized_name))
            del self._packages[normalized_name]
            self._sorted_names.pop(bisect.bisect_left(self._sorted_names, normalized_name))

    def _existing(self, normalized_name: str) -> Package:
        package = self._packages.get(normalized_name)
        if package is None:
            raise no_such_package(normalized_name)
        return package
