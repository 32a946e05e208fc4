"""Testing the Sanic app the Sanic way: sanic-testing's clients, mostly asynchronous.

Twin of ``test_flask_native.py``. What changes:

- ``app.asgi_client`` is awaited, and answers a ``(request, response)`` pair;
  the response has ``status`` where Flask's has ``status_code``.
- Tests are ``async def`` and run under pytest-asyncio (``asyncio_mode = "auto"``).
- The talk used pytest-sanic, unmaintained; its last release fails with every Sanic measured
  from 21.9 on. sanic-testing replaces it (step 12 of docs/migration.md gives the versions
  measured and maps the old fixtures to the new clients).
"""

import asyncio
import json
from contextlib import suppress

import httpx
import pytest
from sanic import Sanic

from sanic_app import create_app
from shared.codec import CODECS
from shared.settings import Settings
from tests.clients import AsgiLifespan

TOKEN = "native-test-token"
CURATOR = {"Authorization": f"Bearer {TOKEN}"}
NEW_PACKAGE = {"name": "Native_Pkg", "version": "1.0", "summary": "made by a native test"}


# region: fixtures
@pytest.fixture
def app():
    return create_app(Settings(curator_tokens=(TOKEN,)))


@pytest.fixture
def client(app):
    return app.asgi_client


# endregion


async def test_index_names_the_framework(client):
    _request, response = await client.get("/")
    assert response.status == 200
    assert response.json == {"app": "pyaday", "framework": "sanic", "version": "1.0.0"}


# region: a-test
async def test_create_then_read_back(client):
    _request, created = await client.post("/packages", json=NEW_PACKAGE, headers=CURATOR)
    assert created.status == 201
    assert created.headers["Location"] == "/packages/native-pkg"

    _request, response = await client.get("/packages/native_pkg")
    assert response.status == 200
    assert response.headers["ETag"] == created.headers["ETag"]
    assert response.json["summary"] == NEW_PACKAGE["summary"]


# endregion


async def test_errors_are_problem_details(client):
    request, response = await client.get("/no/such/route")
    assert response.status == 404
    assert response.content_type == "application/problem+json"
    assert response.json["instance"] == "/no/such/route"
    # The pair gives the test the request Sanic built, too.
    assert request.path == "/no/such/route"


async def test_the_store_is_reachable_from_the_app(app, client):
    await client.post("/packages", json=NEW_PACKAGE, headers=CURATOR)
    # Sanic keeps per-app state in app.ctx; the store's methods are awaited.
    assert (await app.ctx.store.get("native-pkg")).version == "1.0"


async def test_an_unexpected_error_is_a_500_problem_without_traceback(app, client, monkeypatch):
    async def broken_pick(draw):
        return 1 / 0

    monkeypatch.setattr(app.ctx.store, "pick_random", broken_pick)
    _request, response = await client.get("/rand")
    assert response.status == 500
    assert response.json["detail"] == "The server could not complete the request."
    assert b"ZeroDivisionError" not in response.content


async def test_a_client_cannot_forge_a_log_line(app, client, monkeypatch, caplog):
    # An exception message can carry a client's text: its line feeds are escaped in the log.
    forged = "\n[1999-12-31 23:59:59 +0000] [1] [CRITICAL] forged"

    async def broken_pick(draw):
        raise ValueError("client text" + forged)

    monkeypatch.setattr(app.ctx.store, "pick_random", broken_pick)
    _request, response = await client.get("/rand")
    assert response.status == 500
    assert "client text\\n[1999-12-31" in caplog.text
    assert not any(line.startswith("[1999-12-31") for line in caplog.text.splitlines())


async def test_the_export_streams_and_ends_its_snapshot_when_the_client_goes(app, client):
    # sanic-testing's client is httpx's: it undoes the gzip itself.
    _request, response = await client.get("/export")
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.body.count(b"\n") == 5000
    store = app.ctx.store
    export_batches, ended = store.export_batches, []

    async def watched(*args):
        try:
            async for batch in export_batches(*args):
                yield batch
        finally:
            ended.append(True)

    store.export_batches = watched
    # A client that reads the first chunk, then nothing, then goes away: Sanic's server then
    # cancels the handler, whose ``aclosing`` closes the store's generator.
    first_chunk = asyncio.Event()

    async def reading_one_chunk(scope, receive, send):
        async def send_then_stall(message):
            await send(message)
            if message["type"] == "http.response.body":
                first_chunk.set()
                await asyncio.Event().wait()  # the client reads no more

        await app(scope, receive, send_then_stall)

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=reading_one_chunk))
    async with http, AsgiLifespan(app).running():
        export = asyncio.create_task(http.get("http://pyaday.test/export"))
        await first_chunk.wait()
        assert not ended
        export.cancel()
        with suppress(asyncio.CancelledError):
            await export
    assert ended == [True]


async def test_head_does_not_run_the_export(app, client, monkeypatch):
    # Sanic runs the handler registered for HEAD: it answers before the export.
    monkeypatch.setattr(app.ctx.store, "export_batches", lambda *args: pytest.fail("exported"))
    _request, response = await client.head("/export")
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"


async def test_the_frameworks_own_500_is_logged_not_shown(app, client, caplog):
    @app.get("/broken")
    async def broken(request):
        return {"a": "dict"}  # Flask would jsonify it; Sanic needs an HTTPResponse

    _request, response = await client.get("/broken")
    assert response.status == 500
    assert b"Invalid response type" not in response.content
    assert "Invalid response type {'a': 'dict'} (need HTTPResponse)" in caplog.text


def test_the_sync_test_client_runs_a_real_server(app):
    """sanic-testing's ``app.test_client`` starts a real server for each request: slower."""
    # sanic-testing 24.6 still uses a listener signature Sanic 25 deprecates; Sanic installs
    # its own warning filter, so silence it through Sanic's config, not pytest's.
    app.config.DEPRECATION_FILTER = "ignore"
    _request, response = app.test_client.get("/health")
    assert response.status == 200
    assert response.json == {"status": "ok", "store": "memory"}


class SpacedCodec:
    """A codec whose output tells it apart from the compact one."""

    name = "spaced"

    def dumps(self, obj) -> str:
        return json.dumps(obj, separators=(", ", ": "), ensure_ascii=False)

    def loads(self, data):
        return json.loads(data)


async def test_two_apps_with_different_settings_in_one_process(monkeypatch):
    # Outside Sanic's test mode (which sanic-testing turns on), as a script or a REPL runs.
    monkeypatch.setattr(Sanic, "test_mode", False)
    monkeypatch.setitem(CODECS, "spaced", SpacedCodec())
    spaced = create_app(Settings(curator_tokens=("first",), json_codec="spaced"))
    compact = create_app(Settings(curator_tokens=("second",), seed_catalogue=False))
    assert Sanic.test_mode is False and Sanic.get_app("pyaday") is compact
    # With sanic-ext installed, Sanic would load it into the app by itself otherwise.
    assert spaced.config.AUTO_EXTEND is False and compact.config.AUTO_EXTEND is False
    # Each app answers with its own codec (Sanic(dumps=...) would give both the last one),
    # its own tokens and its own store.
    _request, response = await spaced.asgi_client.get("/")
    assert response.body == b'{"app": "pyaday", "framework": "sanic", "version": "1.0.0"}'
    _request, response = await compact.asgi_client.get("/")
    assert response.body == b'{"app":"pyaday","framework":"sanic","version":"1.0.0"}'
    headers = {"Authorization": "Bearer second"}
    _request, refused = await spaced.asgi_client.delete("/packages/boto3", headers=headers)
    assert refused.status == 401
    _request, response = await spaced.asgi_client.get("/packages/boto3")
    assert response.status == 200
    _request, response = await compact.asgi_client.get("/packages/boto3")
    assert response.status == 404
