"""Contract fuzzing: requests generated from ``shared/openapi.json`` sent to both apps.

Schemathesis generates requests for every operation of the document, inside the schema and
outside it (negative data), with a fixed seed and a bounded number of examples per operation.
Each request goes to the Flask app over WSGI and to the Sanic app over ASGI, in process, with a
valid curator token (the 401 rules have tests of their own), and every answer must:

- never be a 500;
- conform to the document: a documented status, content type, headers and body schema;
  a request outside the schema is refused with a 4xx;
- have the same status from both apps (for each operation, a fresh pair of apps that start
  with the same catalogue and see the same requests in the same order).

``make test`` runs a few examples per operation; ``make soak`` runs many more
(``PYADAY_FUZZ_EXAMPLES``).
"""

import os
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from sanic import Sanic
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from flask_app import create_app as create_flask_app
from sanic_app import create_app as create_sanic_app
from shared.settings import Settings
from tests import strategies
from tests.clients import CURATOR_TOKEN

DOCUMENT = Path(__file__).resolve().parent.parent / "shared" / "openapi.json"
EXAMPLES = int(os.environ.get("PYADAY_FUZZ_EXAMPLES", "10"))
SEED = 20261125
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
CURATOR = {"Authorization": f"Bearer {CURATOR_TOKEN}"}

# The document's own formats: PEP 508 names, PEP 440 versions and specifier sets, http URLs.
for format_name, strategy in {
    "pep508-name": strategies.names | strategies.seed_names | strategies.names_at_the_limit,
    "pep440-version": strategies.versions | strategies.versions_at_the_limit,
    "pep440-specifiers": strategies.specifiers,
    "http-url": strategies.http_urls,
}.items():
    schemathesis.openapi.format(format_name, strategy)

schema = schemathesis.openapi.from_path(DOCUMENT)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    with_security_parameters=False,  # the token is added to every request instead
)
# API.md checks If-Match (412) before the rules (422): a stale If-Match refuses any body first.
rejection = schema.config.checks.negative_data_rejection
rejection.expected_statuses = [*rejection.expected_statuses, "412"]

# Sanic's own ASGI entry point, kept before sanic-testing's clients (used by other tests in the
# same process) replace Sanic.__call__ for every app with one that needs their set-up.
SANIC_ASGI = Sanic.__call__
ANSWERS: Counter = Counter()  # (operation, status): how often, for the report below


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the names in paths name a package of the catalogue, so reads and writes find one."""
    if not path_parameters or "name" not in path_parameters:
        return st.just(path_parameters)
    existing = strategies.seed_names.map(lambda name: {**path_parameters, "name": name})
    return st.just(path_parameters) | existing


@schema.hook
def map_case(context, case):
    """A valid PUT replaces the package of its path, so its body names it (else 422, tested
    elsewhere). Bodies generated outside the schema are sent as generated."""
    positive = case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE
    if positive and case.method == "PUT" and isinstance(case.body, dict) and "name" in case.body:
        case.body["name"] = case.path_parameters["name"]
    return case


@pytest.fixture
def apps():
    """A fresh pair for each operation: Schemathesis ends an ASGI app's lifespan after each test,
    and a Sanic app cannot start twice."""
    settings = Settings(curator_tokens=(CURATOR_TOKEN,))
    sanic_app = create_sanic_app(settings)
    sanic_app.config.TOUCHUP = False  # seconds of start-up that a few requests do not need
    flask_app = create_flask_app(settings)
    yield {"flask": flask_app, "sanic": partial(SANIC_ASGI, sanic_app)}
    flask_app.extensions["pyaday"]["store"].close()


@schema.parametrize()
@seed(SEED)
@settings(deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_both_apps_answer_every_generated_request_alike(case, apps):
    statuses = {}
    for name, app in apps.items():
        response = case.call(app=app, headers=CURATOR)
        case.validate_response(response, checks=CHECKS, headers=CURATOR)
        statuses[name] = response.status_code
    assert statuses["flask"] == statuses["sanic"], statuses
    ANSWERS[f"{case.method} {case.path}", statuses["flask"]] += 1


@pytest.fixture(scope="module", autouse=True)
def report_examples_tried():
    """With ``-s``: requests per documented operation, and how many were refused (4xx)."""
    yield
    operations = sorted({operation for operation, _status in ANSWERS})
    print(f"\n{'operation':28} {'requests':>8} {'2xx':>6} {'4xx':>6}  statuses")
    for operation in operations:
        statuses = {status: n for (op, status), n in ANSWERS.items() if op == operation}
        ok = sum(n for status, n in statuses.items() if status < 300)
        refused = sum(n for status, n in statuses.items() if 400 <= status < 500)
        counts = f"{sum(statuses.values()):8} {ok:6} {refused:6}"
        print(f"{operation:28} {counts}  {dict(sorted(statuses.items()))}")
