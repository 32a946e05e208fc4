"""How should an asyncio app call SQLite? The price of each path, per read, measured.

``python -m benchmarks.sqlite_paths [--size N] [--reads N]`` seeds a SQLite file with a
catalogue of N packages (``synthetic:N`` above 5,000), then runs the same primary-key read,
the one behind ``GET /packages/{name}``, through each way an event loop can reach SQLite:

- ``aiosqlite``, as most async code does it: ``execute`` then ``fetchall``, two hand-offs to
  aiosqlite's thread;
- ``aiosqlite execute_fetchall``: one hand-off;
- a dedicated thread (``run_in_executor`` on a one-thread pool holding its own connection);
- ``sqlite3`` inline, on the loop.

It prints the CPU time (``time.process_time``: the event loop's thread and the others) and the
wall time per read, the median of five rounds. The machine may be shared: CPU time is the
figure that does not depend on what else runs.
"""

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiosqlite

from shared.catalogue import seed_for
from shared.settings import SEED_SIZE, Settings
from shared.stores.sql import SQLITE_SQL, key
from shared.stores.sqlite import SqliteStore, sqlite_url

ROUNDS = 5


def seeded_file(folder: Path, size: int) -> Path:
    path = folder / "paths.db"
    settings = Settings(
        database_url=sqlite_url(path), seed_catalogue=True if size <= SEED_SIZE else size
    )
    store = SqliteStore(settings)
    store.open(seed_for(settings))
    store.close()
    return path


async def per_read(read, names: list[str]) -> tuple[float, float]:
    """CPU and wall microseconds per read: the median of the rounds."""
    cpu, wall = [], []
    for _ in range(ROUNDS):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for name in names:
            await read(name)
        cpu.append((time.process_time() - cpu_start) / len(names) * 1e6)
        wall.append((time.perf_counter() - wall_start) / len(names) * 1e6)
    return statistics.median(cpu), statistics.median(wall)


async def measure(path: Path, names: list[str]) -> dict[str, tuple[float, float]]:
    statement = SQLITE_SQL.get
    results = {}

    async with aiosqlite.connect(path, isolation_level=None) as db:

        async def two_hand_offs(name):
            cursor = await db.execute(statement, key(name))
            return await cursor.fetchall()

        async def one_hand_off(name):
            return await db.execute_fetchall(statement, key(name))

        results["aiosqlite: execute, fetchall"] = await per_read(two_hand_offs, names)
        results["aiosqlite: execute_fetchall"] = await per_read(one_hand_off, names)

    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1) as thread:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

        def read(name):
            return db.execute(statement, key(name)).fetchall()

        async def in_thread(name):
            return await loop.run_in_executor(thread, read, name)

        results["a dedicated thread (run_in_executor)"] = await per_read(in_thread, names)

        async def inline(name):
            return read(name)

        results["sqlite3 inline, on the loop"] = await per_read(inline, names)
        db.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=SEED_SIZE, help="packages in the catalogue")
    parser.add_argument("--reads", type=int, default=2000, help="reads per round")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pyaday-paths-") as folder:
        path = seeded_file(Path(folder), options.size)
        with sqlite3.connect(path) as db:
            everything = [row[0] for row in db.execute("SELECT normalized_name FROM packages")]
        names = everything[:: max(1, len(everything) // options.reads)][: options.reads]
        results = asyncio.run(measure(path, names))
    print(f"primary-key read, {options.size:,} packages, {len(names)} reads x {ROUNDS} rounds")
    print(f"{'path':40} {'CPU µs/read':>12} {'wall µs/read':>13}")
    for path_name, (cpu, wall) in results.items():
        print(f"{path_name:40} {cpu:12.1f} {wall:13.1f}")


if __name__ == "__main__":
    main()
