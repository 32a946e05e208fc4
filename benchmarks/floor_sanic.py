"""The floor: the least a Sanic app can do to answer like pyaday's ``/``, ``GET /rand`` and
``GET /packages/{name}/releases``.

``/`` and ``/rand`` answer one fixed body, encoded on every request through the same codec and
response helper as pyaday; ``/releases`` asks the package index through the same client and
reads its answer with the same code as pyaday, without looking the package up in a store
first. Served with the same Sanic run config: ``python -m benchmarks.floor_sanic``. Whatever
pyaday costs beyond this app is pyaday's own. Twin: ``floor_flask.py``.
"""

from sanic import Request, Sanic
from sanic.worker.loader import AppLoader

from sanic_app.server import run_config
from sanic_app.web import json_response
from shared import bodies, releases, routes
from shared.catalogue import seed_packages
from shared.codec import get_codec
from shared.index_client_async import AsyncIndexClient
from shared.model import normalize_name
from shared.settings import Settings

# A real package's body, built once: the floor pays for encoding it, not for building it.
BODY = seed_packages()[0].to_dict()


def create_app(settings: Settings | None = None) -> Sanic:
    settings = settings or Settings.from_env()
    app = Sanic("pyaday-floor")
    # sanic_app.web.json_response reads the codec here, as pyaday's handlers do.
    app.ctx.codec = get_codec(settings.json_codec)
    index = AsyncIndexClient(settings)

    @app.before_server_start
    async def open_index_client(app: Sanic):
        await index.open()

    @app.after_server_stop
    async def close_index_client(app: Sanic):
        await index.close()

    @app.get(routes.INDEX)
    async def hello(request: Request):
        return json_response(request, bodies.index_body("sanic"))

    @app.get(routes.RANDOM)
    async def fixed_package(request: Request):
        return json_response(request, BODY, headers=bodies.RANDOM_CACHE_CONTROL)

    @app.get(routes.PACKAGE_RELEASES)
    async def package_releases(request: Request, name: str):
        body = await index.releases(normalize_name(name))
        return json_response(request, body, headers=releases.CACHE_HEADERS)

    @app.get(routes.HEALTH)
    async def health(request: Request):
        return json_response(request, bodies.health_body("none"))

    return app


# Each worker process builds its own app with the factory, as sanic_app.server does.
loader = AppLoader(factory=create_app)


def main() -> None:
    app = loader.load()
    app.prepare(**run_config)
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
