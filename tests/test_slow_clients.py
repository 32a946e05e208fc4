"""Slow clients cannot starve either app in its production configuration.

50 connections each trickle ``GET /rand HTTP/1.1\\r\\nHost: x\\r\\n`` one byte a second, while
another client's requests must each be answered within 1 s. Production is nginx in front of one
gunicorn sync worker for Flask (``make run-flask``), Sanic's own server for Sanic. gunicorn
alone, as ``make bench`` measures it, is the control: one trickling client holds its only
worker, so the other client gets no answer.
"""

import asyncio
import os
import time
from contextlib import contextmanager

import httpx
import pytest

from benchmarks.servers import free_port, running_server
from deploy.flask_behind_nginx import NGINX_MISSING_HELP, find_nginx, flask_behind_nginx

SLOW_CLIENTS = 50
TRICKLE = b"GET /rand HTTP/1.1\r\nHost: x\r\n"  # never finished: no blank line
ANSWER_WITHIN_S = 1.0
TRICKLING_BEFORE_PROBES_S = 1.5
PROBES = 4  # one every half second, while the slow clients go on trickling
PROBE_PATHS = ("/health", "/rand")


@contextmanager
def serving(setup: str, tmp_path):
    """Yields the URL of the set-up, one worker each, on a free port."""
    if setup == "flask: nginx + gunicorn":
        if find_nginx() is None:
            pytest.skip(NGINX_MISSING_HELP)
        env = {**os.environ, "PYADAY_PORT": str(free_port()), "PYADAY_WORKERS": "1"}
        with flask_behind_nginx(tmp_path / "nginx", env, tmp_path) as deployment:
            yield deployment.url
    else:
        framework = "sanic" if setup == "sanic" else "flask"
        with running_server(framework, tmp_path / f"{framework}.log", workers=1) as server:
            yield server.url


async def trickle(host: str, port: int, started: asyncio.Event, count: list[int]) -> None:
    """Send the request line and a header one byte a second, until cancelled."""
    _reader, writer = await asyncio.open_connection(host, port)
    try:
        for index in range(len(TRICKLE)):
            writer.write(TRICKLE[index : index + 1])
            await writer.drain()
            if index == 0:
                count[0] += 1
                if count[0] == SLOW_CLIENTS:
                    started.set()
            await asyncio.sleep(1.0)
    finally:
        writer.close()


async def probe(url: str, probes: int) -> list[float | None]:
    """Seconds each probe took to be answered (None: not within the limit)."""
    delays: list[float | None] = []
    async with httpx.AsyncClient(base_url=url, timeout=ANSWER_WITHIN_S) as client:
        for number in range(probes):
            started = time.monotonic()
            try:
                response = await client.get(PROBE_PATHS[number % len(PROBE_PATHS)])
                assert response.status_code == 200, response.text
                delays.append(time.monotonic() - started)
            except httpx.TimeoutException:
                delays.append(None)
            await asyncio.sleep(0.5)
    return delays


async def probe_while_trickling(url: str, probes: int = PROBES) -> list[float | None]:
    host, port = httpx.URL(url).host, httpx.URL(url).port
    all_connected, connected = asyncio.Event(), [0]
    slow = [
        asyncio.create_task(trickle(host, port, all_connected, connected))
        for _ in range(SLOW_CLIENTS)
    ]
    try:
        await asyncio.wait_for(all_connected.wait(), timeout=10.0)
        await asyncio.sleep(TRICKLING_BEFORE_PROBES_S)
        return await probe(url, probes)
    finally:
        for task in slow:
            task.cancel()
        await asyncio.gather(*slow, return_exceptions=True)


@pytest.mark.parametrize("setup", ["flask: nginx + gunicorn", "sanic"])
def test_50_slow_clients_do_not_starve_production(setup, tmp_path):
    with serving(setup, tmp_path) as url:
        delays = asyncio.run(probe_while_trickling(url))
    assert None not in delays, f"{setup}: probes unanswered within {ANSWER_WITHIN_S} s: {delays}"
    slowest_ms = max(delays) * 1000
    print(
        f"\n{setup}: {SLOW_CLIENTS} slow clients held; {PROBES} probes, slowest {slowest_ms:.0f} ms"
    )


def test_gunicorn_alone_is_starved_by_them(tmp_path):
    """The control: without nginx, the one sync worker waits on a slow client's header."""
    with serving("gunicorn alone", tmp_path) as url:
        delays = asyncio.run(probe_while_trickling(url, probes=1))
    assert delays == [None]
