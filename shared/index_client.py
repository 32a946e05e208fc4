"""The package index client, synchronous: ``httpx.Client``. ``index_client_async.py`` is its twin.

One set of clients per worker process, opened with the app and closed with it, as the stores
are: their pools keep connections to the index open between requests. Several clients with
small pools, taken in turn, rather than one with a large pool: see ``CONNECTIONS_PER_POOL``.
What to ask and how to read the answer live in ``shared/releases.py``; this class only does
the IO.
"""

from itertools import cycle

import httpx

from shared.releases import (
    Answer,
    client_options,
    index_errors,
    pool_sizes,
    project_url,
    releases_body,
)
from shared.settings import Settings


class IndexClient:
    """Safe to share between threads (httpx's ``Client`` is, and ``next`` on a ``cycle`` is
    atomic), so one serves gthread workers."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        # Once open: the pools, and ``_next_pool``, which takes them in turn.
        self._pools: list[httpx.Client] = []

    def open(self) -> None:
        self._pools = [
            httpx.Client(**client_options(self._settings, size))
            for size in pool_sizes(self._settings)
        ]
        self._next_pool = cycle(self._pools)

    def close(self) -> None:
        for pool in self._pools:
            pool.close()

    # region: releases
    def releases(self, normalized_name: str) -> dict:
        """The route's body for one package, or the problem (404, 502, 504) the index means."""
        answer = Answer(self._settings.index_timeout)
        url = project_url(self._settings.index_url, normalized_name)
        with (
            index_errors(normalized_name, answer),
            next(self._next_pool).stream("GET", url) as response,
        ):
            for chunk in response.iter_bytes():
                answer.add(chunk)
        status, body = response.status_code, answer.body()
        return releases_body(normalized_name, status, body)

    # endregion
