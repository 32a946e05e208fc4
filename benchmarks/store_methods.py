"""What each store method costs, without a web framework, at two catalogue sizes.

``python -m benchmarks.store_methods [--sizes 5000 700000] [--stores memory sqlite postgresql]
[--calls 300]`` seeds each store once per size (PostgreSQL: a throwaway server, as in the
tests) and calls each read method of the sync store (what Flask calls) and of its async twin
(what Sanic awaits), one call after another. It prints each method's wall time (p50, p99) and
this process's CPU time per call (the driver's and Python's share: a PostgreSQL server's own
CPU is not in it).
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.one_user import catalogue_of
from benchmarks.postgres import throwaway_postgres_for
from benchmarks.scenarios import SEARCH_TERMS
from shared.catalogue import seed_for, seed_packages
from shared.picks import daily_number
from shared.query import PageQuery
from shared.settings import SEED_SIZE, Settings
from shared.stores import create_async_store, create_store
from shared.stores.seed import seed_store
from shared.stores.sqlite import sqlite_url


def method_calls(size: int, count: int) -> dict[str, list]:
    """Each measured method, as (method name, arguments) for every call."""
    draw = random.Random(size)
    names = [package.normalized_name for package in seed_packages()]
    days = [date(2026, 1, 1) + timedelta(days=day) for day in range(count)]
    return {
        "get": [("get", (draw.choice(names),)) for _ in range(count)],
        "pick_random": [("pick_random", (draw.getrandbits(63),)) for _ in range(count)],
        "pick_by_name_order": [("pick_by_name_order", (daily_number(day),)) for day in days],
        "search: page 1": [("search", (PageQuery(),)) for _ in range(count)],
        "search: deep page": [
            ("search", (PageQuery(page=draw.randrange(1, size // 20)),)) for _ in range(count)
        ],
        "search: 3+ chars": [
            ("search", (PageQuery(q=SEARCH_TERMS[i % len(SEARCH_TERMS)]),)) for i in range(count)
        ],
        "search: 2 chars": [("search", (PageQuery(q="py"),)) for _ in range(max(5, count // 20))],
    }


def figures(wall: list[float], cpu: float) -> dict:
    wall = sorted(wall)
    return {
        "p50_ms": statistics.median(wall) * 1000,
        "p99_ms": wall[max(0, int(len(wall) * 0.99) - 1)] * 1000,
        "cpu_us": cpu / len(wall) * 1e6,
    }


def measure_sync(settings: Settings, calls: dict[str, list]) -> dict[str, dict]:
    store = create_store(settings)
    store.open(seed_for(settings))
    results = {}
    try:
        for method, arguments in calls.items():
            for name, args in arguments[:10]:  # warm-up
                getattr(store, name)(*args)
            wall, cpu_start = [], time.process_time()
            for name, args in arguments:
                started = time.perf_counter()
                getattr(store, name)(*args)
                wall.append(time.perf_counter() - started)
            results[method] = figures(wall, time.process_time() - cpu_start)
    finally:
        store.close()
    return results


async def measure_async(settings: Settings, calls: dict[str, list]) -> dict[str, dict]:
    store = create_async_store(settings)
    await store.open(seed_for(settings))
    results = {}
    try:
        for method, arguments in calls.items():
            for name, args in arguments[:10]:
                await getattr(store, name)(*args)
            wall, cpu_start = [], time.process_time()
            for name, args in arguments:
                started = time.perf_counter()
                await getattr(store, name)(*args)
                wall.append(time.perf_counter() - started)
            results[method] = figures(wall, time.process_time() - cpu_start)
    finally:
        await store.close()
    return results


def store_url(store: str, size: int, folder: Path, postgres) -> str:
    """A store of that kind holding the catalogue of that size (memory seeds itself)."""
    if store == "memory":
        return "memory://"
    if store == "sqlite":
        url = sqlite_url(Path(folder) / f"pyaday-{size}.db")
    else:
        url = postgres.url(postgres.create_schema())
    seed_store(url, catalogue_of(size))
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[SEED_SIZE, 700_000])
    parser.add_argument("--stores", nargs="+", default=["memory", "sqlite", "postgresql"])
    parser.add_argument("--calls", type=int, default=300, help="per method")
    options = parser.parse_args()
    with (
        throwaway_postgres_for(options.stores) as postgres,
        tempfile.TemporaryDirectory(prefix="pyaday-store-methods-") as folder,
    ):
        for size in options.sizes:
            for store in options.stores:
                if store == "postgresql" and postgres is None:
                    continue
                url = store_url(store, size, Path(folder), postgres)
                settings = Settings.from_env(
                    {"PYADAY_DATABASE_URL": url, "PYADAY_SEED_CATALOGUE": catalogue_of(size)}
                )
                calls = method_calls(size, options.calls)
                for flavour, results in (
                    ("sync", measure_sync(settings, calls)),
                    ("async", asyncio.run(measure_async(settings, calls))),
                ):
                    for method, measured in results.items():
                        print(
                            f"{store:10} {flavour:5} {size:>7} {method:20}"
                            f" p50 {measured['p50_ms']:7.3f} ms"
                            f"  p99 {measured['p99_ms']:7.3f} ms"
                            f"  CPU {measured['cpu_us']:7.0f} µs/call",
                            flush=True,
                        )


if __name__ == "__main__":
    main()
