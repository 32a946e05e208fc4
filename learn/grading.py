"""The pytest plugin behind ``make workshop-check``: each API test's routes and its outcome.

Loaded with ``-p learn.grading`` next to ``--app``. Every adapter of ``tests/clients.py``
records the requests a test sends; this plugin maps each path to the route of
``shared.routes`` it matches (HEAD counts as GET), and writes to the JSON file named by
``--grading-report``: per test, those routes, whether it passed and, if not, why in one line;
which framework the app is and which routes it serves; and every route of the contract (the
reference Flask app's).
"""

import json
import re
import traceback
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from shared import routes
from tests.clients import ApiClient

OTHER_PATHS = "other paths (unknown routes, errors)"
# Every path shared.routes defines (INDEX, PACKAGE...), in the order it defines them.
ROUTE_PATHS = [
    value
    for name, value in vars(routes).items()
    if name.isupper() and isinstance(value, str) and value.startswith("/")
]
_PATTERNS = [
    (path, re.compile("^" + re.sub(r"<\w+>", "[^/]+", re.escape(path)) + "$"))
    for path in ROUTE_PATHS
]


def route_of(method: str, target: str) -> str:
    """``GET /packages/<name>`` for ``HEAD /packages/Flask?x=1``; unknown paths are grouped."""
    path = urlsplit(target).path
    for route, pattern in _PATTERNS:
        if pattern.match(path):
            return f"{'GET' if method == 'HEAD' else method} {route}"
    return OTHER_PATHS


def pytest_addoption(parser):
    parser.addoption("--grading-report", metavar="JSON", help="where learn.grading writes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "teardown":  # clean-up requests (Scratch deleting) test nothing
        return
    clients = [
        value for value in getattr(item, "funcargs", {}).values() if isinstance(value, ApiClient)
    ]
    requested = {route_of(method, path) for client in clients for method, path in client.requests}
    report.user_properties.append(("routes", sorted(requested)))


def routes_served(app) -> dict:
    """The framework of ``app`` and its routes, written as ``shared.routes`` writes them."""
    if hasattr(app, "url_map"):  # Flask
        pairs = [
            (rule.rule, rule.methods)
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
        ]
        framework = "flask"
    else:  # Sanic writes a parameter with its type: "/packages/<name:str>"
        pairs = [
            (re.sub(r"<(\w+):[^>]+>", r"<\1>", route.uri), route.methods)
            for route in app.router.routes
        ]
        framework = "sanic"
    methods = ("GET", "POST", "PUT", "PATCH", "DELETE")  # HEAD goes with GET; OPTIONS is no route
    routes = [
        f"{method} {path}" for path, allowed in pairs for method in methods if method in allowed
    ]
    return {"framework": framework, "routes": routes}


def inspect_app(spec: str) -> dict:
    """Build the app once, as the tests will (memory store), and read what it serves."""
    from shared.settings import Settings
    from tests.conftest import load_factory

    try:
        return routes_served(load_factory(spec)(Settings()))
    except Exception:  # the attendee's app does not build: the report says where
        return {"error": traceback.format_exc()}


def contract_routes() -> list[str]:
    """Every route of the contract, in the order the reference Flask app registers them."""
    from flask_app import create_app

    return routes_served(create_app())["routes"]


def failure_reason(report) -> str:
    """One line an attendee reads first: the exception the app logged (a 500's cause, a
    blocked loop), else the test's own failed check, cut short."""
    logged = report.caplog.splitlines()
    for number, line in enumerate(logged):
        if line.startswith("Traceback (most recent call last):"):
            # The exception's own line is the first one after the indented frames.
            cause = next((text for text in logged[number + 1 :] if text[:1].strip()), None)
            if cause:
                return _short(cause)
    crash = getattr(report.longrepr, "reprcrash", None)
    return _short(crash.message if crash else str(report.longrepr))


def _short(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "(no message)"
    return line if len(line) <= limit else line[: limit - 1] + "…"


class Grades:
    def __init__(self) -> None:
        self.tests: dict[str, dict] = {}

    def pytest_runtest_logreport(self, report):
        test = self.tests.setdefault(
            report.nodeid, {"routes": set(), "outcome": "passed", "failure": None}
        )
        for name, value in report.user_properties:
            if name == "routes":
                test["routes"].update(value)
        if report.failed:
            test["outcome"] = "failed"
            test["failure"] = test["failure"] or failure_reason(report)
        elif report.skipped and test["outcome"] == "passed":
            test["outcome"] = "skipped"


def pytest_configure(config):
    config._grades = Grades()
    config.pluginmanager.register(config._grades, "learn-grades")


def pytest_sessionfinish(session):
    path = session.config.getoption("--grading-report")
    if not path:
        return
    tests = {
        nodeid: {**test, "routes": sorted(test["routes"])}
        for nodeid, test in session.config._grades.tests.items()
    }
    report = {
        "app": inspect_app(session.config.getoption("--app")),
        "contract": contract_routes(),
        "tests": tests,
    }
    Path(path).write_text(json.dumps(report, indent=1), encoding="utf-8")
