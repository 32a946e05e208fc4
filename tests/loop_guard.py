"""The loop guard: the Sanic app under asyncio's debug mode, failing any request that blocked
its event loop for more than 10 ms, and naming the handler that did.

asyncio's debug mode times every callback the loop runs (a task runs as one callback from one
real suspension to the next) and logs ``Executing <...> took 0.050 seconds`` for each one that
took ``slow_callback_duration`` or longer. ``LoopGuardedSanicClient`` catches those log
records during each request and turns them into a failure.

sanic-testing's client cannot be guarded: it starts the whole app (listeners, router) around
every request, in the same callback as the request, so every request would count as slow.
The API suite's Sanic adapter (``tests/clients.py``) starts the app once, through the ASGI
lifespan protocol as an ASGI server does, and sends each request through httpx's ASGI
transport: a callback then holds the request's own work only. This client is that adapter,
on an event loop in debug mode, with the app started before the first request is timed.

Two things the loop did not do are not held against a handler:

- The garbage collector is off during each request: a full collection walks the whole heap of
  the test process (pytest's, mostly), and took up to 58 ms inside requests that were
  otherwise at most 4 ms. It runs between requests instead.
- asyncio times callbacks in wall time. On a machine shared with other work (two cores, other
  test suites), a callback that computes for 4 ms can wait longer than that for a CPU. Linux
  counts that wait for each thread (its run-queue delay, ``/proc/self/task/*/schedstat``); a
  slow callback counts as blocking only when it stays over the threshold with the request's
  run-queue delays taken off: the loop thread's own, and the longest of another thread's (an
  executor thread that holds the GIL while it waits for a CPU holds the loop up too). A
  blocking call (a sleep, IO, a lock) waits without being runnable, so it still counts in full.
"""

import asyncio
import gc
import logging
import threading
from contextlib import contextmanager
from pathlib import Path

from sanic import Sanic

from tests.clients import SanicClient

SLOW_CALLBACK_SECONDS = 0.010
ASYNCIO_SLOW_CALLBACK = "Executing %s took %.3f seconds"
THREADS = Path("/proc/self/task")


def run_queue_delays() -> dict[str, int]:
    """How long each thread of this process has waited, runnable, for a CPU: nanoseconds by
    thread id (empty where Linux does not say)."""
    delays = {}
    for schedstat in THREADS.glob("*/schedstat"):
        try:
            delays[schedstat.parent.name] = int(schedstat.read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
    return delays


def waited_for_a_cpu(before: dict[str, int], after: dict[str, int]) -> float:
    """Seconds the loop waited for a CPU between two readings: its own thread's run-queue
    delay, plus the longest of another thread's (one holding the GIL while it waits for a
    CPU holds the loop up too; the longest, not the sum, as one thread holds it at a time)."""
    grown = {tid: after[tid] - before.get(tid, 0) for tid in after}
    own = grown.pop(str(threading.get_native_id()), 0)
    return (own + max(grown.values(), default=0)) / 1e9


class LoopBlocked(AssertionError):
    """A request's handler held the event loop longer than the guard allows."""


class SlowCallbacks(logging.Handler):
    """Collects asyncio's slow-callback warnings while installed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[tuple[str, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == ASYNCIO_SLOW_CALLBACK:
            callback, seconds = record.args
            self.seen.append((callback, seconds))

    @contextmanager
    def installed(self):
        asyncio_log = logging.getLogger("asyncio")
        asyncio_log.addHandler(self)
        try:
            yield self.seen
        finally:
            asyncio_log.removeHandler(self)
            self.seen = []


@contextmanager
def collector_paused():
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class LoopGuardedSanicClient(SanicClient):
    def __init__(self, app: Sanic):
        super().__init__(app, runner=asyncio.Runner(debug=True))
        self.handlers: list[str] = []  # the handler each request reached, if any
        app.on_request(self._note_handler)
        self.runner.get_loop().slow_callback_duration = SLOW_CALLBACK_SECONDS
        self.slow_callbacks = SlowCallbacks()
        self.start()  # now, not within the first request's time

    def run(self, label: str, call):
        """Run ``call``, the requests it sends, failing if any of them blocked the loop."""
        self.handlers.clear()
        before = run_queue_delays()
        with self.slow_callbacks.installed() as slow, collector_paused():
            result = self.runner.run(call)
            waited = waited_for_a_cpu(before, run_queue_delays())
        blocking = [(c, s) for c, s in slow if s - waited >= SLOW_CALLBACK_SECONDS]
        if blocking:
            handler = ", ".join(self.handlers) or "no handler (routing or an error page)"
            blocked = "; ".join(
                f"{seconds * 1000:.0f} ms in {callback}" for callback, seconds in blocking
            )
            raise LoopBlocked(
                f"{label}: {handler} blocked the event loop: {blocked}"
                f" (of which {waited * 1000:.0f} ms waiting for a CPU)"
            )
        return result

    async def _note_handler(self, request) -> None:
        route = request.route
        self.handlers.append(route.handler.__name__ if route else "no route")
