"""Hostile input through each app's own test client (and a live server with ``--live``).

The rules of issue 12 that a test client can send: paths read by RFC 3986, malformed
conditional headers, bodies that would crash a decoder, header bytes, the 64 KiB limit on
every method. What no client library sends (broken framing, a bad request line, ``//``) is
in ``tests/test_hostile_corpus.py``, as raw bytes to the real servers.
"""

import dataclasses

import pytest

from shared.model import MAX_DOWNLOAD_RANK
from tests.api_support import (
    BIG_BODY,
    Scratch,
    Snapshot,
    compact,
    json_body,
    minimal,
    package_body,
    problem,
    validation_errors,
)
from tests.conftest import make_client

TOKEN = {"Authorization": "Bearer test-curator-token"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def target(api):
    """A fresh package to aim hostile writes at: ``(path, etag, snapshot)``."""
    scratch = Scratch(api)
    created, etag = scratch.create()
    path = f"/packages/{created['normalized_name']}"
    yield path, etag, Snapshot(api, path)
    scratch.cleanup()


def test_percent_encoded_unreserved_characters_are_the_characters(api):
    canonical = api.get("/packages/boto3")
    for path in ("/%70ackages/boto3", "/packages/%62oto3", "/%70%61ckages/bot%6f3"):
        response = api.get(path)
        assert package_body(response)["name"] == "boto3"
        assert response.body == canonical.body
        assert response.headers["ETag"] == canonical.headers["ETag"]


def test_an_encoded_slash_is_never_a_separator(api, target):
    path, _, snapshot = target
    name = path.removeprefix("/packages/")
    # One segment, "packages/<name>": no route, whatever the method (a proxy rule written for
    # /packages/... is not bypassed this way).
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        response = api.call(method, f"/packages%2F{name}", json={}, curator=True)
        problem(response, 404, f"/packages%2F{name}")
    # The item route, for a package whose name holds a slash: there is none.
    body = problem(api.get("/packages/a%2Fb"), 404, "/packages/a%2Fb")
    assert "'a/b'" in body["detail"]
    problem(api.delete(f"/packages/{name}%2F", curator=True), 404, f"/packages/{name}%2F")
    snapshot.assert_unchanged()


def test_a_malformed_escape_in_the_path_is_400(api):
    for path in ("/packages/boto3%", "/packages/bo%zzto3", "/%7", "/packages/%2"):
        body = problem(api.get(path), 400, "*")
        assert body["type"] == "https://pyaday.dev/problems/bad-request"


MALFORMED_LISTS = ["junk{etag}", "w/{etag}", '"nope", x{etag}', "{etag} x", "*, {etag}"]


def test_a_malformed_conditional_header_matches_nothing(api, target):
    path, etag, snapshot = target
    for template in MALFORMED_LISTS:
        header = template.format(etag=etag)
        for method, body in (("PUT", minimal(path.removeprefix("/packages/"))), ("DELETE", None)):
            response = api.call(method, path, json=body, headers={"If-Match": header}, curator=True)
            problem(response, 412, path)
        response = api.patch(
            path, json={"summary": "x"}, headers={"If-Match": header}, curator=True
        )
        problem(response, 412, path)
        package_body(api.get(path, headers={"If-None-Match": header}))
    snapshot.assert_unchanged()


DECODER_BOMBS = [
    b"[" * 20_000 + b"]" * 20_000,
    b'{"keywords": ' + b"[" * 4_000 + b"]" * 4_000 + b"}",
    b'{"a":' * 4_000 + b"1" + b"}" * 4_000,
    b'{"name": "a", "name": "b"}',
    b"\xef\xbb\xbf{}",
]


def test_bodies_that_would_crash_a_decoder_are_400(api, target):
    path, _, snapshot = target
    for content in DECODER_BOMBS:
        for method, where in (("POST", "/packages"), ("PUT", path), ("PATCH", path)):
            response = api.call(method, where, content=content, headers={**TOKEN, **JSON})
            body = problem(response, 400, where)
            assert "Recursion" not in body["detail"] and "sys." not in body["detail"]
    snapshot.assert_unchanged()


def test_numbers_and_versions_too_large_are_422_naming_the_field(api, target):
    path, _, snapshot = target
    name = path.removeprefix("/packages/")
    start = compact(minimal(name))[:-1]
    cases = [
        (b',"download_rank":1e400}', "download_rank"),
        (b',"download_rank":1' + b"0" * 5_000 + b"}", "download_rank"),
        (b',"download_rank":%d}' % (MAX_DOWNLOAD_RANK + 1), "download_rank"),
        (b',"license":-1e999}', "license"),
        (b',"version":"1' + b"1" * 4_300 + b'"}', "version"),
    ]
    for end, field in cases:
        content = start.replace(b'"version":"1.0.0",', b"") if field == "version" else start
        for method, where in (("POST", "/packages"), ("PUT", path)):
            response = api.call(method, where, content=content + end, headers={**TOKEN, **JSON})
            assert validation_errors(response, where) == [field]
    snapshot.assert_unchanged()


def test_header_bytes_are_octets_in_both_apps(framework, settings):
    if framework == "live":
        pytest.skip("needs its own curator token")
    token = "tökén-of-the-curators"
    api = make_client(framework, dataclasses.replace(settings, curator_tokens=(token,)))
    try:
        as_utf8 = b"Bearer " + token.encode("utf-8")
        as_latin1 = b"Bearer " + token.encode("latin-1")
        body = compact(minimal("octet-token-package"))
        created = api.post("/packages", content=body, headers={**JSON, "Authorization": as_utf8})
        package_body(created, 201)
        for authorization in (as_latin1, b"Bearer \xff", as_utf8 + b"\xc2\xa0"):
            headers = {**JSON, "Authorization": authorization}
            problem(api.post("/packages", content=body, headers=headers), 401, "/packages")
        headers = {"Authorization": as_utf8, "Content-Type": b"text/\xff"}
        refused = problem(api.post("/packages", content=body, headers=headers), 415, "/packages")
        assert refused["detail"].endswith("not a malformed Content-Type.")
    finally:
        api.close()


def test_every_method_is_held_to_64_kib_once_routed(api, framework):
    for method, path in (("GET", "/"), ("GET", "/packages/boto3"), ("HEAD", "/health")):
        response = api.call(method, path, content=BIG_BODY)
        if method == "HEAD":
            assert response.status == 413 and response.body == b""
        else:
            problem(response, 413, path)
    if framework != "live":  # Sanic's server closes the connection on an unread oversize body
        problem(api.get("/nope", content=BIG_BODY), 404, "/nope")
    json_body(api.get("/", content=b"x" * 65_536))
