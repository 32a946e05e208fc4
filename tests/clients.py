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

A streamed response (``GET /export``) is read with ``stream()``: its body as sent (httpx, and
so sanic-testing, would undo its gzip), and other requests sent while it streams.
"""

import asyncio
from contextlib import asynccontextmanager
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


@dataclass(frozen=True)
class Call:
    """A request as an adapter sends it."""

    method: str
    path: str
    headers: dict
    content: bytes | None

    def send(self, client: "ApiClient") -> ApiResponse:
        return client.request(self.method, self.path, headers=self.headers, content=self.content)


class ApiClient:
    """``request()`` and ``stream_request()`` are all an adapter implements; the rest is
    shorthand for the tests.

    ``requests`` lists the (method, path) of every call, in order: the workshop's grader
    (``learn/grading.py``) reads it to tell which routes a test exercised.
    """

    framework: str

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []

    def request(self, method: str, path: str, *, headers=None, content: bytes | None = None):
        raise NotImplementedError

    def stream_request(self, path: str, during: list[Call]) -> tuple[ApiResponse, list]:
        """GET ``path``; once the first chunk of its body has come, send the requests of
        ``during``, one after the other; then read the rest. Its body is kept as sent."""
        raise NotImplementedError

    def call(self, method, path, *, json=None, content=None, headers=None, curator=False):
        return self.prepare(method, path, json, content, headers, curator).send(self)

    def prepare(self, method, path, json=None, content=None, headers=None, curator=False) -> Call:
        headers = dict(headers or {})
        if json is not None:
            content = _codec.dumps(json).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        if curator:
            headers.setdefault("Authorization", f"Bearer {CURATOR_TOKEN}")
        self.requests.append((method, path))
        return Call(method, path, headers, content)

    def stream(self, path, during=()) -> tuple[ApiResponse, list[ApiResponse]]:
        """A GET whose body is kept as sent (compressed), and the answers to the requests sent
        while it streams: ``during`` holds ``(method, path, call's keyword arguments)``."""
        calls = [self.prepare(method, other, **kwargs) for method, other, kwargs in during]
        self.requests.append(("GET", path))
        return self.stream_request(path, calls)

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

    def stream_request(self, path, during):
        response = self.client.get(path)  # not buffered: the body is produced as it is read
        try:
            chunks = iter(response.response)
            first = next(chunks, b"")
            answers = [call.send(self) for call in during]
            body = first + b"".join(chunks)
        finally:
            response.close()
        return ApiResponse(response.status_code, Headers(response.headers), body), answers

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
        self.lifespan = AsgiLifespan(app)
        self.started = False
        transport = httpx.ASGITransport(app=app, client=(ASGI_HOST, ASGI_PORT))
        self.http = httpx.AsyncClient(transport=transport, base_url=ASGI_BASE_URL)

    def start(self) -> None:
        if not self.started:
            self.runner.run(self.lifespan.start())
            self.started = True

    def request(self, method, path, *, headers=None, content=None):
        self.start()
        call = self.http.request(method, path, headers=headers, content=content)
        response = self.run(f"{method} {path}", call)
        return ApiResponse(response.status_code, headers_of(response), response.content)

    def stream_request(self, path, during):
        self.start()  # a request sent while the body streams finds the app started
        return self.run(f"GET {path}", asgi_stream(self.app, path, during))

    def run(self, label: str, call):
        """Run ``call``, the coroutine of the request that ``label`` names, on the app's loop."""
        return self.runner.run(call)

    def close(self) -> None:
        if self.started:
            self.runner.run(self.lifespan.stop())
        self.runner.run(self.http.aclose())
        self.runner.close()


class AsgiLifespan:
    """Starts and stops the Sanic app as an ASGI server does (the lifespan protocol): Sanic runs
    its server-start listeners (the store opens) and its server-stop ones."""

    def __init__(self, app) -> None:
        self.app = app
        self.inbox, self.outbox = asyncio.Queue(), asyncio.Queue()
        self.protocol = Lifespan(app, {"type": "lifespan"}, self.inbox.get, self.outbox.put)
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        self.app.asgi = True
        # As sanic-testing does before each start-up: one before this one finalized them.
        self.app.router.reset()
        self.app.signal_router.reset()
        self.task = asyncio.get_running_loop().create_task(self.protocol())
        await self.inbox.put({"type": "lifespan.startup"})
        answer = await self.outbox.get()
        if answer["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"the app did not start: {answer.get('message')}")

    async def stop(self) -> None:
        await self.inbox.put({"type": "lifespan.shutdown"})
        answer = await self.outbox.get()
        await self.task
        if answer["type"] != "lifespan.shutdown.complete":
            raise RuntimeError(f"the app did not stop cleanly: {answer.get('message')}")

    @asynccontextmanager
    async def running(self):
        await self.start()
        try:
            yield
        finally:
            await self.stop()


async def asgi_stream(app, path: str, during: list[Call]) -> tuple[ApiResponse, list]:
    """``stream_request`` over ASGI, the app started: the requests of ``during`` go out from the
    ASGI ``send`` that carries the first chunk of the body, while the handler awaits it."""
    base_url = "http://pyaday.test"
    plain = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)
    answers = []

    async def sending_during(scope, receive, send):
        async def send_then_request(message):
            await send(message)
            if message["type"] == "http.response.body" and not answers:
                for call in during:
                    sent = await plain.request(
                        call.method, call.path, headers=call.headers, content=call.content
                    )
                    answers.append(ApiResponse(sent.status_code, headers_of(sent), sent.content))

        await app(scope, receive, send_then_request)

    transport = httpx.ASGITransport(app=sending_during)
    async with plain, httpx.AsyncClient(transport=transport, base_url=base_url) as http:
        return await read_raw(http, "GET", path), answers


async def read_raw(http: httpx.AsyncClient, method: str, path: str, **kwargs) -> ApiResponse:
    """A response with its body as sent: httpx decodes a gzip body unless it is read raw."""
    response = await http.send(http.build_request(method, path, **kwargs), stream=True)
    body = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return ApiResponse(response.status_code, headers_of(response), body)


def headers_of(response: httpx.Response) -> Headers:
    return Headers(response.headers.multi_items())


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
        return ApiResponse(response.status_code, headers_of(response), response.content)

    def stream_request(self, path, during):
        response = self.http.send(self.http.build_request("GET", path), stream=True)
        try:
            chunks = response.iter_raw()
            first = next(chunks, b"")
            answers = [call.send(self) for call in during]
            body = first + b"".join(chunks)
        finally:
            response.close()
        return ApiResponse(response.status_code, headers_of(response), body), answers

    def close(self) -> None:
        self.http.close()
