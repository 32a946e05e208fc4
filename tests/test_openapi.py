"""The OpenAPI document and the apps' routing tables describe the same routes."""

import re

import pytest

from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared.bodies import openapi_document
from shared.settings import Settings

CONTRACT_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}


def documented_routes() -> dict[str, set[str]]:
    routes = {}
    for path, item in openapi_document()["paths"].items():
        methods = {method.upper() for method in item if method != "parameters"}
        if "GET" in methods:
            methods.add("HEAD")  # the contract: every GET route answers HEAD
        routes[path] = methods
    return routes


def flask_routes() -> dict[str, set[str]]:
    app = create_flask_app(Settings())
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routes.setdefault(path, set()).update(rule.methods & CONTRACT_METHODS)
    return routes


def sanic_routes() -> dict[str, set[str]]:
    app = create_sanic_app(Settings())
    routes = {}
    for route in app.router.routes:
        # Sanic writes parameters as <name:type>, Flask as <converter:name>.
        path = "/" + re.sub(r"<(\w+)(?::\w+)?>", r"{\1}", route.path).lstrip("/")
        routes.setdefault(path, set()).update(set(route.methods) & CONTRACT_METHODS)
    return routes


@pytest.mark.parametrize("routes", [flask_routes, sanic_routes], ids=["flask", "sanic"])
def test_apps_serve_exactly_the_documented_routes(routes):
    assert routes() == documented_routes()


def test_document_is_openapi_3_1_with_every_problem_response_resolvable():
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    responses = document["components"]["responses"]
    references = [
        response["$ref"].removeprefix("#/components/responses/")
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
        if "$ref" in response
    ]
    assert references
    assert set(references) <= set(responses)
