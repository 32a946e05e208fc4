"""pyaday in Sanic: the application factory."""

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
from shared.settings import MAX_BODY_BYTES, MAX_HEAD_BYTES, Settings
from shared.stores import create_async_store

APP_NAME = "pyaday"


def create_app(settings: Settings | None = None) -> Sanic:
    settings = settings or Settings.from_env()
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


def open_index_client(app: Sanic, settings: Settings) -> None:
    """One pooled HTTP client per worker, opened in its event loop and closed after it stops."""
    app.ctx.index_client = AsyncIndexClient(settings)

    @app.before_server_start
    async def connect_index(app: Sanic) -> None:
        await app.ctx.index_client.open()

    @app.after_server_stop
    async def disconnect_index(app: Sanic) -> None:
        await app.ctx.index_client.close()
