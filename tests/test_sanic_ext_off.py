"""sanic-ext is installed (the cookbook in examples/ uses it) and the Sanic app is unchanged.

Sanic imports sanic-ext by itself when it can (``AUTO_EXTEND``, on by default), and sanic-ext
then adds HEAD and OPTIONS routes to every route, CORS handling and an OpenAPI UI at /docs.
``sanic_app`` turns ``AUTO_EXTEND`` off; these tests prove it, and the whole contract suite
runs with sanic-ext installed besides.
"""

import importlib
import re

import pytest

from flask_app import create_app as create_flask_app
from shared.settings import Settings
from tests.conftest import make_client

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
    sanic_api.get("/")  # after the start-up, where sanic-ext would add its routes
    # sanic-ext would add OPTIONS to every route and HEAD to the write routes: Sanic's routes
    # are exactly the Flask app's, HEAD beside each GET, and nothing else.
    routes = {(r.uri, tuple(sorted(r.methods))) for r in sanic_api.app.router.routes}
    assert routes == flask_routes_as_sanic_lists_them()


def flask_routes_as_sanic_lists_them() -> set[tuple[str, tuple[str, ...]]]:
    """The reference app's routes: ``/packages/<name>`` is ``/packages/<name:str>`` in Sanic."""
    rules = create_flask_app(Settings()).url_map.iter_rules()
    return {
        (re.sub(r"<(\w+)>", r"<\1:str>", rule.rule), tuple(sorted(rule.methods)))
        for rule in rules
        if rule.endpoint != "static"  # Flask's static files: no route of the contract
    }


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
