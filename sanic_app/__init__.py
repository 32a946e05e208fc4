"""pyaday in Sanic: the application factory."""

import asyncio
import signal
import socket
import struct
import time
from argparse import Namespace
from contextlib import suppress

from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.http import Http

from sanic_app.errors import register_error_handlers
from sanic_app.packages import blueprint
from sanic_app.web import TargetRequest, refuse_large_body
from shared.catalogue import seed_for
from shared.codec import get_codec
from shared.http1 import parse_size
from shared.index_client_async import AsyncIndexClient
from shared.settings import MAX_BODY_BYTES, MAX_HEAD_BYTES, Settings, settings_for_factory
from shared.stores import create_async_store

APP_NAME = "pyaday"


# region: factory
def create_app(settings: Settings | Namespace | None = None) -> Sanic:
    """The app, with the given settings or those of ``PYADAY_*``."""
    settings = settings_for_factory(settings)
    codec = get_codec(settings.json_codec)
    # Sanic registers app names process-wide and refuses a second "pyaday" outside its test
    # mode (Flask keeps no such registry): the newest app takes the name, as in test mode.
    with suppress(SanicException):
        Sanic.unregister_app(Sanic.get_app(APP_NAME))
    # No dumps=: it would set one codec for every app in the process (web.json_response).
    app = Sanic(APP_NAME, request_class=TargetRequest)
    app.config.update(
        REQUEST_MAX_SIZE=MAX_BODY_BYTES,
        REQUEST_MAX_HEADER_SIZE=MAX_HEAD_BYTES,
        # Our handlers answer every error; keep Sanic's own HTML or text pages out of it.
        FALLBACK_ERROR_FORMAT="json",
        # Installed sanic-ext would otherwise attach itself: OPTIONS, HEAD, CORS and /docs routes.
        AUTO_EXTEND=False,
        # Set here, not in server.py, so that every launch (the sanic CLI too) has them.
        # Seconds a connection may stay silent while it sends a request: then 408 and closed.
        # Sanic counts from the last byte received, so a client trickling its headers is held
        # on: at the price of a socket in the event loop (a gunicorn sync worker would be held
        # whole; nginx shields those, see deploy/nginx.conf).
        REQUEST_TIMEOUT=10,
        # Seconds a handler may run before a 503: gunicorn's worker timeout (flask_app/server.py).
        RESPONSE_TIMEOUT=30,
        # Seconds an idle keep-alive connection stays open (Sanic's default is 120): enough for
        # a client sending its next request at once; gunicorn's sync worker keeps none.
        KEEP_ALIVE_TIMEOUT=15,
        # Seconds the requests in flight get to finish after SIGTERM (gunicorn: graceful_timeout).
        GRACEFUL_SHUTDOWN_TIMEOUT=settings.graceful_timeout,
    )
    # Sanic reads Content-Length and chunk sizes with int(), which also takes "0x2d" or "٢".
    Http._safe_int = staticmethod(parse_size)
    app.ctx.settings = settings
    app.ctx.codec = codec
    open_store(app, settings)
    open_index_client(app, settings)
    # The head and the target are checked as the request is built (TargetRequest); the size
    # of the body once a route matched.
    app.on_request(refuse_large_body)
    shut_down_gracefully(app)
    app.blueprint(blueprint)
    register_error_handlers(app)
    return app


# endregion


# region: open-store
def open_store(app: Sanic, settings: Settings) -> None:
    """Connect in each worker's event loop, before it serves, and disconnect after it stops."""
    app.ctx.store = create_async_store(settings)

    @app.before_server_start
    async def connect(app: Sanic) -> None:
        await app.ctx.store.open(seed_for(settings))

    @app.after_server_stop
    async def disconnect(app: Sanic) -> None:
        await app.ctx.store.close()


# endregion


# region: open-index-client
def open_index_client(app: Sanic, settings: Settings) -> None:
    """The pooled HTTP clients of this worker, opened in its event loop, closed after it stops."""
    app.ctx.index_client = AsyncIndexClient(settings)

    @app.before_server_start
    async def connect_index(app: Sanic) -> None:
        await app.ctx.index_client.open()

    @app.after_server_stop
    async def disconnect_index(app: Sanic) -> None:
        await app.ctx.index_client.close()


# endregion


def shut_down_gracefully(app: Sanic) -> None:
    """At SIGTERM or SIGINT, serve every connection already queued, then refuse new ones.

    Sanic's main process binds the listening socket for its workers and keeps its copy until
    they have all exited, so through a graceful shutdown new connections queue where no worker
    accepts them any more, then are reset; and a stopping worker closes its copy at once, so the
    connections queued already are reset too (gunicorn's sync worker did the same: see
    flask_app/server.py). Here the main process closes its copy at the signal, as gunicorn's
    master does, and each worker accepts until the queue is empty before it stops.
    """

    @app.main_process_ready
    async def close_listeners_at_the_signal(app: Sanic) -> None:
        listeners = [info.settings["sock"] for info in app.state.server_info]
        stop_workers = signal.getsignal(signal.SIGTERM)  # Sanic's manager's handler

        def shutdown(signum, frame) -> None:
            for listener in listeners:
                if listener is not None:
                    listener.close()
            stop_workers(signum, frame)

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, shutdown)

    @app.before_server_stop
    async def accept_what_is_queued(app: Sanic) -> None:
        """Accept until the queue has stayed empty a moment: a connection just accepted has that
        long to send its request before Sanic closes the connections that sent nothing."""
        listeners = [info.settings.get("sock") for info in app.state.server_info]
        if not any(listeners):
            return  # served over ASGI: the ASGI server owns the socket
        deadline = time.monotonic() + app.config.GRACEFUL_SHUTDOWN_TIMEOUT
        quiet_since = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.05:
            if any(map(queued_connections, listeners)):
                quiet_since = time.monotonic()
            await asyncio.sleep(0.005)  # the server goes on accepting meanwhile


def queued_connections(listener: socket.socket | None) -> int:
    """How many connections wait in a listening socket's accept queue: Linux's TCP_INFO gives it
    as tcpi_unacked (what ``ss -l`` shows as Recv-Q). 0 where the system does not tell."""
    if listener is None or listener.fileno() < 0 or not hasattr(socket, "TCP_INFO"):
        return 0
    info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 32)
    return struct.unpack_from("I", info, 24)[0]  # after 8 one-byte fields and 4 words
