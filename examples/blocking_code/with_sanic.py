"""Calling blocking and CPU-heavy code from Sanic: in a thread, never on the event loop.

One event loop serves every request of a worker: a call that blocks it holds up them all.

Run: sanic examples.blocking_code.with_sanic:create_app --factory
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sanic import Request, Sanic, json

from examples.blocking_code.legacy import fetch_rate, hash_password


def create_app() -> Sanic:
    app = Sanic("cookbook-blocking-code")
    app.before_server_start(start_hashing_pool)
    app.after_server_stop(stop_hashing_pool)
    app.add_route(rate, "/rates/<currency>")
    app.add_route(password_hash, "/password-hashes", methods=["POST"])
    return app


# region: blocking-library
async def rate(request: Request, currency: str):
    # to_thread runs it in the loop's default thread pool, with this task's context variables
    # (so Request.get_current() works inside).
    value = await asyncio.to_thread(fetch_rate, currency)
    return json({"currency": currency, "rate": value})


# endregion


# region: cpu-heavy
async def start_hashing_pool(app: Sanic) -> None:
    # A pool of its own: a burst of hashing cannot take every thread of the default pool.
    app.ctx.hashing_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hashing")


async def stop_hashing_pool(app: Sanic) -> None:
    app.ctx.hashing_pool.shutdown()


async def password_hash(request: Request):
    password = request.json["password"]
    loop = asyncio.get_running_loop()
    digest = await loop.run_in_executor(request.app.ctx.hashing_pool, hash_password, password)
    return json({"hash": digest})


# endregion
