"""The API suite over real HTTP against a real gunicorn and a real Sanic server: the live suite.

Every API test that takes ``api`` (``tests/test_api*.py``) also runs as ``[live-flask]`` and
``[live-sanic]``, marked ``live``: over httpx against the production server of that framework
(``flask_app/server.py`` under gunicorn, ``sanic_app/server.py``), started once per test
process at its first live test and asking the session's local package index. Each
pytest-xdist worker has servers of its own, so a live test sees no other worker's writes; the
suite is live-safe (unique names, cleaned up), so the tests of one worker share them.
``tests/test_parity.py`` compares the two servers byte for byte on a pair of its own.

``python -m tests.live`` runs the live tests alone (``pytest -m live``).
"""

import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from benchmarks.servers import PROJECT_ROOT, running_server
from tests.clients import CURATOR_TOKEN

API_TESTS = sorted(
    str(path.relative_to(PROJECT_ROOT)) for path in PROJECT_ROOT.glob("tests/test_api*.py")
)
# The production server of each framework, by the name the live tests' ids give it.
SERVED_BY = ("flask", "sanic")
# Short, so that the tests of an index too slow or silent wait little; still far above what
# the local index takes to answer.
INDEX_TIMEOUT = "0.5"


def live_settings(index_url: str) -> dict[str, str]:
    """The ``PYADAY_*`` settings of a live server: the test token, the memory store."""
    return {
        "PYADAY_CURATOR_TOKENS": CURATOR_TOKEN,
        "PYADAY_DATABASE_URL": "memory://",
        "PYADAY_INDEX_URL": index_url,
        "PYADAY_INDEX_TIMEOUT": INDEX_TIMEOUT,
    }


class LiveServers:
    """One production server per framework for this process, each started at its first use."""

    def __init__(self, stack: ExitStack, index_url: str, log_folder: Path) -> None:
        self.stack = stack
        self.index_url = index_url
        self.log_folder = log_folder
        self.urls: dict[str, str] = {}

    def url(self, framework: str) -> str:
        if framework not in self.urls:
            log = self.log_folder / f"{framework}.log"
            serving = running_server(framework, log, env=live_settings(self.index_url))
            self.urls[framework] = self.stack.enter_context(serving).url
        return self.urls[framework]


if __name__ == "__main__":
    sys.exit(pytest.main(["-m", "live", "-p", "no:cacheprovider", *sys.argv[1:]]))
