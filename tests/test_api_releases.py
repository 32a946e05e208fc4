"""``GET /packages/{name}/releases`` against both apps, over every store, and with ``--live``.

The apps ask the local package index (``benchmarks/index.py``), started once a session; a test
switches its mode (500, garbage, hang) or its delay for a block, and reads how many requests it
received to tell whether an app asked it at all.
"""

import dataclasses
from datetime import datetime

import pytest
from packaging.version import InvalidVersion, Version

from benchmarks.servers import free_port
from tests.api_support import empty, json_body, problem
from tests.conftest import make_client

CACHE_CONTROL = "public, max-age=300"
RELEASE_FIELDS = ["version", "uploaded_at", "yanked"]
# In-process apps built to give up on the index quickly; tests.live starts its servers so.
QUICK_TIMEOUT = 0.2
# A delay no timeout here waits out.
FOREVER_MS = 60_000

# What the index serves for requests (benchmarks/index.py), read by the rules of API.md and
# openapi.json: 2.34.2b1 has no files and 2.34.2-legacy is not PEP 440, so neither is listed;
# 2.34.2's wheel came 95 s before its sdist; 2.34.1 has every file yanked, 0.1 one of two.
REQUESTS_RELEASES = [
    {"version": "2.34.2", "uploaded_at": "2026-05-10T17:58:41Z", "yanked": False},
    {"version": "2.34.2rc1", "uploaded_at": "2026-04-28T17:58:41Z", "yanked": False},
    {"version": "2.34.1", "uploaded_at": "2026-03-11T17:58:41Z", "yanked": True},
    {"version": "0.1", "uploaded_at": "2025-04-05T17:58:41Z", "yanked": False},
]


@pytest.fixture
def index(package_index):
    if package_index is None:
        pytest.skip("with --live, pass --index URL: the package index the live server asks")
    return package_index


@pytest.fixture
def impatient_api(framework, settings, live_url):
    """The app, giving up on the index after QUICK_TIMEOUT (a live server has its own)."""
    client = make_client(
        framework, dataclasses.replace(settings, index_timeout=QUICK_TIMEOUT), live_url
    )
    yield client
    client.close()


@pytest.fixture
def api_without_index(framework, settings):
    """The app, pointed at a port where nothing listens."""
    if framework == "live":
        pytest.skip("a live server's package index cannot be taken down from a test")
    nowhere = f"http://127.0.0.1:{free_port()}"
    client = make_client(framework, dataclasses.replace(settings, index_url=nowhere))
    yield client
    client.close()


def releases_body(response, normalized_name: str) -> list[dict]:
    body = json_body(response)
    assert list(body) == ["normalized_name", "releases"]
    assert body["normalized_name"] == normalized_name
    assert response.headers.get("Cache-Control") == CACHE_CONTROL
    for release in body["releases"]:
        assert list(release) == RELEASE_FIELDS
    return body["releases"]


def expected_releases(project: dict) -> list[dict]:
    """The contract's readings applied to the index's own answer, written apart from shared/."""
    listed = []
    for text, files in project["releases"].items():
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if files:
            first = min(datetime.fromisoformat(file["upload_time_iso_8601"]) for file in files)
            uploaded_at = first.strftime("%Y-%m-%dT%H:%M:%SZ")
            yanked = all(file["yanked"] for file in files)
            listed.append(
                (version, {"version": text, "uploaded_at": uploaded_at, "yanked": yanked})
            )
    return [release for _, release in sorted(listed, key=lambda pair: pair[0], reverse=True)]


def test_releases_newest_first_by_pep_440(api, index):
    response = api.get("/packages/requests/releases")
    assert releases_body(response, "requests") == REQUESTS_RELEASES


# Latest versions of several shapes: final, beta, post, one part, four parts, N.0.0.
SHAPES = [
    "boto3",
    "opentelemetry-instrumentation",
    "outcome",
    "pywin32",
    "trove-classifiers",
    "rich",
]


def test_every_package_follows_the_readings(api, index):
    for name in SHAPES:
        releases = releases_body(api.get(f"/packages/{name}/releases"), name)
        assert releases == expected_releases(index.project(name)), name
        assert releases[0]["version"] == json_body(api.get(f"/packages/{name}"))["version"]


def test_any_spelling_of_the_name_asks_for_the_normalized_one(api, index):
    canonical = api.get("/packages/typing-extensions/releases")
    for spelling in ("Typing_Extensions", "TYPING.extensions", "typing--extensions"):
        response = api.get(f"/packages/{spelling}/releases")
        assert response.status == 200
        assert response.body == canonical.body


def test_head_has_the_status_and_headers_of_get_and_no_body(api, index):
    for path in ("/packages/requests/releases", "/packages/no-such-package/releases"):
        got, head = api.get(path), api.head(path)
        empty(head, got.status)
        for name in ("Content-Type", "Cache-Control"):
            assert head.headers.get(name) == got.headers.get(name)


def test_a_package_not_in_the_catalogue_is_404_and_the_index_is_not_asked(api, index):
    asked = index.requests()
    response = api.get("/packages/requests-but-not-here/releases")
    problem(response, 404, "/packages/requests-but-not-here/releases")
    assert index.requests() == asked


def test_a_package_the_index_does_not_know_is_404(api, index, scratch):
    created, _ = scratch.create()
    path = f"/packages/{created['normalized_name']}/releases"
    asked = index.requests()
    body = problem(api.get(path), 404, path)
    assert body["type"] == "https://pyaday.dev/problems/not-found"
    assert "index" in body["detail"]
    assert index.requests() == asked + 1


@pytest.mark.parametrize("mode", ["error", "garbage"])
def test_an_index_answering_500_or_garbage_is_502(api, index, mode):
    path = "/packages/requests/releases"
    with index.behaving(mode):
        body = problem(api.get(path), 502, path)
        empty(api.head(path), 502)
    assert body["type"] == "https://pyaday.dev/problems/bad-gateway"
    # The pool is not left broken: the next answer is good again.
    assert releases_body(api.get(path), "requests") == REQUESTS_RELEASES


@pytest.mark.parametrize(("mode", "delay_ms"), [("ok", FOREVER_MS), ("hang", 0)])
def test_an_index_slower_than_the_timeout_or_silent_is_504(impatient_api, index, mode, delay_ms):
    path = "/packages/requests/releases"
    with index.behaving(mode, delay_ms):
        body = problem(impatient_api.get(path), 504, path)
    assert body["type"] == "https://pyaday.dev/problems/gateway-timeout"
    assert releases_body(impatient_api.get(path), "requests") == REQUESTS_RELEASES


def test_an_index_that_is_down_is_502(api_without_index):
    path = "/packages/requests/releases"
    body = problem(api_without_index.get(path), 502, path)
    assert body["type"] == "https://pyaday.dev/problems/bad-gateway"
