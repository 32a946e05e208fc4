"""Each read route with one user, on each store, at two catalogue sizes: latency and CPU.

``python -m benchmarks.one_user [--sizes 5000 700000] [--stores memory sqlite postgresql]
[--requests 300]`` seeds each SQL store once per size (``shared.stores.seed``; PostgreSQL is a
throwaway server, as in the tests), starts each app's production server with one worker on
core 0, and sends each route's requests one after the other from this process, on core 1. It
prints, per route, the latency's p50 and p99 and the server's CPU time per request.

One user, no concurrency: these figures show what a request costs and how that grows from
5,000 to 700,000 packages, not how much load a server takes (that is ``make bench``).
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from benchmarks.measure import cpu_seconds_between, tree_processes
from benchmarks.postgres import throwaway_postgres_for
from benchmarks.scenarios import SEARCH_TERMS
from benchmarks.servers import FRAMEWORKS, running_server
from shared import routes
from shared.catalogue import seed_packages
from shared.settings import SEED_SIZE
from shared.stores.seed import seed_store
from shared.stores.sqlite import sqlite_url

SERVER_CPU, CLIENT_CPU = 0, 1


def catalogue_of(size: int) -> str:
    return "1" if size == SEED_SIZE else f"synthetic:{size}"


def route_paths(size: int, count: int) -> dict[str, list[str]]:
    """The requests of each route: real names, dates, search terms, pages deep into the list."""
    draw = random.Random(size)
    names = [package.name for package in seed_packages()]
    days = [date(2026, 1, 1) + timedelta(days=day) for day in range(count)]
    return {
        "GET /rand": [routes.RANDOM] * count,
        "GET /packages/{name}": [routes.package_path(draw.choice(names)) for _ in range(count)],
        "GET /packages (page 1)": [routes.PACKAGES] * count,
        "GET /packages (deep page)": [
            f"{routes.PACKAGES}?page={draw.randrange(1, size // 20)}" for _ in range(count)
        ],
        "GET /packages?q= (3+ chars)": [
            f"{routes.PACKAGES}?q={SEARCH_TERMS[i % len(SEARCH_TERMS)]}" for i in range(count)
        ],
        "GET /daily": [f"{routes.DAILY}?date={day.isoformat()}" for day in days],
    }


def tree_cpu_seconds(pid: int) -> dict[int, float]:
    """CPU seconds of each process of a tree, in nanoseconds' resolution: the sum of its
    threads' on-CPU time in Linux's schedstat (psutil's counts in 10 ms ticks)."""
    seconds = {}
    for process in tree_processes(pid):
        try:
            threads = Path(f"/proc/{process.pid}/task").iterdir()
            seconds[process.pid] = (
                sum(int((thread / "schedstat").read_text().split()[0]) for thread in threads) / 1e9
            )
        except OSError:  # it exited between the listing and the reading
            continue
    return seconds


def measure_routes(url: str, pid: int, paths: dict[str, list[str]]) -> dict[str, dict]:
    results = {}
    with httpx.Client(base_url=url, timeout=30.0) as client:
        for route, route_paths_ in paths.items():
            for path in route_paths_[:20]:  # warm-up: caches, prepared statements
                client.get(path)
            latencies = []
            cpu_before = tree_cpu_seconds(pid)
            for path in route_paths_:
                started = time.perf_counter()
                response = client.get(path)
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200, (path, response.status_code)
            cpu = cpu_seconds_between(cpu_before, tree_cpu_seconds(pid))
            latencies.sort()
            results[route] = {
                "p50_ms": statistics.median(latencies) * 1000,
                "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
                "cpu_us": cpu / len(latencies) * 1e6,
            }
    return results


def store_urls(stores: list[str], size: int, folder: Path, postgres) -> dict[str, str]:
    urls = {}
    for store in stores:
        if store == "memory":
            urls[store] = "memory://"
        elif store == "sqlite":
            urls[store] = sqlite_url(Path(folder) / f"pyaday-{size}.db")
        elif postgres is not None:
            urls[store] = postgres.url(postgres.create_schema())
        if store != "memory" and store in urls:
            print(f"seeding {store} with {catalogue_of(size)}", flush=True)
            seed_store(urls[store], catalogue_of(size))
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[SEED_SIZE, 700_000])
    parser.add_argument("--stores", nargs="+", default=["memory", "sqlite", "postgresql"])
    parser.add_argument("--frameworks", nargs="+", default=list(FRAMEWORKS))
    parser.add_argument("--requests", type=int, default=300, help="per route")
    options = parser.parse_args()
    os.sched_setaffinity(0, {CLIENT_CPU})
    rows: dict[tuple, dict] = {}
    with (
        throwaway_postgres_for(options.stores) as postgres,
        tempfile.TemporaryDirectory(prefix="pyaday-one-user-") as folder,
    ):
        for size in options.sizes:
            urls = store_urls(options.stores, size, Path(folder), postgres)
            for store, url in urls.items():
                env = {"PYADAY_DATABASE_URL": url, "PYADAY_SEED_CATALOGUE": catalogue_of(size)}
                for framework in options.frameworks:
                    log = Path(folder) / f"{framework}-{store}-{size}.log"
                    with running_server(
                        framework, log, env=env, cpus=[SERVER_CPU], startup_timeout=120
                    ) as server:
                        paths = route_paths(size, options.requests)
                        measured = measure_routes(server.url, server.process.pid, paths)
                    for route, figures in measured.items():
                        rows[route, store, framework, size] = figures
                        print(row_text(route, store, framework, size, figures), flush=True)
    print_growth(rows, options.sizes)


def row_text(route: str, store: str, framework: str, size: int, figures: dict) -> str:
    return (
        f"{route:28} {store:10} {framework:6} {size:>7}  p50 {figures['p50_ms']:6.2f} ms"
        f"  p99 {figures['p99_ms']:6.2f} ms  CPU {figures['cpu_us']:6.0f} µs/request"
    )


def print_growth(rows: dict, sizes: list[int]) -> None:
    """How each route's p99 grows from the smallest size to the largest."""
    small, large = min(sizes), max(sizes)
    if small == large:
        return
    print(f"\np99 at {large:,} / p99 at {small:,} packages")
    for route, store, framework, size in rows:
        if size == small and (route, store, framework, large) in rows:
            growth = (
                rows[route, store, framework, large]["p99_ms"]
                / rows[route, store, framework, small]["p99_ms"]
            )
            print(f"{route:28} {store:10} {framework:6} {growth:5.2f}x")


if __name__ == "__main__":
    main()
