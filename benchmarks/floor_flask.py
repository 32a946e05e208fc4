"""The floor: the least a Flask app can do to answer like pyaday's ``GET /rand``.

One fixed package body, encoded on every request through the same codec, JSON provider and
response helper as pyaday, served by the same gunicorn config:
``gunicorn -c python:flask_app.server benchmarks.floor_flask:app``. Whatever pyaday's ``/rand``
costs beyond this app is pyaday's own. Twin: ``floor_sanic.py``.
"""

from flask import Flask

from flask_app import CodecJSONProvider
from flask_app.web import json_response
from shared import bodies, routes
from shared.catalogue import seed_packages
from shared.codec import get_codec
from shared.settings import Settings

# A real package's body, built once: the floor pays for encoding it, not for building it.
BODY = seed_packages()[0].to_dict()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.json = CodecJSONProvider(app)
    app.json.codec = get_codec(settings.json_codec)

    @app.get(routes.RANDOM)
    def fixed_package():
        return json_response(BODY, headers=bodies.RANDOM_CACHE_CONTROL)

    @app.get(routes.HEALTH)
    def health():
        return json_response(bodies.health_body("none"))

    return app


app = create_app()
