"""The OpenAPI document and the apps' routing tables describe the same routes."""

import re

import pytest
from sanic.exceptions import NotFound as SanicNotFound
from werkzeug.exceptions import NotFound

from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared.bodies import openapi_document
from shared.paths import read_target
from shared.problems import ResourceNotFound
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


def test_the_documented_path_rule_holds_in_both_routing_tables():
    """The description's path rule (RFC 3986), checked against what each router matches."""
    rule = openapi_document()["info"]["description"]
    assert "`%2F` is never a separator" in rule and "Empty segments are never merged" in rule
    flask_routes = create_flask_app(Settings()).url_map.bind("pyaday.test")
    sanic_router = create_sanic_app(Settings()).router
    sanic_router.finalize()  # as Sanic does when it starts serving

    def routed(path: str) -> tuple[bool, bool]:
        """Whether the Flask and the Sanic routing tables hold a GET route for the path."""
        try:
            flask_routes.match(path, method="GET")
            in_flask = True
        except NotFound:
            in_flask = False
        try:
            sanic_router.get(path, "GET", None)
            in_sanic = True
        except SanicNotFound:
            in_sanic = False
        return in_flask, in_sanic

    for documented in documented_routes():
        path = documented.replace("{name}", "boto3")
        every_letter_escaped = "".join(f"%{ord(c):02x}" if c.isalnum() else c for c in path)
        assert read_target(every_letter_escaped).path == path
        assert routed(path) == (True, True), path
        if path.count("/") > 1:
            assert routed(read_target(path.replace("/", "%2F").replace("%2F", "/", 1)).path) == (
                False,
                False,
            )
        assert isinstance(read_target("/" + path).problem, ResourceNotFound)
