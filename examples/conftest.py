"""Each cookbook test sends the same requests to an example's Flask app and to its Sanic twin.

A test module sits beside ``with_flask.py`` and ``with_sanic.py``; the ``client`` fixture runs
each of its tests twice, once per framework, through the framework's own in-process test
client (``examples/clients.py``).
"""

import importlib

import pytest
from sanic import Sanic

from examples.clients import client_for

FRAMEWORKS = ("flask", "sanic")


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
    adapter = client_for(app)
    yield adapter
    adapter.close()
