"""The floor of Quart, Flask's API on asyncio, served by Hypercorn: ``python -m
benchmarks.floor_quart``, which is ``hypercorn --worker-class uvloop benchmarks.floor_quart:app``
bound where the ``PYADAY_*`` settings say.

Not a twin of pyaday: the same three answers as ``floor_flask.py`` and ``floor_sanic.py`` (a
fixed body for ``/`` and ``/rand``, the package index asked through pyaday's async client for
``/releases``), encoded with the same codec, so that the landscape of ``make bench`` shows what
the framework and its server cost. Hypercorn runs on uvloop, as Sanic and Uvicorn do.
"""

from hypercorn.config import Config
from hypercorn.run import run
from quart import Quart, Response

from shared import bodies, releases, routes
from shared.bodies import JSON_MEDIA_TYPE
from shared.catalogue import seed_packages
from shared.codec import get_codec
from shared.index_client_async import AsyncIndexClient
from shared.model import normalize_name
from shared.settings import Settings

# A real package's body, built once: the floor pays for encoding it, not for building it.
BODY = seed_packages()[0].to_dict()


def create_app(settings: Settings | None = None) -> Quart:
    settings = settings or Settings.from_env()
    codec = get_codec(settings.json_codec)
    index = AsyncIndexClient(settings)
    app = Quart(__name__)

    def json_response(body, headers: dict | None = None) -> Response:
        return Response(codec.dumps(body), content_type=JSON_MEDIA_TYPE, headers=headers)

    @app.before_serving
    async def open_index_client():
        await index.open()

    @app.after_serving
    async def close_index_client():
        await index.close()

    @app.get(routes.INDEX)
    async def hello():
        return json_response(bodies.index_body("quart"))

    @app.get(routes.RANDOM)
    async def fixed_package():
        return json_response(BODY, headers=bodies.RANDOM_CACHE_CONTROL)

    @app.get(routes.PACKAGE_RELEASES)
    async def package_releases(name: str):
        body = await index.releases(normalize_name(name))
        return json_response(body, headers=releases.CACHE_HEADERS)

    @app.get(routes.HEALTH)
    async def health():
        return json_response(bodies.health_body("none"))

    return app


app = create_app()


def main() -> None:
    settings = Settings.from_env()
    config = Config()
    config.application_path = "benchmarks.floor_quart:app"
    config.bind = [f"{settings.host}:{settings.port}"]
    config.workers = settings.workers
    config.worker_class = "uvloop"
    run(config)


if __name__ == "__main__":
    main()
