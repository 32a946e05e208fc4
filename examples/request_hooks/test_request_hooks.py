"""Hooks before and after the handler: the same order, the same early return, in both apps."""

import asyncio

import pytest
from sanic import Sanic, text

from examples.request_hooks.pool import Pool

IN_ORDER = "before-1,before-2,handler,after-2,after-1"
EARLY = "before-1,before-2,after-2,after-1"


@pytest.fixture
def pool() -> Pool:
    return Pool()


@pytest.fixture
def app_options(pool) -> dict:
    return {"pool": pool}


def test_before_hooks_in_order_after_hooks_in_reverse(client, pool):
    response = client.get("/work")
    assert response.status == 200
    assert response.headers["X-Trace"] == IN_ORDER
    assert response.headers["Cache-Control"] == "no-store"
    assert pool.in_use == 0


def test_returning_early_skips_the_handler_not_the_after_hooks(app, client, pool):
    app.config["MAINTENANCE"] = True
    response = client.get("/work")
    assert response.status == 503
    assert response.json == {"detail": "down for maintenance"}
    assert response.headers["X-Trace"] == EARLY
    assert pool.in_use == 0


def test_a_failing_handler_still_gets_its_after_hooks_and_teardown(client, pool):
    response = client.get("/fail")
    assert response.status == 500
    assert response.headers["X-Trace"] == IN_ORDER
    assert pool.in_use == 0


def test_no_route_still_runs_the_hooks(client, pool):
    response = client.get("/nowhere")
    assert response.status == 404
    assert response.headers["X-Trace"] == EARLY
    assert pool.lent == 1
    assert pool.in_use == 0


# region: the-flask-habit-that-breaks-sanic
def test_sanic_response_middleware_that_returns_the_response_stops_the_chain():
    """A Flask after_request must return the response; a Sanic on_response must not.

    Ported as is, ``return response`` makes Sanic treat it as a replacement response and skip
    every response middleware still to run, silently.
    """
    app = Sanic("cookbook-request-hooks-habit")
    ran = []

    @app.on_response
    async def registered_first_runs_last(request, response):
        ran.append("first")

    @app.on_response
    async def ported_from_flask(request, response):
        ran.append("ported")
        return response

    @app.get("/")
    async def index(request):
        return text("ok")

    try:
        asyncio.run(app.asgi_client.get("/"))
    finally:
        Sanic.unregister_app(app)
    assert ran == ["ported"]


# endregion
