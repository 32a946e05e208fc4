"""Parity: the same request sequence to a fresh Flask app and a fresh Sanic app, answers compared.

Status, the headers that matter (Content-Type, Location, ETag, Allow, WWW-Authenticate,
Cache-Control) and bodies byte for byte. Only what depends on the clock is normalized first:
``updated_at`` of written packages, their ETags, and ``max-age``; ``framework`` of ``GET /``
differs by design.

Each comparison runs twice: between the apps in process (``[in-process]``), and over real
HTTP between a fresh gunicorn and a fresh Sanic server (``[live]``, part of the live suite:
``tests/live.py``). The servers draw ``/rand`` from their own generators, which a test cannot
seed: there, its package is read as a package of the catalogue, not compared.
"""

import random
import re
import zlib
from contextlib import ExitStack, closing

import pytest

from benchmarks.servers import free_port, running_server
from shared.settings import Settings
from tests.api_support import BIG_BODY, assert_package, compact, full, minimal
from tests.clients import CURATOR_TOKEN, LiveClient
from tests.conftest import make_client
from tests.live import SERVED_BY, live_settings

HEADERS = ("Content-Type", "Location", "ETag", "Allow", "WWW-Authenticate", "Cache-Control")
WRITTEN = ("parity-one", "parity-two", "parity-three")
AUTH = {"Authorization": f"Bearer {CURATOR_TOKEN}"}
JSON = {"Content-Type": "application/json"}
MAX_AGE = re.compile(rb"max-age=[0-9]+")
CLOCK = re.compile(
    rb'("normalized_name":"(?:' + b"|".join(n.encode() for n in WRITTEN) + rb')",'
    rb'.*?"updated_at":")[^"]*(")'
)
ETAG_NOW = "{etag}"  # replaced, per app, by the current ETag of parity-one
ETAG_THREE = "{etag3}"  # and of parity-three


def j(value) -> dict:
    return {"content": compact(value), "headers": {**AUTH, **JSON}}


# (method, path, request keyword arguments); a path or header holding {etag} is filled per app.
SEQUENCE = [
    # Reads.
    ("GET", "/health", {}),
    ("GET", "/openapi.json", {}),
    ("GET", "/packages", {}),
    ("GET", "/packages?page=3&per_page=100", {}),
    ("GET", "/packages?page=51&per_page=100", {}),
    ("GET", "/packages?q=SQL&per_page=50", {}),
    ("GET", "/packages?q=aws%20sdk", {}),
    ("GET", "/packages?per_page=3&per_page=x&page=2", {}),
    ("GET", "/packages/boto3", {}),
    ("GET", "/packages/Flask_SQLAlchemy", {}),
    ("GET", "/packages/flask%2Dsqlalchemy", {}),
    ("GET", "/packages/kazoo", {}),
    ("GET", "/daily?date=2026-01-05", {}),
    ("GET", "/daily?date=2027-06-30", {}),
    ("GET", "/daily", {}),
    ("GET", "/rand", {}),
    # Upstream: the local package index.
    ("GET", "/packages/requests/releases", {}),
    ("GET", "/packages/Typing_Extensions/releases", {}),
    ("GET", "/packages/no-such-package/releases", {}),
    ("GET", "/packages/a%2Fb/releases", {}),
    ("POST", "/packages/requests/releases", {}),
    # HEADs.
    ("HEAD", "/", {}),
    ("HEAD", "/packages?page=2", {}),
    ("HEAD", "/packages/boto3", {}),
    ("HEAD", "/packages/nope-nope", {}),
    ("HEAD", "/daily?date=2026-01-05", {}),
    ("HEAD", "/rand", {}),
    ("HEAD", "/packages/requests/releases", {}),
    ("HEAD", "/export", {}),
    # Conditional reads.
    ("GET", "/packages/boto3", {"headers": {"If-None-Match": "*"}}),
    ("GET", "/packages/boto3", {"headers": {"If-None-Match": '"x", W/"y"'}}),
    # Writes.
    ("POST", "/packages", j(full("Parity_One"))),
    ("POST", "/packages", j(minimal("parity.two", summary="café ☕"))),
    ("POST", "/packages", j(minimal("PARITY-ONE"))),
    ("GET", "/packages/parity-one", {}),
    ("GET", "/packages?q=parity", {}),
    ("GET", "/packages/parity-one/releases", {}),
    ("GET", "/packages/parity-one", {"headers": {"If-None-Match": f"W/{ETAG_NOW}"}}),
    ("PUT", "/packages/parity-one", j(minimal("parity_one", version="2.0"))),
    ("PATCH", "/packages/parity-one", j({"license": "MIT", "keywords": ["a", "ü"]})),
    (
        "PATCH",
        "/packages/parity-one",
        {
            "content": compact({"license": None}),
            "headers": {**AUTH, "Content-Type": "application/merge-patch+json"},
        },
    ),
    ("PATCH", "/packages/parity-one", {**j({"author": "A"}), "If-Match": ETAG_NOW}),
    ("PUT", "/packages/parity-one", j(minimal("parity-one", summary="matched"))),
    ("DELETE", "/packages/parity-two", {"headers": AUTH}),
    ("DELETE", "/packages/parity-two", {"headers": AUTH}),
    ("GET", "/packages/parity-two", {}),
    ("POST", "/packages", j(minimal("parity-three"))),
    # Conditional writes.
    ("PATCH", "/packages/parity-one", {"if_match": '"stale"', **j({"summary": "x"})}),
    ("PATCH", "/packages/parity-one", {"if_match": f"W/{ETAG_NOW}", **j({"summary": "x"})}),
    ("PATCH", "/packages/parity-one", {"if_match": f'"a", {ETAG_NOW}', **j({"summary": "y"})}),
    ("PUT", "/packages/parity-one", {"if_match": "*", **j(minimal("parity-one"))}),
    ("DELETE", "/packages/parity-three", {"if_match": '"stale"', "headers": AUTH}),
    ("DELETE", "/packages/parity-three", {"if_match": ETAG_THREE, "headers": AUTH}),
    # Errors of every kind.
    ("GET", "/nope?x=1", {}),
    ("GET", "/packages/", {}),
    ("PUT", "/packages/", {"headers": AUTH}),
    # %2F: decoded before routing by WSGI, refused by the Sanic app itself, the same 404.
    ("GET", "/packages/a%2Fb", {}),
    ("PUT", "/packages/a%2Fb", {}),
    ("GET", "/packages/no-such-package", {}),
    ("GET", "/packages?page=0&per_page=500&q=", {}),
    ("GET", "/daily?date=2026-02-30", {}),
    ("GET", "/daily?date=", {}),
    ("POST", "/", {}),
    ("PUT", "/packages", {}),
    ("POST", "/packages/boto3", {}),
    ("OPTIONS", "/packages/boto3", {}),
    ("POST", "/packages", {"content": BIG_BODY, "headers": JSON}),
    ("POST", "/packages", {"content": compact(minimal("x")), "headers": JSON}),
    ("POST", "/packages", {"content": b"{}", "headers": {"Authorization": "Basic abc"}}),
    ("POST", "/packages", {"content": b"{}", "headers": {"Authorization": "Bearer wrong"}}),
    ("POST", "/packages", {"content": b"{", "headers": {**AUTH, "Content-Type": "text/plain"}}),
    ("POST", "/packages", {"content": b"{", "headers": {**AUTH, **JSON}}),
    ("POST", "/packages", {"content": b"[1]", "headers": {**AUTH, **JSON}}),
    ("PUT", "/packages/nope-nope", {"if_match": '"x"', **j({"colour": 1})}),
    ("PUT", "/packages/parity-one", {"if_match": '"x"', **j({"colour": 1})}),
    ("PUT", "/packages/parity-one", j(minimal("boto3"))),
    (
        "POST",
        "/packages",
        j(
            {
                "name": "-x-",
                "version": "1.0-final-final",
                "summary": 5,
                "home_page": "ftp://x",
                "requires_python": "py3",
                "keywords": ["k"] * 21,
                "download_rank": True,
                "updated_at": "x",
                "colour": "red",
            }
        ),
    ),
    ("POST", "/packages", j(minimal("boto3", version="nope"))),
    ("POST", "/packages", j(minimal("Boto3"))),
    ("PATCH", "/packages/parity-one", j({"name": "parity-one", "version": None})),
    (
        "PATCH",
        "/packages/parity-one",
        {"content": b"{}", "headers": {**AUTH, "Content-Type": "x/y"}},
    ),
    ("GET", "/packages/parity-one", {}),
    ("GET", "/packages?q=parity", {}),
]


def send(client, method, path, spec, etags):
    headers = dict(spec.get("headers", {}))
    if "if_match" in spec:
        headers["If-Match"] = spec["if_match"]
    if "If-Match" in spec:
        headers["If-Match"] = spec["If-Match"]
    for placeholder, name in ((ETAG_NOW, "parity-one"), (ETAG_THREE, "parity-three")):
        current = etags.get(name, '"none"')
        headers = {key: value.replace(placeholder, current) for key, value in headers.items()}
    random.seed(2026)  # /rand: the same draw for both apps
    response = client.request(method, path, headers=headers, content=spec.get("content"))
    name = path.split("?")[0].removeprefix("/packages/")
    if name in WRITTEN and "ETag" in response.headers:
        etags[name] = response.headers["ETag"]
    if method == "POST" and "Location" in response.headers:
        etags[response.headers["Location"].removeprefix("/packages/")] = response.headers["ETag"]
    return response


def normalized(method: str, path: str, response, unseeded_rand: bool = False) -> tuple:
    headers = {h: response.headers.get(h) for h in HEADERS}
    name = path.split("?")[0].removeprefix("/packages/")
    location = (response.headers.get("Location") or "").removeprefix("/packages/")
    if headers["ETag"] and (name in WRITTEN or location in WRITTEN):
        headers["ETag"] = "<written>"
    if headers["Cache-Control"]:
        headers["Cache-Control"] = MAX_AGE.sub(b"max-age=N", headers["Cache-Control"].encode())
    body = CLOCK.sub(rb"\1<clock>\2", response.body)
    if unseeded_rand and path == "/rand" and response.status == 200:
        headers["ETag"] = "<drawn>"
        if method == "GET":
            assert_package(response.json())
            body = b"<a package>"
    return response.status, headers, body


# The pair under test: apps in process, or real servers: one pair for all the live tests,
# which pytest-xdist keeps on one worker (``--dist loadgroup``).
LIVE = [pytest.mark.live, pytest.mark.xdist_group("parity-live")]
PAIRS = ["in-process", pytest.param("live", marks=LIVE)]


@pytest.fixture(params=PAIRS)
def twins(request, package_index):
    if request.config.getoption("--live"):
        pytest.skip("parity compares two apps or two servers; --live runs one server")
    if request.param == "live":
        return request.getfixturevalue("live_pair")
    settings = Settings(curator_tokens=(CURATOR_TOKEN,), index_url=package_index.url)
    clients = [make_client("flask", settings), make_client("sanic", settings)]
    request.addfinalizer(lambda: [client.close() for client in clients])
    return clients


@pytest.fixture(scope="module")
def live_pair(package_index, tmp_path_factory):
    """A gunicorn and a Sanic server of this module's own: the same seed catalogue, then the
    same requests (the API suite's live servers see other tests' writes)."""
    folder = tmp_path_factory.mktemp("parity")
    with ExitStack() as stack:
        env = live_settings(package_index.url)
        servers = [
            stack.enter_context(running_server(framework, folder / f"{framework}.log", env=env))
            for framework in SERVED_BY
        ]
        clients = [stack.enter_context(closing(LiveClient(server.url))) for server in servers]
        yield clients


def test_both_apps_answer_the_same_sequence_identically(twins):
    etags = ({}, {})
    live = twins[0].framework == "live"
    for step, (method, path, spec) in enumerate(SEQUENCE):
        answers = [
            normalized(method, path, send(client, method, path, spec, tags), unseeded_rand=live)
            for client, tags in zip(twins, etags, strict=True)
        ]
        assert answers[0] == answers[1], (step, method, path)
        if method == "HEAD":
            assert answers[0][2] == b""
    if not live:
        assert [client.framework for client in twins] == ["flask", "sanic"]


def test_index_differs_only_by_framework(twins):
    bodies = [client.get("/").json() for client in twins]
    assert [body.pop("framework") for body in bodies] == ["flask", "sanic"]
    assert bodies[0] == bodies[1]
    assert [client.get("/").headers["Content-Type"] for client in twins] == ["application/json"] * 2


def test_the_whole_seed_catalogue_is_byte_identical(twins):
    pages = [
        b"".join(c.get(f"/packages?page={p}&per_page=100").body for p in (1, 25, 50)) for c in twins
    ]
    assert pages[0] == pages[1]


def test_both_apps_export_the_same_bytes_after_decompression(twins):
    """The contract compares exports decompressed; both read as sent (``stream``)."""
    for client in twins:
        client.post("/packages", content=compact(full("Parity_One")), headers={**AUTH, **JSON})
    exports = [client.stream("/export")[0] for client in twins]
    answers = [normalized("GET", "/export", response)[:2] for response in exports]
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert [response.headers.get("Content-Encoding") for response in exports] == ["gzip"] * 2
    lines = [CLOCK.sub(rb"\1<clock>\2", zlib.decompress(r.body, wbits=31)) for r in exports]
    assert lines[0] == lines[1]
    assert lines[0].count(b"\n") == 5001


# (index mode, delay in ms, or None for an index that is down): 502, 502, 504, 504, 502.
INDEX_FAILURES = {"500": ("error", 0), "garbage": ("garbage", 0), "slow": ("ok", 60_000)}
INDEX_FAILURES |= {"hang": ("hang", 0), "down": None}
# The live pair asks the session's package index, which stays up: no "down" for it.
FAILURE_CASES = [
    pytest.param(failure, "in-process", id=f"{name}-in-process")
    for name, failure in INDEX_FAILURES.items()
] + [
    pytest.param(failure, "live", id=f"{name}-live", marks=LIVE)
    for name, failure in INDEX_FAILURES.items()
    if failure is not None
]


@pytest.mark.parametrize(("failure", "pair"), FAILURE_CASES)
def test_both_apps_answer_index_failures_identically(request, package_index, failure, pair):
    if request.config.getoption("--live"):
        pytest.skip("parity compares two apps or two servers; --live runs one server")
    if pair == "live":
        twins = request.getfixturevalue("live_pair")
    else:
        down = f"http://127.0.0.1:{free_port()}"
        twins = impatient_twins(package_index.url if failure else down)
    path = "/packages/requests/releases"
    try:
        with package_index.behaving(*(failure or ("ok", 0))):
            for method in ("GET", "HEAD"):
                answers = [normalized(method, path, twin.request(method, path)) for twin in twins]
                assert answers[0] == answers[1], method
                assert answers[0][0] in (502, 504)
    finally:
        if pair == "in-process":
            for twin in twins:
                twin.close()


def impatient_twins(index_url: str) -> list:
    """A fresh pair of apps that give up on the index after 0.2 s."""
    settings = Settings(index_url=index_url, index_timeout=0.2)
    return [make_client("flask", settings), make_client("sanic", settings)]
