"""The package index client, synchronous: ``httpx.Client``. ``index_client_async.py`` is its twin.

One client per worker process, opened with the app and closed with it, as the stores are: its
pool keeps connections to the index open between requests. What to ask and how to read the
answer live in ``shared/releases.py``; this class only does the IO.
"""

import httpx

from shared.releases import Answer, client_options, index_errors, project_url, releases_body
from shared.settings import Settings


class IndexClient:
    """Safe to share between threads (httpx's ``Client`` is), so one serves gthread workers."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._http: httpx.Client | None = None

    def open(self) -> None:
        self._http = httpx.Client(**client_options(self._settings))

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    # region: releases
    def releases(self, normalized_name: str) -> dict:
        """The route's body for one package, or the problem (404, 502, 504) the index means."""
        answer = Answer(self._settings.index_timeout)
        url = project_url(self._settings.index_url, normalized_name)
        with index_errors(normalized_name, answer), self._http.stream("GET", url) as response:
            for chunk in response.iter_bytes():
                answer.add(chunk)
        status, body = response.status_code, answer.body()
        return releases_body(normalized_name, status, body)

    # endregion
