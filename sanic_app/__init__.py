"""pyaday in Sanic: the application factory."""

from sanic import Sanic

from sanic_app.errors import register_error_handlers
from sanic_app.packages import blueprint
from shared.catalogue import seed_for
from shared.codec import get_codec
from shared.index_client_async import AsyncIndexClient
from shared.settings import MAX_BODY_BYTES, Settings
from shared.stores import create_async_store


def create_app(settings: Settings | None = None) -> Sanic:
    settings = settings or Settings.from_env()
    codec = get_codec(settings.json_codec)
    # dumps= replaces Sanic's default (ujson when installed) with the shared codec.
    app = Sanic("pyaday", dumps=codec.dumps, loads=codec.loads)
    app.config.update(
        REQUEST_MAX_SIZE=MAX_BODY_BYTES,
        # Our handlers answer every error; keep Sanic's own HTML or text pages out of it.
        FALLBACK_ERROR_FORMAT="json",
        # Installed sanic-ext would otherwise attach itself: OPTIONS, HEAD, CORS and /docs routes.
        AUTO_EXTEND=False,
    )
    app.ctx.settings = settings
    app.ctx.codec = codec
    open_store(app, settings)
    open_index_client(app, settings)
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
