"""pyaday in Sanic: the application factory."""

from argparse import Namespace

from sanic import Sanic

from sanic_app.errors import register_error_handlers
from sanic_app.packages import blueprint
from shared.catalogue import seed_for
from shared.codec import get_codec
from shared.settings import MAX_BODY_BYTES, Settings, settings_for_factory
from shared.stores import create_async_store


def create_app(settings: Settings | Namespace | None = None) -> Sanic:
    """The app, with the given settings or those of ``PYADAY_*``."""
    settings = settings_for_factory(settings)
    codec = get_codec(settings.json_codec)
    # dumps= replaces Sanic's default (ujson when installed) with the shared codec.
    app = Sanic("pyaday", dumps=codec.dumps, loads=codec.loads)
    app.config.update(
        REQUEST_MAX_SIZE=MAX_BODY_BYTES,
        # Our handlers answer every error; keep Sanic's own HTML or text pages out of it.
        FALLBACK_ERROR_FORMAT="json",
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
    app.ctx.settings = settings
    app.ctx.codec = codec
    open_store(app, settings)
    app.blueprint(blueprint)
    register_error_handlers(app)
    return app


def open_store(app: Sanic, settings: Settings) -> None:
    """Connect in each worker's event loop, before it serves, and disconnect after it stops."""
    app.ctx.store = create_async_store(settings)

    @app.before_server_start
    async def connect(app: Sanic) -> None:
        await app.ctx.store.open(seed_for(settings))

    @app.after_server_stop
    async def disconnect(app: Sanic) -> None:
        await app.ctx.store.close()
