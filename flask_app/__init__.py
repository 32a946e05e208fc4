"""pyaday in Flask: the application factory."""

import weakref
from argparse import Namespace

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
from shared.settings import Settings, settings_for_factory
from shared.stores import create_store


class CodecJSONProvider(JSONProvider):
    """Flask's JSON goes through the shared codec (Flask 2.0+ ignores simplejson otherwise)."""

    codec: JsonCodec

    def dumps(self, obj, **kwargs) -> str:
        return self.codec.dumps(obj)

    def loads(self, s, **kwargs):
        return self.codec.loads(s)


# region: factory
def create_app(settings: Settings | Namespace | None = None) -> Flask:
    """The app, with the given settings or those of ``PYADAY_*``."""
    settings = settings_for_factory(settings)
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


# endregion


# region: open-store
def open_store(app: Flask, settings: Settings) -> None:
    """Connect once per process: gunicorn imports the app in each worker after forking.

    Flask has no shutdown hook; the store closes when the app is collected or the process
    exits, whichever way it was launched (gunicorn, with or without flask_app/server.py,
    ``flask run``, a test).
    """
    store = create_store(settings)
    store.open(seed_for(settings))
    app.extensions["pyaday"]["store"] = store
    weakref.finalize(app, store.close)


# endregion


# region: open-index-client
def open_index_client(app: Flask, settings: Settings) -> None:
    """The pooled HTTP clients of this process, opened and closed as the store is."""
    client = IndexClient(settings)
    client.open()
    app.extensions["pyaday"]["index_client"] = client
    weakref.finalize(app, client.close)


# endregion
