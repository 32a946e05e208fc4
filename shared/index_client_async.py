"""The package index client, asynchronous: ``httpx.AsyncClient``. Twin of ``index_client.py``."""

import asyncio
from itertools import cycle

import httpx

from shared.releases import (
    OFFLOAD_ANSWER_BYTES,
    Answer,
    client_options,
    index_errors,
    pool_sizes,
    project_url,
    releases_body,
)
from shared.settings import Settings


class AsyncIndexClient:
    """Opened in each worker's event loop: an ``AsyncClient`` belongs to the loop it runs on.

    ``open`` may follow ``close`` on the same object: sanic-testing's ASGI client runs the
    server listeners around every request.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        # Once open: the pools, and ``_next_pool``, which takes them in turn.
        self._pools: list[httpx.AsyncClient] = []

    async def open(self) -> None:
        self._pools = [
            httpx.AsyncClient(**client_options(self._settings, size))
            for size in pool_sizes(self._settings)
        ]
        self._next_pool = cycle(self._pools)

    async def close(self) -> None:
        for pool in self._pools:
            await pool.aclose()

    # region: releases
    async def releases(self, normalized_name: str) -> dict:
        """The route's body for one package, or the problem (404, 502, 504) the index means."""
        answer = Answer(self._settings.index_timeout)
        url = project_url(self._settings.index_url, normalized_name)
        with index_errors(normalized_name, answer):
            async with next(self._next_pool).stream("GET", url) as response:
                async for chunk in response.aiter_bytes():
                    answer.add(chunk)
        status, body = response.status_code, answer.body()
        if len(body) > OFFLOAD_ANSWER_BYTES:
            # Decoding a large answer is CPU work: on the loop, it would stall every request.
            return await asyncio.to_thread(releases_body, normalized_name, status, body)
        return releases_body(normalized_name, status, body)

    # endregion
