"""pyaday in Flask: the application factory."""

from flask import Flask
from flask.json.provider import JSONProvider

from flask_app.errors import register_error_handlers
from flask_app.packages import blueprint
from flask_app.web import (
    DecodedSegmentConverter,
    TargetRequest,
    refuse_large_body,
    refuse_malformed_head,
)
from shared.catalogue import seed_for
from shared.codec import JsonCodec, get_codec
from shared.index_client import IndexClient
from shared.settings import Settings
from shared.stores import create_store


class CodecJSONProvider(JSONProvider):
    """Flask's JSON goes through the shared codec (Flask 2.0+ ignores simplejson otherwise)."""

    codec: JsonCodec

    def dumps(self, obj, **kwargs) -> str:
        return self.codec.dumps(obj)

    def loads(self, s, **kwargs):
        return self.codec.loads(s)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        # OPTIONS is outside the contract: without this, Flask answers it on every route.
        PROVIDE_AUTOMATIC_OPTIONS=False,
    )
    # Paths are exact: Werkzeug would redirect /packages//x to /packages/x.
    app.url_map.merge_slashes = False
    # Route on the target as sent (shared.paths), and decode <name> once, after routing.
    app.request_class = TargetRequest
    app.url_map.converters["default"] = DecodedSegmentConverter
    app.json = CodecJSONProvider(app)
    app.json.codec = get_codec(settings.json_codec)
    app.extensions["pyaday"] = {"settings": settings, "codec": app.json.codec}
    open_store(app, settings)
    open_index_client(app, settings)
    # Before any route answers: the head (gunicorn checked most of it), then the body's size.
    app.before_request(refuse_malformed_head)
    app.before_request(refuse_large_body)
    app.register_blueprint(blueprint)
    register_error_handlers(app)
    return app


def open_store(app: Flask, settings: Settings) -> None:
    """Connect once per process: gunicorn imports the app in each worker after forking."""
    store = create_store(settings)
    store.open(seed_for(settings))
    app.extensions["pyaday"]["store"] = store


def open_index_client(app: Flask, settings: Settings) -> None:
    """One pooled HTTP client per process, opened as the store is, closed in ``worker_exit``."""
    client = IndexClient(settings)
    client.open()
    app.extensions["pyaday"]["index_client"] = client
