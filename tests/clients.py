"""One small client interface over each framework's own test client, and over real HTTP.

The adapters are the testing lesson of the migration in a few lines:

- Flask's ``app.test_client()`` is synchronous and answers a response with ``status_code``.
- sanic-testing's ``app.asgi_client`` is asynchronous, answers a ``(request, response)`` pair,
  and its response has ``status``. It runs the app's ``before_server_start`` and
  ``after_server_stop`` listeners around every request, so state must outlive them.
- ``--live URL`` sends the same requests over real HTTP with httpx.
"""

import asyncio
from dataclasses import dataclass, field

import httpx
from werkzeug.datastructures import Headers

from shared.codec import SimplejsonCodec

CURATOR_TOKEN = "test-curator-token"
_codec = SimplejsonCodec()


@dataclass
class ApiResponse:
    status: int
    headers: Headers  # case-insensitive
    body: bytes = field(repr=False)

    def json(self):
        return _codec.loads(self.body)


class ApiClient:
    """``request()`` is all an adapter implements; the rest is shorthand for the tests.

    ``requests`` lists the (method, path) of every call, in order: the workshop's grader
    (``learn/grading.py``) reads it to tell which routes a test exercised.
    """

    framework: str

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []

    def request(self, method: str, path: str, *, headers=None, content: bytes | None = None):
        raise NotImplementedError

    def call(self, method, path, *, json=None, content=None, headers=None, curator=False):
        headers = dict(headers or {})
        if json is not None:
            content = _codec.dumps(json).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        if curator:
            headers.setdefault("Authorization", f"Bearer {CURATOR_TOKEN}")
        self.requests.append((method, path))
        return self.request(method, path, headers=headers, content=content)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def head(self, path, **kwargs):
        return self.call("HEAD", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.call("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.call("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)

    def close(self) -> None:
        """Release what the adapter holds; nothing by default."""


class FlaskClient(ApiClient):
    framework = "flask"

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.client = app.test_client()

    def request(self, method, path, *, headers=None, content=None):
        response = self.client.open(path, method=method, headers=wsgi(headers), data=content)
        return ApiResponse(response.status_code, Headers(response.headers), response.data)

    def close(self) -> None:
        self.app.extensions["pyaday"]["store"].close()
        self.app.extensions["pyaday"]["index_client"].close()


def wsgi(headers):
    """Header values given as bytes become WSGI strings (one character an octet, PEP 3333),
    as a WSGI server would pass them; Werkzeug's test client would write ``b'...'`` instead."""
    items = headers.items() if isinstance(headers, dict) else headers or []
    return [(k, v.decode("latin-1") if isinstance(v, bytes) else v) for k, v in items]


class SanicClient(ApiClient):
    framework = "sanic"

    def __init__(self, app):
        super().__init__()
        self.app = app
        # The ASGI client starts the app up again for every request; Sanic's start-up
        # "touchup" (rewriting hot code paths for speed) is most of that cost, and pointless
        # for a few requests: 26 ms a request with it, 7 ms without.
        app.config.TOUCHUP = False
        self.runner = asyncio.Runner()  # one loop for all requests of a test

    def request(self, method, path, *, headers=None, content=None):
        call = self.app.asgi_client.request(method, path, headers=headers, content=content)
        _request, response = self.runner.run(call)
        headers = Headers(response.headers.multi_items())
        return ApiResponse(response.status, headers, response.content)

    def close(self) -> None:
        self.runner.close()


class LiveClient(ApiClient):
    """Real HTTP against a running server: the same API suite, black-box, as RealWorld does."""

    framework = "live"

    def __init__(self, base_url: str):
        super().__init__()
        self.http = httpx.Client(base_url=base_url, timeout=30.0)

    def request(self, method, path, *, headers=None, content=None):
        # httpx would re-quote the path; send it exactly as the test wrote it.
        request = self.http.build_request(method, path, headers=headers, content=content)
        response = self.http.send(request)
        headers = Headers(response.headers.multi_items())
        return ApiResponse(response.status_code, headers, response.content)

    def close(self) -> None:
        self.http.close()
