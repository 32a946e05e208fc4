"""The event loop is never blocked for more than 10 ms: the guard, and the API suite under it.

The guard (``tests/loop_guard.py``) runs the Sanic app under asyncio's debug mode and fails a
request that held the loop longer, naming its handler. One guard serves every store:

- first, it must catch a handler that blocks, on each store;
- then the whole API suite runs under it on the Sanic app, over the memory store (the seed
  catalogue) and over SQLite at PyPI's size, 700,000 packages (``pytest --loop-guard STORE``,
  in a process of its own, as ``tests/live.py`` runs the suite against real servers).
"""

import subprocess
import sys
import time

import pytest

from sanic_app import create_app
from shared.settings import Settings
from tests.conftest import LOOP_GUARD_STORES, empty_store_url
from tests.live import API_TESTS, PROJECT_ROOT
from tests.loop_guard import LoopBlocked, LoopGuardedSanicClient


@pytest.mark.parametrize("kind", LOOP_GUARD_STORES)
def test_the_guard_catches_a_handler_that_blocks_the_loop(kind, request, monkeypatch):
    client = LoopGuardedSanicClient(
        create_app(Settings(database_url=empty_store_url(kind, request)))
    )
    try:
        assert client.get("/rand").status == 200  # the handler as written passes
        store = client.app.ctx.store
        pick = store.pick_random

        async def blocking_pick(draw):
            time.sleep(0.05)  # a blocking call in a coroutine: what the guard is there for
            return await pick(draw)

        monkeypatch.setattr(store, "pick_random", blocking_pick)
        with pytest.raises(LoopBlocked, match=r"^GET /rand: random_package blocked the event"):
            client.get("/rand")
    finally:
        client.close()


@pytest.mark.parametrize("offload", [True, False], ids=["offload", "on the loop"])
def test_the_guard_catches_an_export_compressing_on_the_loop(offload):
    """``PYADAY_EXPORT_OFFLOAD=0`` encodes and compresses each batch on the loop. Over the
    memory store nothing else suspends the handler between batches, so the loop is held for
    the whole export: tens of milliseconds at 5,000 packages. With the offload, it passes."""
    client = LoopGuardedSanicClient(create_app(Settings(export_offload=offload)))
    try:
        if offload:
            assert client.stream("/export")[0].status == 200
        else:
            with pytest.raises(LoopBlocked, match=r"^GET /export: export_catalogue blocked"):
                client.stream("/export")
    finally:
        client.close()


@pytest.mark.parametrize("kind", LOOP_GUARD_STORES)
def test_the_api_suite_never_blocks_the_loop(kind):
    command = [sys.executable, "-m", "pytest", "-q", "-x", f"--loop-guard={kind}", *API_TESTS]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
