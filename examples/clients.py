"""One small client interface over Flask's and sanic-testing's in-process test clients.

It takes httpx's keywords (``json``, ``data``, ``files``, ``content``, ``headers``,
``params``). Neither client keeps cookies: a test that needs one sends it, so the request it
makes is plain to read.
"""

import asyncio
import io
import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from sanic import Sanic
from sanic_testing.reusable import ReusableClient
from werkzeug.datastructures import Headers

from examples.servers import free_port


@dataclass
class Answer:
    status: int
    headers: Headers  # case-insensitive, repeated headers kept
    body: bytes = field(repr=False)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def json(self):
        return json.loads(self.body)


class ExampleClient:
    """``request()`` is all an adapter implements; the verbs are shorthand for the tests."""

    framework: str

    def request(self, method: str, path: str, **kw) -> Answer:
        raise NotImplementedError

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def options(self, path, **kw):
        return self.request("OPTIONS", path, **kw)


class FlaskExample(ExampleClient):
    framework = "flask"

    def __init__(self, app):
        self.app = app
        self.client = app.test_client(use_cookies=False)

    def request(self, method, path, *, data=None, files=None, content=None, params=None, **kw):
        if files:
            # Werkzeug takes files as (stream, filename, content type) among the form fields.
            data = {**(data or {})}
            for name, (filename, body, content_type) in files.items():
                data[name] = (io.BytesIO(body), filename, content_type)
        response = self.client.open(
            path,
            method=method,
            data=content if content is not None else data,
            query_string=params,
            **kw,
        )
        return Answer(response.status_code, Headers(response.headers), response.get_data())

    def close(self) -> None:
        """Nothing to release: a Flask app is a plain object."""


class SanicExample(ExampleClient):
    framework = "sanic"

    def __init__(self, app):
        self.app = app
        # sanic-testing starts the app up around every request; skip Sanic's start-up
        # "touchup" (a speed rewrite of its hot paths), which is most of that cost.
        app.config.TOUCHUP = False
        self.runner = asyncio.Runner()  # one event loop for all the requests of a test

    def request(self, method, path, **kw):
        _request, response = self.runner.run(self.app.asgi_client.request(method, path, **kw))
        return Answer(response.status, Headers(response.headers.multi_items()), response.content)

    def close(self) -> None:
        self.runner.close()


class SanicServerExample(ExampleClient):
    """A real Sanic server in this process, started once (sanic-testing's ReusableClient).

    For what only Sanic's own HTTP server does: REQUEST_MAX_SIZE, for one, is enforced by its
    HTTP protocol, not on the ASGI path that ``asgi_client`` (or uvicorn) takes.
    """

    framework = "sanic"

    def __init__(self, app):
        self.app = app
        app.config.TOUCHUP = False
        self.loop = asyncio.new_event_loop()
        self.server = ReusableClient(app, loop=self.loop, port=free_port())
        self.server.run()

    def request(self, method, path, **kw):
        _request, response = getattr(self.server, method.lower())(path, **kw)
        return Answer(response.status, Headers(response.headers.multi_items()), response.content)

    def close(self) -> None:
        self.server.stop()
        self.loop.close()


def client_for(app) -> ExampleClient:
    """The adapter for a Flask or a Sanic app."""
    return SanicExample(app) if isinstance(app, Sanic) else FlaskExample(app)


@contextmanager
def serving(module, *, real_server: bool = False, **options):
    """A client for a fresh app of an example module (``with_flask``, ``with_sanic``).

    ``real_server`` serves a Sanic app with its own HTTP server instead of the ASGI client.
    """
    app = module.create_app(**options)
    real = real_server and isinstance(app, Sanic)
    client = SanicServerExample(app) if real else client_for(app)
    try:
        yield client
    finally:
        client.close()
        if isinstance(app, Sanic):
            Sanic.unregister_app(app)  # names are process-wide: free it for the next app
