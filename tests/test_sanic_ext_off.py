"""sanic-ext is installed (the cookbook in examples/ uses it) and the Sanic app is unchanged.

Sanic imports sanic-ext by itself when it can (``AUTO_EXTEND``, on by default), and sanic-ext
then adds HEAD and OPTIONS routes to every route, CORS handling and an OpenAPI UI at /docs.
``sanic_app`` turns ``AUTO_EXTEND`` off; these tests prove it, and the whole contract suite
runs with sanic-ext installed besides.
"""

import importlib

import pytest

from shared.settings import Settings
from tests.conftest import make_client

# What API.md routes, and nothing else: (path, methods) as Sanic's router lists them.
CONTRACT_ROUTES = {
    ("/", ("GET", "HEAD")),
    ("/health", ("GET", "HEAD")),
    ("/openapi.json", ("GET", "HEAD")),
    ("/packages", ("GET", "HEAD")),
    ("/packages", ("POST",)),
    ("/packages/<name:str>", ("GET", "HEAD")),
    ("/packages/<name:str>", ("PUT",)),
    ("/packages/<name:str>", ("PATCH",)),
    ("/packages/<name:str>", ("DELETE",)),
    ("/rand", ("GET", "HEAD")),
    ("/daily", ("GET", "HEAD")),
}
PREFLIGHT = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}


@pytest.fixture
def sanic_api():
    client = make_client("sanic", Settings())
    yield client
    client.close()


def test_sanic_ext_is_importable():
    # Without this the tests below would prove nothing: sanic-ext 25.12.0 needs pydantic, which
    # it does not declare, and Sanic swallows the ImportError (see examples/configuration).
    assert importlib.import_module("sanic_ext")


def test_the_app_starts_without_sanic_ext(sanic_api):
    assert sanic_api.get("/").status == 200  # the start-up is where Sanic would attach it
    assert not hasattr(sanic_api.app, "_ext")  # (``app.ext`` itself would set it up)


def test_only_the_contract_is_routed(sanic_api):
    sanic_api.get("/")
    routes = {(route.uri, tuple(sorted(route.methods))) for route in sanic_api.app.router.routes}
    assert routes == CONTRACT_ROUTES


@pytest.mark.parametrize("app_kind", ["flask", "sanic"])
def test_no_cors_and_no_options(app_kind):
    client = make_client(app_kind, Settings())
    try:
        preflight = client.call("OPTIONS", "/packages", headers=PREFLIGHT)
        simple = client.get("/", headers={"Origin": PREFLIGHT["Origin"]})
        docs = client.get("/docs")
    finally:
        client.close()
    assert preflight.status == 405
    assert preflight.headers["Allow"] == "GET, HEAD, POST"
    assert simple.status == 200
    assert docs.status == 404
    for response in (preflight, simple):
        names = [name.lower() for name, _value in response.headers]
        assert not [name for name in names if name.startswith("access-control-")]
