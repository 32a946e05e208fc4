"""Drive the local package index (``benchmarks/index.py``) from a test: mode, delay, requests.

One index serves the whole session; a test changes its behaviour for a block and puts it back.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import httpx


class IndexControl:
    def __init__(self, url: str):
        self.url = url
        self._http = httpx.Client(base_url=url, timeout=10.0)

    def state(self) -> dict:
        return self._http.get("/_control").raise_for_status().json()

    def requests(self) -> int:
        """How many ``/pypi/`` requests the index has received since it started."""
        return self.state()["requests"]

    def project(self, name: str) -> dict:
        """The index's own answer for a project, as the apps receive it."""
        return self._http.get(f"/pypi/{name}/json").raise_for_status().json()

    @contextmanager
    def behaving(self, mode: str = "ok", delay_ms: int = 0) -> Iterator[None]:
        before = self.state()
        self._change(mode, delay_ms)
        try:
            yield
        finally:
            self._change(before["mode"], before["delay_ms"])

    def _change(self, mode: str, delay_ms: int) -> None:
        self._http.put("/_control", json={"mode": mode, "delay_ms": delay_ms}).raise_for_status()

    def close(self) -> None:
        self._http.close()
