"""The floor of FastAPI, served by Uvicorn: ``python -m benchmarks.floor_fastapi``, which is
``uvicorn benchmarks.floor_fastapi:app --no-access-log`` bound where the ``PYADAY_*`` settings
say (Uvicorn picks uvloop and httptools, both installed, as its ``standard`` extra would).

Not a twin of pyaday: the same three answers as ``floor_flask.py`` and ``floor_sanic.py`` (a
fixed body for ``/`` and ``/rand``, the package index asked through pyaday's async client for
``/releases``), encoded with the same codec into a plain ``Response``, so that the landscape of
``make bench`` shows what the framework and its server cost, not pydantic's validation.
"""

from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Response

from shared import bodies, releases, routes
from shared.bodies import JSON_MEDIA_TYPE
from shared.catalogue import seed_packages
from shared.codec import get_codec
from shared.index_client_async import AsyncIndexClient
from shared.model import normalize_name
from shared.settings import Settings

# A real package's body, built once: the floor pays for encoding it, not for building it.
BODY = seed_packages()[0].to_dict()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    codec = get_codec(settings.json_codec)
    index = AsyncIndexClient(settings)

    def json_response(body, headers: dict | None = None) -> Response:
        return Response(codec.dumps(body), media_type=JSON_MEDIA_TYPE, headers=headers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await index.open()
        yield
        await index.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get(routes.INDEX)
    async def hello():
        return json_response(bodies.index_body("fastapi"))

    @app.get(routes.RANDOM)
    async def fixed_package():
        return json_response(BODY, headers=bodies.RANDOM_CACHE_CONTROL)

    # shared.routes writes parameters as Flask does, <name>; Starlette writes {name}.
    @app.get(routes.PACKAGE_RELEASES.replace("<name>", "{name}"))
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
    uvicorn.run(
        "benchmarks.floor_fastapi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
