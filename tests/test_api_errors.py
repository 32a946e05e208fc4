"""Bad writes of every kind, and the order in which API.md checks them.

Each test sends its bad writes at a package it created (or at ``/packages``), checks every
answer is the exact problem, then proves the catalogue is unchanged: same total, same package
bytes and ETag. Cases are looped inside a test rather than parametrized, because each request
to the Sanic test client restarts the app.
"""

import pytest

from tests.api_support import (
    BIG_BODY,
    Snapshot,
    compact,
    full,
    minimal,
    package_body,
    problem,
    validation_errors,
)
from tests.clients import CURATOR_TOKEN

TOKEN = {"Authorization": f"Bearer {CURATOR_TOKEN}"}
JSON = {"Content-Type": "application/json"}
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}
MISSING = "/packages/no-such-package-here"


@pytest.fixture
def target(api, scratch):
    """A fresh package to aim bad writes at: ``(path, body, etag, snapshot)``."""
    created, etag = scratch.create(full(scratch.name()))
    path = f"/packages/{created['normalized_name']}"
    return path, created, etag, Snapshot(api, path)


def send(api, method, path, content=None, headers=None):
    return api.call(method, path, content=content, headers=headers)


WRITES = ("POST", "PUT", "PATCH", "DELETE")
BODY_WRITES = ("POST", "PUT", "PATCH")


def where(method: str, path: str) -> str:
    return "/packages" if method == "POST" else path


# --- 400: not JSON, or not a JSON object -----------------------------------------------------


NOT_JSON = [b"", b"{", b"nope", b"{'name': 'x'}", b'{"name": "x",}', b"NaN", b"\xff\xfe{}", b"{}x"]
# JSON escapes of lone UTF-16 surrogates: JSON syntax, but no text that UTF-8 can hold.
NOT_JSON += [rb'{"summary": "\ud800"}', rb'{"\udfff": 1}']
NOT_AN_OBJECT = [b"[]", b'[{"name": "x"}]', b'"text"', b"42", b"true", b"null"]


def test_malformed_json_is_400(api, target):
    path, _, _, snapshot = target
    for method in BODY_WRITES:
        for content in NOT_JSON + NOT_AN_OBJECT:
            response = send(api, method, where(method, path), content, {**TOKEN, **JSON})
            problem(response, 400, where(method, path))
    snapshot.assert_unchanged()


# --- 401: no valid curator token -------------------------------------------------------------


BAD_AUTHORIZATION = [
    None,
    "Bearer",
    f"Basic {CURATOR_TOKEN}",
    f"Token {CURATOR_TOKEN}",
    CURATOR_TOKEN,
    "Bearer wrong-token",
    f"Bearer {CURATOR_TOKEN}x",
    f"Bearer {CURATOR_TOKEN[:-1]}",
    f"Bearer {CURATOR_TOKEN.upper()}",
]


def test_missing_malformed_or_unknown_token_is_401(api, target):
    path, created, _, snapshot = target
    body = compact(minimal(created["name"], summary="unauthorized"))
    for method in WRITES:
        for authorization in BAD_AUTHORIZATION:
            headers = dict(JSON)
            if authorization is not None:
                headers["Authorization"] = authorization
            response = send(api, method, path if method != "POST" else "/packages", body, headers)
            problem(response, 401, where(method, path))
            assert response.headers["WWW-Authenticate"] == "Bearer", authorization
    snapshot.assert_unchanged()


def test_401_does_not_echo_the_token(api):
    response = api.post("/packages", json={}, headers={"Authorization": "Bearer s3cret-guess"})
    problem(response, 401, "/packages")
    assert b"s3cret-guess" not in response.body


# --- 413: body over 64 KiB -------------------------------------------------------------------


def test_body_over_64_kib_is_413_even_without_a_token(api, target):
    path, _, _, snapshot = target
    for method in WRITES:
        for headers in ({}, JSON, {**TOKEN, **JSON}, {**TOKEN, "Content-Type": "text/plain"}):
            response = send(
                api, method, path if method != "POST" else "/packages", BIG_BODY, headers
            )
            problem(response, 413, where(method, path))
            assert "WWW-Authenticate" not in response.headers
    snapshot.assert_unchanged()


def test_64_kib_exactly_is_accepted(api, scratch):
    # "Over 64 KiB" is refused: a body of exactly 65,536 bytes (padded with JSON whitespace) is not.
    name = scratch.name()
    content = compact(minimal(name))
    content = content[:-1] + b" " * (64 * 1024 - len(content)) + b"}"
    assert len(content) == 64 * 1024
    response = api.post("/packages", content=content, headers={**TOKEN, **JSON})
    assert package_body(response, 201)["name"] == name
    problem(
        api.post("/packages", content=content + b" ", headers={**TOKEN, **JSON}), 413, "/packages"
    )


# --- 415: wrong content type -----------------------------------------------------------------


def test_wrong_content_type_is_415(api, target):
    path, created, _, snapshot = target
    body = compact(minimal(created["name"], summary="wrong type"))
    cases = {
        "POST": [None, "text/plain", "application/xml", "application/merge-patch+json", "json"],
        "PUT": [None, "text/json", "application/merge-patch+json", "application/json-patch+json"],
        "PATCH": [None, "text/plain", "application/json-patch+json", "multipart/form-data"],
    }
    for method, content_types in cases.items():
        for content_type in content_types:
            headers = dict(TOKEN)
            if content_type is not None:
                headers["Content-Type"] = content_type
            response = send(api, method, path if method != "POST" else "/packages", body, headers)
            problem(response, 415, where(method, path))
    snapshot.assert_unchanged()


@pytest.mark.parametrize(
    "content_type",
    ["Application/JSON; charset=utf-8", "APPLICATION/JSON", "application/json ;charset=UTF-8"],
)
def test_content_type_case_and_parameters_are_fine(api, scratch, content_type):
    name = scratch.name()
    headers = {**TOKEN, "Content-Type": content_type}
    created = api.post("/packages", content=compact(minimal(name)), headers=headers)
    path = f"/packages/{package_body(created, 201)['normalized_name']}"
    put = api.put(path, content=compact(minimal(name, summary="put")), headers=headers)
    assert package_body(put)["summary"] == "put"
    patch = api.patch(path, content=compact({"summary": "patch"}), headers=headers)
    assert package_body(patch)["summary"] == "patch"


# --- 422: the rules --------------------------------------------------------------------------


INVALID_VALUES = {
    "name": ["", "-leading", "trailing-", "has space", "ünïcode", "a/b", "x" * 101, 5, None, []],
    "version": ["", "1.0-final-final", "one", "1.0 beta", 1, 1.0, None],
    "summary": ["s" * 513, 5, None, ["a"], {"a": 1}],
    "license": [5, True, ["MIT"], {"id": "MIT"}],
    "home_page": ["example.com", "ftp://example.com", "https://", "mailto:a@b.c", "http:/x", 5],
    "author": [5, False, ["a"]],
    "requires_python": ["python3", ">=3.8,<", "3.8+", "", " ", 3.8, [">=3"]],
    "keywords": ["a,b", None, ["k" * 51], ["k"] * 21, [1], [None], {"a": 1}],
    "download_rank": [0, -1, True, False, 1.5, 1.0, "3", [1]],
}
# NUL is no character of any field (and PostgreSQL's text cannot hold it): 422 in every store.
NUL_VALUES = {
    "summary": "a\u0000b",
    "license": "\u0000",
    "author": "x\u0000",
    "home_page": "https://example.org/\u0000",
    "keywords": ["ok", "\u0000"],
}
for nul_field, nul_value in NUL_VALUES.items():
    INVALID_VALUES[nul_field].append(nul_value)


@pytest.mark.parametrize("field", list(INVALID_VALUES))
def test_each_invalid_value_is_422_naming_its_field(api, target, field):
    path, created, _, snapshot = target
    for value in INVALID_VALUES[field]:
        body = {**minimal(created["name"]), field: value}
        # POST of an existing name: 422 before 409. PUT: a full body. PATCH: the field alone.
        post = api.post("/packages", json=body, curator=True)
        assert validation_errors(post, "/packages") == [field], value
        put = api.put(path, json=body, curator=True)
        assert validation_errors(put, path) == [field], value
        if field != "name" and value is not None:  # PATCH null is removal, tested elsewhere
            patch = api.patch(path, json={field: value}, curator=True)
            assert validation_errors(patch, path) == [field], value
    snapshot.assert_unchanged()


def test_every_broken_field_is_listed(api, target):
    path, _, _, snapshot = target
    body = {
        "name": "-bad-",
        "version": "1.0-final-final",
        "summary": "s" * 513,
        "license": 5,
        "home_page": "ftp://example.com",
        "author": ["x"],
        "requires_python": "python3",
        "keywords": ["x" * 51],
        "download_rank": True,
        "normalized_name": "bad",
        "updated_at": "2026-01-01T00:00:00Z",
        "colour": "red",
    }
    expected = sorted(body)
    assert (
        validation_errors(api.post("/packages", json=body, curator=True), "/packages") == expected
    )
    assert validation_errors(api.put(path, json=body, curator=True), path) == expected
    patch = {k: v for k, v in body.items() if k != "name"}
    assert validation_errors(api.patch(path, json=patch, curator=True), path) == sorted(patch)
    snapshot.assert_unchanged()


def test_missing_required_fields_are_422(api, target):
    path, _, _, snapshot = target
    assert validation_errors(api.post("/packages", json={}, curator=True), "/packages") == [
        "name",
        "summary",
        "version",
    ]
    only_name = {"name": "lonely-package-name"}
    assert validation_errors(api.post("/packages", json=only_name, curator=True), "/packages") == [
        "summary",
        "version",
    ]
    assert validation_errors(api.put(path, json={}, curator=True), path) == [
        "name",
        "summary",
        "version",
    ]
    snapshot.assert_unchanged()


@pytest.mark.parametrize("field", ["normalized_name", "updated_at", "colour", "Name", "id"])
def test_unknown_and_read_only_fields_are_422(api, target, field):
    path, created, _, snapshot = target
    body = {**minimal(created["name"]), field: created.get(field, "x")}
    before = api.get("/packages?per_page=1")
    fresh = {**minimal(f"fresh-{created['normalized_name']}"), field: "x"}
    assert validation_errors(api.post("/packages", json=fresh, curator=True), "/packages") == [
        field
    ]
    assert validation_errors(api.put(path, json=body, curator=True), path) == [field]
    patch = {field: created.get(field, "x")}
    assert validation_errors(api.patch(path, json=patch, curator=True), path) == [field]
    assert api.get("/packages?per_page=1").body == before.body
    problem(
        api.get(f"/packages/fresh-{created['normalized_name']}"),
        404,
        "/packages/fresh-" + created["normalized_name"],
    )
    snapshot.assert_unchanged()


# --- the order of checks ---------------------------------------------------------------------


def test_route_before_everything(api, framework):
    # 404 for no route and 405 for a wrong method, whatever else is wrong with the request.
    # Over real HTTP Sanic's server refuses an oversize body before routing (it closes the
    # connection): see the report; in process both apps route first.
    big = b"{}" if framework == "live" else BIG_BODY
    for method in WRITES:
        for path in ("/nope", "/packages/", "/packages/boto3/x"):
            problem(send(api, method, path, big, {"Content-Type": "text/plain"}), 404, path)
    # %2F is never a separator (RFC 3986): /packages%2Fboto3 is one segment, so no route.
    for method in ("GET", *WRITES):
        response = send(api, method, "/packages%2Fboto3", big, {"Content-Type": "text/plain"})
        problem(response, 404, "/packages%2Fboto3")
    routes_with_other_methods = (
        ("PUT", "/packages"),
        ("POST", "/packages/boto3"),
        ("POST", "/packages/a%2Fb"),  # the item route, for a package named "a/b"
        ("DELETE", "/"),
    )
    for method, path in routes_with_other_methods:
        response = send(api, method, path, big, {"Content-Type": "text/plain"})
        problem(response, 405, path)


def test_size_before_token(api):
    response = send(api, "POST", "/packages", BIG_BODY, {"Content-Type": "text/plain"})
    problem(response, 413, "/packages")
    response = send(api, "DELETE", MISSING, BIG_BODY, {"Authorization": "Basic x"})
    problem(response, 413, MISSING)


def test_token_before_content_type_json_and_existence(api, target):
    path, _, _, snapshot = target
    for method, where_to in (("POST", "/packages"), ("PUT", path), ("PATCH", MISSING)):
        response = send(api, method, where_to, b"{not json", {"Content-Type": "text/plain"})
        problem(response, 401, where_to)
        assert response.headers["WWW-Authenticate"] == "Bearer"
    problem(send(api, "DELETE", MISSING, None, {"If-Match": '"x"'}), 401, MISSING)
    snapshot.assert_unchanged()


def test_content_type_before_json_syntax_and_existence(api, target):
    path, _, _, snapshot = target
    for method, where_to in (("POST", "/packages"), ("PUT", path), ("PATCH", MISSING)):
        response = send(
            api, method, where_to, b"{not json", {**TOKEN, "Content-Type": "text/plain"}
        )
        problem(response, 415, where_to)
    snapshot.assert_unchanged()


def test_json_syntax_before_existence(api):
    for method in ("PUT", "PATCH"):
        response = send(api, method, MISSING, b"[1, 2]", {**TOKEN, **JSON, "If-Match": '"x"'})
        problem(response, 400, MISSING)


def test_existence_before_if_match_and_rules(api):
    before = api.get("/packages?per_page=1")
    bad = {"name": "-bad-", "colour": "red"}
    for method in ("PUT", "PATCH", "DELETE"):
        json = None if method == "DELETE" else bad
        response = api.call(
            method, MISSING, json=json, headers={"If-Match": '"stale"'}, curator=True
        )
        problem(response, 404, MISSING)
    assert api.get("/packages?per_page=1").body == before.body


def test_if_match_before_rules(api, target):
    path, _, _, snapshot = target
    stale = {"If-Match": '"stale"'}
    for body in ({"name": "other-name", "version": "x"}, {"colour": "red"}):
        problem(api.put(path, json=body, headers=stale, curator=True), 412, path)
    for patch in ({"name": "x"}, {"version": None}, {"download_rank": True}):
        problem(api.patch(path, json=patch, headers=stale, curator=True), 412, path)
    snapshot.assert_unchanged()


def test_rules_before_uniqueness(api, target):
    _, created, _, snapshot = target
    existing = {**minimal(created["name"]), "version": "not a version"}
    assert validation_errors(api.post("/packages", json=existing, curator=True), "/packages") == [
        "version"
    ]
    problem(api.post("/packages", json=minimal(created["name"]), curator=True), 409, "/packages")
    snapshot.assert_unchanged()


def test_delete_ignores_its_body(api, scratch):
    # DELETE has no body to check: content type and JSON syntax play no part (only its size).
    created, _ = scratch.create()
    path = f"/packages/{created['normalized_name']}"
    response = send(api, "DELETE", path, b"{not json", {**TOKEN, "Content-Type": "text/plain"})
    assert response.status == 204
    assert response.body == b""


def test_a_nul_in_a_name_or_query_finds_nothing_and_breaks_nothing(api, target):
    snapshot = target[3]
    assert problem(api.get("/packages/a%00b"), 404, "/packages/a%00b")
    assert problem(
        api.put("/packages/a%00b", json=minimal("a"), curator=True), 404, "/packages/a%00b"
    )
    assert problem(api.delete("/packages/a%00b", curator=True), 404, "/packages/a%00b")
    assert validation_errors(api.get("/packages?q=a%00"), "/packages") == ["q"]
    snapshot.assert_unchanged()
