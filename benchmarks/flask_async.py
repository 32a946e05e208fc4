"""pyaday's Flask app with ``GET /packages/{name}/releases`` as an ``async def`` view: for the
benchmark's ``upstream`` scenario only, never for deployment.

``gunicorn -c python:flask_app.server 'benchmarks.flask_async:create_app()'``. Readers often
expect an async view to serve more requests at once. Flask (with its ``async`` extra, asgiref)
runs each call of it to completion on a new event loop, in the worker's thread, so a sync worker
still serves one request at a time; and an ``httpx.AsyncClient`` belongs to the loop it was
opened on, so the view cannot keep a pool of connections to the index between requests, and
opens one per request, as such a view must. The rest of the app is pyaday's.
"""

from flask import Flask

from flask_app import create_app as create_pyaday_app
from flask_app.web import json_response, store
from shared import releases
from shared.index_client_async import AsyncIndexClient
from shared.model import normalize_name
from shared.problems import no_such_package
from shared.settings import Settings

RELEASES_ENDPOINT = "packages.package_releases"


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = create_pyaday_app(settings)

    async def package_releases(name: str):
        key = normalize_name(name)
        if store().get(key) is None:
            raise no_such_package(key)
        index = AsyncIndexClient(settings)
        await index.open()
        try:
            body = await index.releases(key)
        finally:
            await index.close()
        return json_response(body, headers=releases.CACHE_HEADERS)

    app.view_functions[RELEASES_ENDPOINT] = package_releases
    return app
