"""The stores ``make bench`` measures: memory, SQLite and PostgreSQL, at each catalogue size.

Each SQL store is seeded once per size and run (a template file, a template database), two
seeds at a time, before anything is measured. Each server then gets a copy of its own, made
before it starts: a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL
(about a second at 700,000 packages, where a seed takes 30 s). The memory store builds its
catalogue in each worker as it starts, which the runner times. PostgreSQL is a throwaway
server, as in the tests, pinned to the server's cores: on one machine the database shares the
app's cores, as in a one-machine deployment, and the runner reads its CPU time apart.
"""

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

import psutil
import psycopg

from benchmarks.measure import tree_processes
from benchmarks.one_user import catalogue_of
from benchmarks.postgres import ThrowawayPostgres, start_throwaway_postgres, why_unavailable
from shared.settings import SEED_SIZE
from shared.stores.sqlite import sqlite_url

STORES = ("memory", "sqlite", "postgresql")
SIZES = (SEED_SIZE, 700_000)


class BenchStores:
    """Seeded templates of the SQL stores (``seed``), and a copy of one for each server."""

    def __init__(
        self,
        kinds: Sequence[str],
        folder: Path,
        cpus: Sequence[int] | None,
        note: Callable[[str], None] = print,
    ) -> None:
        self.folder, self.note = folder, note
        self.skipped: dict[str, str] = {}  # a store the run could not measure, and why
        self.seed_s: dict[str, float] = {}  # "sqlite/700000": seconds its template took
        self.postgres: ThrowawayPostgres | None = None
        if "postgresql" in kinds:
            reason = why_unavailable()
            if reason:
                self.skipped["postgresql"] = reason
                note(f"PostgreSQL skipped: {reason}")
            else:
                note("starting a throwaway PostgreSQL")
                self.postgres = start_throwaway_postgres()
                pin(self.postgres.postmaster_pid(), cpus)

    def conditions(self) -> dict:
        """What the report states of the stores: skipped ones and why, seeding times, versions."""
        version = None
        if self.postgres is not None:
            with psycopg.connect(self.postgres.url(database="postgres")) as connection:
                version = connection.execute("SHOW server_version").fetchone()[0]
        return {"stores_skipped": self.skipped, "seed_s": self.seed_s, "postgresql": version}

    def close(self) -> None:
        """Stop PostgreSQL and remove the SQLite templates (hundreds of MB); logs stay."""
        if self.postgres is not None:
            self.postgres.remove()
        for path in self.folder.glob("template-*.db*"):
            path.unlink()

    def available(self, kind: str) -> bool:
        return kind not in self.skipped

    def database_pid(self, kind: str) -> int | None:
        """The database server's first process, whose tree serves the app's connections."""
        return self.postgres.postmaster_pid() if kind == "postgresql" else None

    @contextmanager
    def copy(self, kind: str, size: int, name: str) -> Iterator[dict[str, str]]:
        """The settings of a store of ``kind`` holding ``size`` packages, for one server."""
        catalogue = {"PYADAY_SEED_CATALOGUE": catalogue_of(size)}
        if kind == "memory":
            yield {"PYADAY_DATABASE_URL": "memory://", **catalogue}
        elif kind == "sqlite":
            template = self._template(kind, size)
            copy = self.folder / f"{name}.db"
            shutil.copyfile(template, copy)
            try:
                yield {"PYADAY_DATABASE_URL": sqlite_url(copy), **catalogue}
            finally:
                for path in self.folder.glob(f"{name}.db*"):  # with its -wal and -shm
                    path.unlink()
        else:
            url = self.postgres.url(
                database=self.postgres.copy_database(self._template(kind, size), name)
            )
            try:
                yield {"PYADAY_DATABASE_URL": url, **catalogue}
            finally:
                self.postgres.drop_database(name)

    def seed(self, pairs: Sequence[tuple[str, int]], parallel: int = 2) -> None:
        """Make the template of every SQL store and size of ``pairs``, ``parallel`` at a time
        (each seed is one process, mostly on one core), before anything is measured."""
        wanted = [
            (kind, size)
            for kind, size in dict.fromkeys(pairs)
            if kind != "memory" and self.available(kind)
        ]
        if not wanted:
            return
        self.note(f"seeding {', '.join(f'{k}/{s:,}' for k, s in wanted)} (once; not measured)")
        with ThreadPoolExecutor(parallel) as pool:
            for done in as_completed([pool.submit(self._seed, *pair) for pair in wanted]):
                key, seconds = done.result()
                self.seed_s[key] = seconds
                self.note(f"seeded {key} in {seconds:.1f} s")

    def _seed(self, kind: str, size: int) -> tuple[str, float]:
        if kind == "sqlite":
            url = sqlite_url(self._template(kind, size))
        else:
            self.postgres.copy_database("template1", self._template(kind, size))
            url = self.postgres.url(database=self._template(kind, size))
        log = self.folder / f"seed-{kind}-{size}.log"
        started = time.monotonic()
        with log.open("wb") as output:
            command = [sys.executable, "-m", "shared.stores.seed", url, catalogue_of(size)]
            done = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, check=False)
        if done.returncode:
            raise RuntimeError(f"seeding {kind} with {size} packages failed; its log: {log}")
        return f"{kind}/{size}", round(time.monotonic() - started, 1)

    def _template(self, kind: str, size: int) -> str:
        """The seeded SQLite file or PostgreSQL database of ``size`` packages."""
        return str(self.folder / f"template-{size}.db") if kind == "sqlite" else f"template_{size}"


def pin(pid: int, cpus: Sequence[int] | None) -> None:
    """Keep a running process tree, and the processes it starts later, on ``cpus``."""
    if not cpus:
        return
    for process in tree_processes(pid):
        try:
            process.cpu_affinity(list(cpus))
        except psutil.Error:  # it exited meanwhile
            continue
