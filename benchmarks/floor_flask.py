"""The floor: the least a Flask app can do to answer like pyaday's ``/``, ``GET /rand`` and
``GET /packages/{name}/releases``.

``/`` and ``/rand`` answer one fixed body, encoded on every request through the same codec,
JSON provider and response helper as pyaday; ``/releases`` asks the package index through the
same client and reads its answer with the same code as pyaday, without looking the package up
in a store first. Served by the same gunicorn config:
``gunicorn -c python:flask_app.server benchmarks.floor_flask:app``. Whatever pyaday costs
beyond this app is pyaday's own. Twins: ``floor_sanic.py``, ``floor_quart.py``,
``floor_fastapi.py`` (not pyaday's twins: floors of their frameworks, nothing more).
"""

from flask import Flask

from flask_app import CodecJSONProvider
from flask_app.web import json_response
from shared import bodies, releases, routes
from shared.catalogue import seed_packages
from shared.codec import get_codec
from shared.index_client import IndexClient
from shared.model import normalize_name
from shared.settings import Settings

# A real package's body, built once: the floor pays for encoding it, not for building it.
BODY = seed_packages()[0].to_dict()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.json = CodecJSONProvider(app)
    app.json.codec = get_codec(settings.json_codec)
    index = IndexClient(settings)
    index.open()

    @app.get(routes.INDEX)
    def hello():
        return json_response(bodies.index_body("flask"))

    @app.get(routes.RANDOM)
    def fixed_package():
        return json_response(BODY, headers=bodies.RANDOM_CACHE_CONTROL)

    @app.get(routes.PACKAGE_RELEASES)
    def package_releases(name: str):
        body = index.releases(normalize_name(name))
        return json_response(body, headers=releases.CACHE_HEADERS)

    @app.get(routes.HEALTH)
    def health():
        return json_response(bodies.health_body("none"))

    return app


app = create_app()
