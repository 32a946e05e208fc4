"""What an async HTTP client costs per request while many requests wait on a slow server: the
price behind the ``upstream`` scenario of ``make bench``.

``python -m benchmarks.index_clients [--users 10 100] [--seconds 4] [--delay-ms 50]`` starts the
local package index (``benchmarks/index.py``) on core 1, answering after the delay; then, in
this process on core 0 and on uvloop (as Sanic runs), ``users`` tasks each fetch a package's
JSON one after another for ``seconds``, through each client in turn, 100 connections each:

- ``httpx.AsyncClient``, one pool of 100;
- ``httpx-pools``: 25 ``httpx.AsyncClient`` of 4 connections, taken in turn, as pyaday's
  Sanic app holds them (``shared/index_client_async.py``, ``shared/releases.py``);
- ``httpx2.AsyncClient``, its fork, whose connection pool no longer walks every connection and
  every waiting request on each request;
- ``aiohttp.ClientSession``.

It prints each client's requests per second and this process's CPU time per request. The
machine may be shared: the CPU per request is the figure to compare.
"""

import argparse
import asyncio
import itertools
import os
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
import httpx2
import uvloop

from benchmarks.scenarios import seed_names
from benchmarks.servers import running_index
from shared.model import normalize_name
from shared.releases import CONNECTIONS_PER_POOL

CLIENT_CPU, INDEX_CPU = 0, 1
POOL = 100  # pyaday's PYADAY_INDEX_POOL_SIZE default


def open_httpx(module) -> tuple[Callable[[str], Awaitable], Callable[[], Awaitable]]:
    limits = module.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    client = module.AsyncClient(limits=limits, timeout=60.0)

    async def fetch(url: str) -> None:
        (await client.get(url)).raise_for_status()

    return fetch, client.aclose


def open_httpx_pools() -> tuple[Callable[[str], Awaitable], Callable[[], Awaitable]]:
    limits = httpx.Limits(
        max_connections=CONNECTIONS_PER_POOL, max_keepalive_connections=CONNECTIONS_PER_POOL
    )
    clients = [
        httpx.AsyncClient(limits=limits, timeout=60.0) for _ in range(POOL // CONNECTIONS_PER_POOL)
    ]
    turn = itertools.cycle(clients)

    async def fetch(url: str) -> None:
        (await next(turn).get(url)).raise_for_status()

    async def close() -> None:
        await asyncio.gather(*(client.aclose() for client in clients))

    return fetch, close


def open_aiohttp() -> tuple[Callable[[str], Awaitable], Callable[[], Awaitable]]:
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=POOL), timeout=aiohttp.ClientTimeout(60)
    )

    async def fetch(url: str) -> None:
        async with session.get(url) as response:
            response.raise_for_status()
            await response.read()

    return fetch, session.close


CLIENTS = {
    "httpx": lambda: open_httpx(httpx),
    "httpx-pools": open_httpx_pools,
    "httpx2": lambda: open_httpx(httpx2),
    "aiohttp": open_aiohttp,
}


async def measure(client: str, index_url: str, users: int, seconds: float) -> tuple[int, float]:
    """Requests answered, and CPU seconds spent, by ``users`` tasks for ``seconds``."""
    fetch, close = CLIENTS[client]()
    names = [normalize_name(name) for name in seed_names()]
    draw = random.Random(0)
    done = 0

    async def user() -> None:
        nonlocal done
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await fetch(f"{index_url}/pypi/{draw.choice(names)}/json")
            done += 1

    started = time.process_time()
    try:
        await asyncio.gather(*(user() for _ in range(users)))
    finally:
        await close()
    return done, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--delay-ms", type=int, default=50)
    parser.add_argument("--clients", nargs="+", choices=list(CLIENTS), default=list(CLIENTS))
    options = parser.parse_args()
    log = Path(f"/tmp/pyaday-index-clients-{os.getpid()}.log")
    with running_index(log, delay_ms=options.delay_ms, cpus=[INDEX_CPU]) as url:
        os.sched_setaffinity(0, {CLIENT_CPU})
        for users in options.users:
            for client in options.clients:
                done, cpu = uvloop.run(measure(client, url, users, options.seconds))
                print(
                    f"{client:11} {users:4} users  {done / options.seconds:7,.0f} req/s  "
                    f"CPU {cpu / done * 1e6:7,.0f} µs/request",
                    flush=True,
                )
    log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
