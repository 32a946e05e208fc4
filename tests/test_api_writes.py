"""Successful writes of API.md and their conditions: POST, PUT, PATCH, DELETE, If-Match, ETags.

Every package a test writes has a unique name and is deleted at the end, so the suite also runs
against a shared, long-lived server with ``--live``.
"""

import dataclasses

import pytest

from shared.settings import Settings
from tests.api_support import (
    TIMESTAMP,
    Snapshot,
    compact,
    empty,
    full,
    json_body,
    minimal,
    package_body,
    problem,
    total,
    validation_errors,
)
from tests.clients import CURATOR_TOKEN
from tests.conftest import make_client

DEFAULTS = {
    "license": None,
    "home_page": None,
    "author": None,
    "requires_python": None,
    "keywords": [],
    "download_rank": None,
}


def path_of(body: dict) -> str:
    return f"/packages/{body['normalized_name']}"


def writable(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in {"normalized_name", "updated_at"}}


# --- POST ------------------------------------------------------------------------------------


def test_post_creates_with_location_etag_and_defaults(api, scratch):
    before = total(api)
    name = scratch.name()
    response = api.post("/packages", json=minimal(name), curator=True)
    body = package_body(response, 201)
    normalized = name.lower().replace("_", "-").replace(".", "-")
    assert body == {
        "name": name,
        "normalized_name": normalized,
        "version": "1.0.0",
        "summary": "A package made by the API tests.",
        **DEFAULTS,
        "updated_at": body["updated_at"],
    }
    assert response.headers["Location"] == f"/packages/{normalized}"
    assert total(api) == before + 1
    # The ETag is the one a read gives, and the read gives the same bytes.
    read = api.get(f"/packages/{normalized}")
    assert read.body == response.body
    assert read.headers["ETag"] == response.headers["ETag"]


def test_post_keeps_every_field_and_writes_non_ascii_as_itself(api, scratch):
    name = scratch.name()
    sent = full(name, summary="café ☕")
    response = api.post("/packages", json=sent, curator=True)
    body = package_body(response, 201)
    assert writable(body) == sent
    assert '"summary":"café ☕"'.encode() in response.body
    assert '"author":"Zoë Tester"'.encode() in response.body
    assert b"\\u" not in response.body
    assert b", " not in response.body.replace(b"ca, ", b"")  # compact separators
    assert response.body == compact(body)


def test_post_accepts_boundary_values(api, scratch):
    # 100-character name, 512-character summary, 20 keywords of 50, rank 1, empty summary ok.
    name = scratch.name("P" * 87)
    assert len(name) == 100
    sent = minimal(
        name,
        version="2!1.0.post1.dev3+local.7",
        summary="s" * 512,
        keywords=["k" * 50] * 20,
        download_rank=1,
        home_page="http://example.com",
        requires_python="~=3.11",
    )
    assert writable(package_body(api.post("/packages", json=sent, curator=True), 201)) == {
        **DEFAULTS,
        **sent,
    }
    other = minimal(scratch.name(), summary="")
    assert package_body(api.post("/packages", json=other, curator=True), 201)["summary"] == ""


def test_post_explicit_nulls_are_the_defaults(api, scratch):
    sent = minimal(scratch.name(), **DEFAULTS)
    body = package_body(api.post("/packages", json=sent, curator=True), 201)
    assert writable(body) == sent


@pytest.mark.parametrize("spelling", ["upper", "underscores", "dots"])
def test_post_of_an_existing_normalized_name_is_409(api, scratch, spelling):
    created, _ = scratch.create()
    name = created["name"]
    again = {
        "upper": name.upper(),
        "underscores": name.replace(".", "_"),
        "dots": name.replace("_", "."),
    }[spelling]
    snapshot = Snapshot(api, path_of(created))
    response = api.post("/packages", json=minimal(again, version="9.9"), curator=True)
    problem(response, 409, "/packages")
    snapshot.assert_unchanged()


def test_created_package_is_listed_in_name_order(api, scratch):
    token = scratch.name("Order").split(".")[1]
    names = [f"order-{token}-b", f"Order_{token}_A", f"order.{token}.c"]
    for name in names:
        scratch.create(minimal(name))
    items = json_body(api.get(f"/packages?q=order-{token}"))["items"]
    assert [item["normalized_name"] for item in items] == [
        f"order-{token}-a",
        f"order-{token}-b",
        f"order-{token}-c",
    ]
    assert [item["name"] for item in items] == [names[1], names[0], names[2]]


# --- PUT -------------------------------------------------------------------------------------


def test_put_replaces_everything_and_resets_missing_fields(api, scratch):
    created, etag = scratch.create(full(scratch.name()))
    path = path_of(created)
    # Another spelling of the same name is allowed, and becomes the display name.
    new_name = created["name"].upper()
    response = api.put(path, json=minimal(new_name, version="3.0"), curator=True)
    body = package_body(response)
    assert body == {
        "name": new_name,
        "normalized_name": created["normalized_name"],
        "version": "3.0",
        "summary": "A package made by the API tests.",
        **DEFAULTS,
        "updated_at": body["updated_at"],
    }
    assert response.headers["ETag"] != etag
    assert "Location" not in response.headers
    read = api.get(path)
    assert read.body == response.body
    assert read.headers["ETag"] == response.headers["ETag"]


def test_put_through_another_spelling_of_the_path(api, scratch):
    created, _ = scratch.create()
    path = "/packages/" + created["name"].upper().replace("-", "_")
    sent = full(created["name"])
    body = package_body(api.put(path, json=sent, curator=True))
    assert writable(body) == sent
    assert body["normalized_name"] == created["normalized_name"]


def test_put_with_another_name_is_422_and_changes_nothing(api, scratch):
    created, _ = scratch.create()
    path = path_of(created)
    snapshot = Snapshot(api, path)
    response = api.put(path, json=minimal("boto3"), curator=True)
    assert validation_errors(response, path) == ["name"]
    snapshot.assert_unchanged()


def test_put_without_a_name_is_422(api, scratch):
    created, _ = scratch.create()
    path = path_of(created)
    body = {"version": "1.0", "summary": "no name"}
    assert validation_errors(api.put(path, json=body, curator=True), path) == ["name"]


def test_put_of_a_missing_package_is_404(api):
    path = "/packages/no-such-package-here"
    before = total(api)
    problem(api.put(path, json=minimal("no-such-package-here"), curator=True), 404, path)
    assert total(api) == before
    problem(api.get(path), 404, path)


# --- PATCH -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/merge-patch+json",
        "application/json",
        "Application/Merge-Patch+JSON; charset=utf-8",
    ],
)
def test_patch_merges_the_given_fields(api, scratch, content_type):
    created, etag = scratch.create(full(scratch.name()))
    path = path_of(created)
    patch = {"summary": "patched ✓", "keywords": ["new"], "download_rank": 7}
    response = api.patch(
        path, content=compact(patch), headers={"Content-Type": content_type}, curator=True
    )
    body = package_body(response)
    assert writable(body) == {**writable(created), **patch}
    assert response.headers["ETag"] != etag
    assert api.get(path).body == response.body


@pytest.mark.parametrize("field", list(DEFAULTS))
def test_patch_null_removes_an_optional_field(api, scratch, field):
    created, _ = scratch.create(full(scratch.name()))
    path = path_of(created)
    body = package_body(api.patch(path, json={field: None}, curator=True))
    assert writable(body) == {**writable(created), field: DEFAULTS[field]}


@pytest.mark.parametrize("field", ["version", "summary"])
def test_patch_null_on_a_required_field_is_422(api, scratch, field):
    created, _ = scratch.create()
    path = path_of(created)
    snapshot = Snapshot(api, path)
    assert validation_errors(api.patch(path, json={field: None}, curator=True), path) == [field]
    snapshot.assert_unchanged()


@pytest.mark.parametrize("value", ["same", "other", None])
def test_patch_holding_name_is_422(api, scratch, value):
    created, _ = scratch.create()
    path = path_of(created)
    name = {"same": created["name"], "other": "boto3", None: None}[value]
    snapshot = Snapshot(api, path)
    assert validation_errors(api.patch(path, json={"name": name}, curator=True), path) == ["name"]
    snapshot.assert_unchanged()


def test_patch_validates_the_merged_fields(api, scratch):
    created, _ = scratch.create()
    path = path_of(created)
    snapshot = Snapshot(api, path)
    patch = {"version": "one", "download_rank": True, "colour": "red", "updated_at": "x"}
    response = api.patch(path, json=patch, curator=True)
    assert validation_errors(response, path) == [
        "colour",
        "download_rank",
        "updated_at",
        "version",
    ]
    snapshot.assert_unchanged()


def test_patch_of_a_missing_package_is_404(api):
    path = "/packages/no-such-package-here"
    problem(api.patch(path, json={"summary": "x"}, curator=True), 404, path)


# --- DELETE ----------------------------------------------------------------------------------


def test_delete_is_204_then_404(api, scratch):
    created, _ = scratch.create()
    path = path_of(created)
    before = total(api)
    response = api.delete(path, curator=True)
    empty(response, 204)
    assert "Content-Type" not in response.headers
    assert total(api) == before - 1
    problem(api.get(path), 404, path)
    problem(api.delete(path, curator=True), 404, path)
    # The name is free again.
    assert package_body(api.post("/packages", json=minimal(created["name"]), curator=True), 201)


def test_delete_through_another_spelling(api, scratch):
    created, _ = scratch.create()
    empty(api.delete("/packages/" + created["name"].upper(), curator=True), 204)
    problem(api.get(path_of(created)), 404, path_of(created))


# --- ETag and If-Match -----------------------------------------------------------------------


def test_each_write_changes_the_etag_and_the_old_one_stops_matching(api, scratch):
    created, first = scratch.create()
    path = path_of(created)
    second = api.patch(path, json={"summary": "two"}, curator=True).headers["ETag"]
    third = api.put(path, json=minimal(created["name"], summary="three"), curator=True)
    third = third.headers["ETag"]
    assert len({first, second, third}) == 3
    # If-None-Match with an old ETag no longer hits; the current one does.
    assert package_body(api.get(path, headers={"If-None-Match": first}))["summary"] == "three"
    empty(api.get(path, headers={"If-None-Match": third}), 304)
    stale = api.patch(path, json={"summary": "x"}, headers={"If-Match": second}, curator=True)
    problem(stale, 412, path)


def write(api, method: str, path: str, name: str, if_match: str):
    headers = {"If-Match": if_match}
    if method == "PUT":
        return api.put(path, json=minimal(name, summary="put"), headers=headers, curator=True)
    if method == "PATCH":
        return api.patch(path, json={"summary": "patched"}, headers=headers, curator=True)
    return api.delete(path, headers=headers, curator=True)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "if_match", ["{etag}", "*", '"stale", {etag}', '"stale",{etag} , "other"', '{etag} ,\t"other"']
)
def test_if_match_that_matches_lets_the_write_through(api, scratch, method, if_match):
    created, etag = scratch.create()
    path = path_of(created)
    response = write(api, method, path, created["name"], if_match.format(etag=etag))
    if method == "DELETE":
        empty(response, 204)
        problem(api.get(path), 404, path)
    else:
        assert package_body(response)["summary"] == ("put" if method == "PUT" else "patched")


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "if_match",
    [
        '"stale"',
        "W/{etag}",
        '"stale", W/{etag}',
        "{unquoted}",
        '"{unquoted}x"',
        "",
        "**",
    ],
)
def test_if_match_that_does_not_match_is_412_and_changes_nothing(api, scratch, method, if_match):
    created, etag = scratch.create()
    path = path_of(created)
    snapshot = Snapshot(api, path)
    header = if_match.format(etag=etag, unquoted=etag.strip('"'))
    response = write(api, method, path, created["name"], header)
    problem(response, 412, path)
    snapshot.assert_unchanged()


def test_if_match_of_another_package_is_412(api, scratch):
    first, _ = scratch.create()
    _, other_etag = scratch.create()
    snapshot = Snapshot(api, path_of(first))
    response = write(api, "PATCH", path_of(first), first["name"], other_etag)
    problem(response, 412, path_of(first))
    snapshot.assert_unchanged()


def test_if_match_star_on_a_missing_package_is_404(api):
    path = "/packages/no-such-package-here"
    for method in ("PUT", "PATCH", "DELETE"):
        problem(write(api, method, path, "no-such-package-here", "*"), 404, path)


def test_concurrent_curators_do_not_overwrite_each_other(api, scratch):
    created, etag = scratch.create()
    path = path_of(created)
    alice = api.patch(path, json={"summary": "alice"}, headers={"If-Match": etag}, curator=True)
    assert package_body(alice)["summary"] == "alice"
    bob = api.patch(path, json={"summary": "bob"}, headers={"If-Match": etag}, curator=True)
    problem(bob, 412, path)
    read = package_body(api.get(path))
    assert read["summary"] == "alice"


# --- curators --------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_bearer_scheme_is_case_insensitive(api, scratch, scheme):
    name = scratch.name()
    headers = {"Authorization": f"{scheme} {CURATOR_TOKEN}"}
    response = api.post("/packages", json=minimal(name), headers=headers)
    assert package_body(response, 201)["name"] == name


def client_with_tokens(framework: str, settings: Settings, tokens: tuple[str, ...]):
    if framework == "live":
        pytest.skip("a live server's tokens are its own")
    return make_client(framework, dataclasses.replace(settings, curator_tokens=tokens))


def test_any_configured_token_may_write(framework, settings):
    client = client_with_tokens(framework, settings, ("first-token", "second-token"))
    try:
        for token in ("first-token", "second-token"):
            name = f"token-{token}"
            headers = {"Authorization": f"Bearer {token}"}
            response = client.post("/packages", json=minimal(name), headers=headers)
            assert package_body(response, 201)["name"] == name
        response = client.post("/packages", json=minimal("x"), curator=True)
        problem(response, 401, "/packages")
    finally:
        client.close()


def test_with_no_tokens_configured_nobody_writes(framework, settings):
    client = client_with_tokens(framework, settings, ())
    try:
        for authorization in (None, "Bearer ", f"Bearer {CURATOR_TOKEN}", "Bearer x"):
            headers = {"Authorization": authorization} if authorization is not None else {}
            response = client.post("/packages", json=minimal("nobody"), headers=headers)
            problem(response, 401, "/packages")
            assert response.headers["WWW-Authenticate"] == "Bearer"
        problem(client.get("/packages/nobody"), 404, "/packages/nobody")
    finally:
        client.close()


def test_updated_at_is_set_by_the_server(api, scratch):
    created, _ = scratch.create()
    assert TIMESTAMP.fullmatch(created["updated_at"])
    patched = package_body(api.patch(path_of(created), json={"author": "A"}, curator=True))
    assert TIMESTAMP.fullmatch(patched["updated_at"])
    assert patched["updated_at"] >= created["updated_at"]


def test_repeated_header_lines_count_as_one_comma_separated_list(api, scratch):
    # RFC 9110: repeated lines of a list header mean their values joined with commas. gunicorn
    # joins them for Flask; Sanic keeps each line and the app must join them itself.
    created, etag = scratch.create()
    path = f"/packages/{created['normalized_name']}"
    curator = ("Authorization", f"Bearer {CURATOR_TOKEN}")
    json_type = ("Content-Type", "application/json")
    patch = compact({"summary": "patched"})
    stale_then_current = [curator, json_type, ("If-Match", '"stale"'), ("If-Match", etag)]
    response = api.request("PATCH", path, headers=stale_then_current, content=patch)
    assert package_body(response)["summary"] == "patched"
    # Two Authorization lines are one malformed credential, whatever each line holds.
    response = api.request("PATCH", path, headers=[curator, curator, json_type], content=patch)
    problem(response, 401, path)
