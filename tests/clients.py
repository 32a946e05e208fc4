"""One small client interface over each framework's own test client, and over real HTTP.

The adapters are the testing lesson of the migration in a few lines:

- Flask's ``app.test_client()`` is synchronous and answers a response with ``status_code``.
- sanic-testing's ``app.asgi_client`` is asynchronous, answers a ``(request, response)`` pair,
  and its response has ``status``. It runs the app's ``before_server_start`` and
  ``after_server_stop`` listeners around every request, so state must outlive them
  (``test_sanic_native.py`` shows it). The adapter here starts the app once instead, as an
  ASGI server does (the lifespan protocol), and sends each request through the same httpx ASGI
  transport: the store opens once per test, not once per request.
- ``--live URL`` sends the same requests over real HTTP with httpx.
"""

import asyncio
from dataclasses import dataclass, field

import httpx
from sanic import Sanic
from sanic.asgi import Lifespan
from sanic_testing.testing import ASGI_BASE_URL, ASGI_HOST, ASGI_PORT
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

    def start(self) -> None:
        """Start the app if it is not serving yet; requests start it anyway. Nothing by default:
        a Flask app serves as soon as it is created."""

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
    """The app over ASGI, started (its ``before_server_start`` listeners run) at ``start()`` or
    the first request, and stopped (``after_server_stop``) at ``close()``, as an ASGI server
    runs it."""

    framework = "sanic"

    def __init__(self, app: Sanic, runner: asyncio.Runner | None = None):
        super().__init__()
        Sanic.test_mode = True  # several apps named "pyaday" in one process, as in tests
        # Sanic's start-up "touchup" rewrites hot code paths for speed: ~20 ms a start, which
        # the few requests of a test do not win back.
        app.config.TOUCHUP = False
        self.app = app
        self.runner = runner or asyncio.Runner()  # one loop for the whole life of the app
        self.lifespan = None
        transport = httpx.ASGITransport(app=app, client=(ASGI_HOST, ASGI_PORT))
        self.http = httpx.AsyncClient(transport=transport, base_url=ASGI_BASE_URL)

    def start(self) -> None:
        if self.lifespan is None:
            self.lifespan = self.runner.run(self._start())

    def request(self, method, path, *, headers=None, content=None):
        self.start()
        call = self.http.request(method, path, headers=headers, content=content)
        response = self.runner.run(call)
        headers = Headers(response.headers.multi_items())
        return ApiResponse(response.status_code, headers, response.content)

    def close(self) -> None:
        if self.lifespan is not None:
            self.runner.run(self._stop())
        self.runner.run(self.http.aclose())
        self.runner.close()

    async def _start(self):
        """The ASGI lifespan startup: Sanic runs its server-start listeners (the store opens)."""
        self.app.asgi = True
        inbox, outbox = asyncio.Queue(), asyncio.Queue()
        lifespan = Lifespan(self.app, {"type": "lifespan"}, inbox.get, outbox.put)
        task = asyncio.get_running_loop().create_task(lifespan())
        await inbox.put({"type": "lifespan.startup"})
        answer = await outbox.get()
        if answer["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"the app did not start: {answer.get('message')}")
        return task, inbox, outbox

    async def _stop(self) -> None:
        task, inbox, outbox = self.lifespan
        await inbox.put({"type": "lifespan.shutdown"})
        answer = await outbox.get()
        await task
        if answer["type"] != "lifespan.shutdown.complete":
            raise RuntimeError(f"the app did not stop cleanly: {answer.get('message')}")


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
