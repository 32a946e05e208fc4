"""Fixtures: the app of each framework, and one client interface over both.

Layered like Flask's tutorial: ``settings`` → ``api`` (one app, either framework) → helpers.
Every test that takes ``api`` runs once per framework; with ``--live URL`` it runs once,
over real HTTP, against whatever server answers there.
"""

import dataclasses

import pytest

from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared.settings import Settings
from tests.clients import CURATOR_TOKEN, FlaskClient, LiveClient, SanicClient

FRAMEWORKS = ("flask", "sanic")


def pytest_addoption(parser):
    parser.addoption(
        "--live",
        metavar="URL",
        help="run the API suite over real HTTP against a running server at URL",
    )


def pytest_generate_tests(metafunc):
    if "framework" in metafunc.fixturenames:
        live = metafunc.config.getoption("--live")
        metafunc.parametrize("framework", ["live"] if live else FRAMEWORKS)


@pytest.fixture
def live_url(request):
    return request.config.getoption("--live")


@pytest.fixture
def settings() -> Settings:
    return Settings(curator_tokens=(CURATOR_TOKEN,))


def make_client(framework: str, settings: Settings, live_url: str | None = None):
    if framework == "live":
        return LiveClient(live_url)
    if framework == "flask":
        return FlaskClient(create_flask_app(settings))
    return SanicClient(create_sanic_app(settings))


@pytest.fixture
def api(framework, settings, live_url):
    client = make_client(framework, settings, live_url)
    yield client
    client.close()


@pytest.fixture
def empty_api(framework, settings, live_url):
    """An app whose catalogue starts empty (a live server's cannot be emptied: skipped)."""
    if framework == "live":
        pytest.skip("a live server's catalogue cannot be emptied from a test")
    client = make_client(framework, dataclasses.replace(settings, seed_catalogue=False))
    yield client
    client.close()
