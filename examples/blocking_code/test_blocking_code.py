"""Blocking and CPU-heavy calls: the same answers, and how to see a Sanic loop being blocked."""

import asyncio
import hashlib
import logging

from sanic import Sanic, json
from sanic_testing.reusable import ReusableClient

from examples.blocking_code import with_sanic
from examples.blocking_code.legacy import SALT, fetch_rate
from examples.servers import free_port


def test_a_blocking_library_call(client):
    response = client.get("/rates/USD")
    assert response.status == 200
    assert response.json == {"currency": "USD", "rate": 1.08}


def test_cpu_heavy_work(client):
    response = client.post("/password-hashes", json={"password": "hunter2"})
    expected = hashlib.pbkdf2_hmac("sha256", b"hunter2", SALT, 100_000).hex()
    assert response.json == {"hash": expected}


# region: spot-a-blocked-loop
def slow_callbacks(caplog) -> list[str]:
    """asyncio's debug mode logs each step of a task that held the loop too long.

    Only the steps of the tasks that run handlers (Sanic's connection_task) count: on a busy
    machine, accepting a connection can take that long too, and no handler is to blame.
    """
    messages = [r.getMessage() for r in caplog.records if r.name == "asyncio"]
    return [m for m in messages if "took" in m and "coro=<connection_task()" in m]


def test_asyncio_debug_mode_names_the_call_that_blocks_the_loop(caplog):
    app = with_sanic.create_app()

    @app.get("/naive/rates/<currency>")
    async def naive_port(request, currency):
        return json({"currency": currency, "rate": fetch_rate(currency)})  # blocks the loop

    # A real server on a loop of our own, started once (the ASGI client would start the app up
    # around every request, itself a slow step in debug mode).
    loop = asyncio.new_event_loop()
    try:
        with ReusableClient(app, loop=loop, port=free_port()) as client:
            # What `sanic ... --debug` (or PYTHONASYNCIODEBUG=1) does: report every step of a
            # task that holds the loop 0.1 s or more (slow_callback_duration). The blocking
            # call takes 0.1 s.
            loop.set_debug(True)
            with caplog.at_level(logging.WARNING, logger="asyncio"):
                client.get("/rates/USD")
                assert slow_callbacks(caplog) == []
                client.get("/naive/rates/USD")
                # "Executing <Task ... coro=<RequestHandler...>> took 0.101 seconds"
                assert len(slow_callbacks(caplog)) == 1, slow_callbacks(caplog)
                print(slow_callbacks(caplog))
    finally:
        loop.close()
        Sanic.unregister_app(app)


# endregion
