"""The floor: the least a Sanic app can do to answer like pyaday's ``GET /rand``.

One fixed package body, encoded on every request through the same codec and response helper
as pyaday, served with the same Sanic run config: ``python -m benchmarks.floor_sanic``.
Whatever pyaday's ``/rand`` costs beyond this app is pyaday's own. Twin: ``floor_flask.py``.
"""

from sanic import Request, Sanic
from sanic.worker.loader import AppLoader

from sanic_app.server import run_config
from sanic_app.web import json_response
from shared import bodies, routes
from shared.catalogue import seed_packages
from shared.codec import get_codec
from shared.settings import Settings

# A real package's body, built once: the floor pays for encoding it, not for building it.
BODY = seed_packages()[0].to_dict()


def create_app(settings: Settings | None = None) -> Sanic:
    settings = settings or Settings.from_env()
    codec = get_codec(settings.json_codec)
    app = Sanic("pyaday-floor", dumps=codec.dumps, loads=codec.loads)

    @app.get(routes.RANDOM)
    async def fixed_package(request: Request):
        return json_response(BODY, headers=bodies.RANDOM_CACHE_CONTROL)

    @app.get(routes.HEALTH)
    async def health(request: Request):
        return json_response(bodies.health_body("none"))

    return app


# Each worker process builds its own app with the factory, as sanic_app.server does.
loader = AppLoader(factory=create_app)


def main() -> None:
    app = loader.load()
    app.prepare(**run_config)
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
