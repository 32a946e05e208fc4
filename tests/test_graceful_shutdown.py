"""SIGTERM while 100 requests are in flight: each one completes, then connections are refused.

Each production server (gunicorn with ``flask_app/server.py``, Sanic's own server), two workers,
on a SQLite file. 100 connections are opened, then each sends a search that answers 100
packages (a few milliseconds of work each), and SIGTERM follows the last one at once, to the
main process only, as Kubernetes sends it: the requests are queued or running. Then:

- every one of the 100 gets its whole 200 answer (zero failures);
- new connections tried during the shutdown are served whole or refused at connect time, never
  reset after the request was sent; after the exit, a connection is refused;
- the process exits within ``PYADAY_GRACEFUL_TIMEOUT``;
- the store was closed: SQLite removes its write-ahead log when the last connection closes.

A delayed upstream (``GET /packages/{name}/releases`` against a slow local index) would give
requests that stay in flight longer; until that route exists, concurrency makes the queue.
"""

import asyncio
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from benchmarks.servers import running_server, settle_sanic
from tests.conftest import sqlite_url

IN_FLIGHT = 100
GRACEFUL_TIMEOUT = 10
SLOW_ISH = b"GET /packages?q=e&per_page=100 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
HEALTH = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


@dataclass
class Answer:
    status: int | None  # None: no whole answer
    failure: str = ""
    first_byte_at: float = 0.0


async def read_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Answer:
    """Read one whole answer on a connection whose request was sent, then close it."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        first_byte_at = time.monotonic()
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.lower().split(b"\r\n")
            if line.startswith(b"content-length:")
        )
        await reader.readexactly(length)
        return Answer(status, first_byte_at=first_byte_at)
    except (ConnectionError, asyncio.IncompleteReadError) as error:
        return Answer(None, failure=type(error).__name__)
    finally:
        writer.close()


async def exchange(host: str, port: int, request: bytes) -> Answer:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request)
    return await read_answer(reader, writer)


async def new_connections_until_refused(host: str, port: int) -> Counter:
    """Try a new connection every 20 ms until one is refused at connect time."""
    outcomes: Counter = Counter()
    while True:
        try:
            answer = await exchange(host, port, HEALTH)
        except ConnectionRefusedError:
            outcomes["refused"] += 1
            return outcomes
        outcomes["served" if answer.status == 200 else f"failed: {answer.failure}"] += 1
        await asyncio.sleep(0.02)


@dataclass
class Shutdown:
    answers: list[Answer]
    newcomers: Counter
    signalled_at: float
    exited_in: float


async def exit_time(process: subprocess.Popen, since: float) -> float:
    while process.poll() is None:
        await asyncio.sleep(0.01)
    return time.monotonic() - since


async def terminate_under_load(host: str, port: int, process: subprocess.Popen) -> Shutdown:
    """Connect 100 times; send the 100 requests and SIGTERM with no pause between; read."""
    connections = await asyncio.wait_for(
        asyncio.gather(*(asyncio.open_connection(host, port) for _ in range(IN_FLIGHT))), 10.0
    )
    for _reader, writer in connections:
        writer.write(SLOW_ISH)  # straight to the socket: nothing else runs until the signal
    process.send_signal(signal.SIGTERM)
    signalled_at = time.monotonic()
    requests = [asyncio.create_task(read_answer(*connection)) for connection in connections]
    exited = asyncio.create_task(exit_time(process, signalled_at))
    newcomers = asyncio.create_task(new_connections_until_refused(host, port))
    bounded = GRACEFUL_TIMEOUT + 5
    answers = await asyncio.wait_for(asyncio.gather(*requests), timeout=bounded)
    return Shutdown(
        answers,
        await asyncio.wait_for(newcomers, timeout=bounded),
        signalled_at,
        await asyncio.wait_for(exited, timeout=bounded),
    )


@pytest.mark.parametrize("served_by", ["flask", "sanic"])
def test_sigterm_with_100_requests_in_flight_loses_none(served_by, tmp_path):
    env = {
        "PYADAY_DATABASE_URL": sqlite_url(tmp_path / "pyaday.db"),
        "PYADAY_GRACEFUL_TIMEOUT": str(GRACEFUL_TIMEOUT),
    }
    with running_server(served_by, tmp_path / "server.log", env=env, workers=2) as server:
        if served_by == "sanic":
            settle_sanic(server.log_path, workers=2)
        host, port = server.url.removeprefix("http://").split(":")
        shutdown = asyncio.run(terminate_under_load(host, int(port), server.process))
    log = server.log_path.read_text(errors="replace")[-3000:]
    answers = shutdown.answers
    in_flight = sum(
        answer.status is None or answer.first_byte_at > shutdown.signalled_at for answer in answers
    )
    failures = Counter(answer.failure for answer in answers if answer.status != 200)
    print(
        f"\n{served_by}: {in_flight} of {IN_FLIGHT} requests in flight at SIGTERM, "
        f"{sum(failures.values())} failed; new connections during shutdown: "
        f"{dict(shutdown.newcomers)}; exited {shutdown.exited_in:.2f} s after SIGTERM"
    )
    assert not failures, f"{failures}\n{log}"
    assert in_flight >= IN_FLIGHT // 2, "too few requests were still in flight to test anything"
    assert set(shutdown.newcomers) <= {"served", "refused"}, shutdown.newcomers
    assert server.process.returncode == 0, log
    assert shutdown.exited_in < GRACEFUL_TIMEOUT, log
    # That the store closes is tests/test_launch.py's check (one worker): with two, both may
    # close at the same moment, and then neither gets the lock SQLite needs to remove its WAL.
