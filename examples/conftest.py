"""Each cookbook test sends the same requests to an example's Flask app and to its Sanic twin.

A test module sits beside ``with_flask.py`` and ``with_sanic.py``; the ``client`` fixture runs
each of its tests twice, once per framework, through the framework's own in-process test
client, behind one small interface that takes httpx's keywords (``json``, ``data``, ``files``,
``content``, ``headers``, ``params``). Neither client keeps cookies: a test that needs one
sends it, so the request it makes is plain to read.
"""

import asyncio
import importlib
import io
import json
from dataclasses import dataclass, field

import pytest
from sanic import Sanic
from werkzeug.datastructures import Headers

FRAMEWORKS = ("flask", "sanic")


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


def example_module(test_module, framework: str):
    """``examples.<topic>.with_<framework>``, for the test module of ``examples/<topic>/``."""
    return importlib.import_module(f"{test_module.__package__}.with_{framework}")


@pytest.fixture(params=FRAMEWORKS)
def framework(request) -> str:
    return request.param


@pytest.fixture
def app_options() -> dict:
    """Keyword arguments for the example's ``create_app``; a test module may override it."""
    return {}


@pytest.fixture
def app(framework, app_options, request):
    created = example_module(request.module, framework).create_app(**app_options)
    yield created
    if framework == "sanic":
        # Sanic app names are process-wide: free this one for the next test's app.
        Sanic.unregister_app(created)


@pytest.fixture
def client(framework, app):
    adapter = (FlaskExample if framework == "flask" else SanicExample)(app)
    yield adapter
    adapter.close()
