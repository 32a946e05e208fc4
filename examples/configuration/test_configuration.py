"""Configuration from the environment, body limits and AUTO_EXTEND, in both apps."""

import pytest
from sanic import Sanic

from examples.clients import client_for, serving
from examples.configuration import with_flask, with_sanic


@pytest.fixture(params=[with_flask, with_sanic], ids=["flask", "sanic"])
def module(request):
    return request.param


def test_defaults(client):
    assert client.get("/settings").json == {"page_size": 20, "search": False, "body_limit": 10**6}


def test_the_environment_overrides_the_defaults(module, monkeypatch):
    monkeypatch.setenv("COOKBOOK_PAGE_SIZE", "50")
    monkeypatch.setenv("COOKBOOK_SEARCH", "true")
    with serving(module) as client:
        assert client.get("/settings").json == {
            "page_size": 50,
            "search": True,
            "body_limit": 10**6,
        }


# (environment value, Flask's value, Sanic's value)
CONVERSIONS = [
    ("50", 50, 50),
    ("1.5", 1.5, 1.5),
    ("true", True, True),
    ("1", 1, 1),
    ("yes", "yes", True),
    ("off", "off", False),
    ("[1, 2]", [1, 2], "[1, 2]"),
    ("null", None, "null"),
    ("text", "text", "text"),
]


@pytest.mark.parametrize(("raw", "flask_value", "sanic_value"), CONVERSIONS)
def test_how_each_converts_environment_values(monkeypatch, raw, flask_value, sanic_value):
    monkeypatch.setenv("COOKBOOK_SETTING", raw)
    assert with_flask.create_app().config["SETTING"] == flask_value
    app = with_sanic.create_app()
    Sanic.unregister_app(app)
    assert app.config["SETTING"] == sanic_value


def test_settings_after_creation_override_the_environment(monkeypatch):
    """The Sanic trap: app.config.update() after Sanic(...) wins over the environment."""
    monkeypatch.setenv("COOKBOOK_PAGE_SIZE", "50")
    app = Sanic("cookbook-configuration-late-defaults", env_prefix="COOKBOOK_")
    Sanic.unregister_app(app)
    assert app.config["PAGE_SIZE"] == 50
    app.config.update(PAGE_SIZE=20)
    assert app.config["PAGE_SIZE"] == 20


@pytest.mark.parametrize(("size", "status"), [(10**6, 200), (10**6 + 1, 413)])
def test_the_body_limit(module, size, status):
    with serving(module, real_server=True) as client:
        response = client.post("/uploads", content=b"x" * size)
    assert response.status == status
    if status == 200:
        assert response.json == {"received": size}


def test_sanic_enforces_the_body_limit_only_in_its_own_http_server():
    """Served over ASGI (sanic-testing's asgi_client, uvicorn...), REQUEST_MAX_SIZE is ignored."""
    with serving(with_sanic) as client:
        assert client.post("/uploads", content=b"x" * (10**6 + 1)).status == 200


def test_options(client, framework):
    """Flask answers OPTIONS for every route; Sanic without sanic-ext does not."""
    response = client.options("/settings")
    if framework == "flask":
        assert response.status == 200
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    else:
        assert response.status == 405


def test_sanic_ext_attaches_itself_unless_auto_extend_is_off():
    app = with_sanic.create_app()
    app.config["AUTO_EXTEND"] = True  # the default; read at start-up
    client = client_for(app)
    try:
        response = client.options("/settings")
    finally:
        client.close()
        Sanic.unregister_app(app)
    assert response.status == 204
    assert set(response.headers["Allow"].split(",")) == {"GET", "HEAD", "OPTIONS"}
