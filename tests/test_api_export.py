"""``GET /export``: the whole catalogue as gzip-compressed JSON lines, against both apps.

Every test reads the export with ``api.stream``: its body as the server sent it, compressed,
and requests sent while it streams. Under ``--loop-guard sqlite`` these exports are of 700,000
packages, on the Sanic app, and none may block its event loop.
"""

import json
import re
import zlib
from itertools import pairwise

import pytest

from shared.routes import package_path
from tests.api_support import assert_package, compact, minimal, total
from tests.conftest import PYPI_SIZE
from tests.test_api_reads import seed_rows

MEDIA_TYPE = "application/x-ndjson"
# A line's first two members, in contract order; names hold no quote or backslash.
NAMES = re.compile(rb'\{"name":"[^"\\]*","normalized_name":"([^"\\]*)"')


@pytest.fixture
def seed_sized(request) -> None:
    """Skips a test that would export PyPI's size once more under the loop guard: one test
    of it there is enough, and each takes tens of seconds."""
    if request.config.getoption("--loop-guard") == "sqlite":
        pytest.skip(f"one export of {PYPI_SIZE:,} packages under the loop guard is enough")


def export_lines(response) -> list[bytes]:
    """The lines of an export, after checking its headers and that its body is one whole gzip
    stream (its trailer, CRC and length, checked) of newline-terminated lines."""
    assert response.status == 200, (response.status, response.body[:600])
    assert response.headers.get("Content-Type") == MEDIA_TYPE
    assert response.headers.get("Content-Encoding") == "gzip"
    assert "Content-Length" not in response.headers  # streamed, never built whole
    gzip = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    text = gzip.decompress(response.body) + gzip.flush()
    assert gzip.eof and not gzip.unused_data, "not one whole gzip stream"
    assert text == b"" or text.endswith(b"\n")
    return text.split(b"\n")[:-1]


def names_of(lines: list[bytes]) -> list[bytes]:
    """Each line's normalized name, read without decoding the line (700,000 lines...)."""
    return [NAMES.match(line)[1] for line in lines]


def test_the_export_is_the_catalogue_in_name_order_byte_for_byte(api, exact_catalogue):
    response, _ = api.stream("/export")
    assert export_lines(response) == [compact(row) for row in seed_rows()]


def test_each_line_is_the_package_as_its_own_route_encodes_it(api):
    """Whatever the catalogue (a live server's, 700,000 packages under the loop guard)."""
    response, _ = api.stream("/export")
    lines = export_lines(response)
    assert len(lines) == total(api)
    names = names_of(lines)
    assert all(before < after for before, after in pairwise(names))
    for line in (lines[0], lines[len(lines) // 2], lines[-1]):
        name = assert_package(json.loads(line))["normalized_name"]
        assert line == api.get(package_path(name)).body


def test_a_write_during_the_export_is_in_it_wholly_or_not_at_all(api, scratch, seed_sized):
    """Writes sent once the first chunk has come: to a package sent already (it sorts first),
    to one still to come (it sorts last), and a create and a delete among those still to come.
    The export shows the catalogue before all of them, or after all of them."""
    first, _ = scratch.create(minimal(scratch.name("0-Pyaday_Export")))
    last, _ = scratch.create(minimal(scratch.name("zzzz-Pyaday_Export")))
    gone, _ = scratch.create(minimal(scratch.name("zzzz-Pyaday_Export_Gone")))
    new = minimal(scratch.name("zzzz-Pyaday_Export_New"))
    edit = {"json": {"summary": "Changed during the export"}, "curator": True}
    count = total(api)

    response, answers = api.stream(
        "/export",
        during=[
            ("PATCH", package_path(first["normalized_name"]), edit),
            ("PATCH", package_path(last["normalized_name"]), edit),
            ("POST", "/packages", {"json": new, "curator": True}),
            ("DELETE", package_path(gone["normalized_name"]), {"curator": True}),
        ],
    )
    assert [answer.status for answer in answers] == [200, 200, 201, 204]
    lines = export_lines(response)
    before = {first["normalized_name"]: first, last["normalized_name"]: last}
    before[gone["normalized_name"]] = gone
    after = {answer.json()["normalized_name"]: answer.json() for answer in answers[:3]}
    written = {*before, *after}
    seen = {name.decode(): line for name, line in zip(names_of(lines), lines, strict=True)}
    shown = {name: json.loads(seen[name]) for name in written if name in seen}
    assert shown in (before, after)
    assert len(lines) == count  # a create and a delete: as many packages before as after


def test_head_answers_like_get_without_a_body(api):
    """The headers ``export_lines`` checks on every GET."""
    head = api.head("/export")
    assert head.status == 200
    assert head.body == b""
    assert head.headers.get("Content-Type") == MEDIA_TYPE
    assert head.headers.get("Content-Encoding") == "gzip"
    assert "Content-Length" not in head.headers


def test_an_empty_catalogue_exports_an_empty_gzip_stream(empty_api):
    response, _ = empty_api.stream("/export")
    assert export_lines(response) == []


def test_the_export_is_no_package_route(api):
    """At /export, not /packages/export: a package may be named "export"."""
    assert api.get("/packages/export").status == 404
    assert api.post("/export", json=minimal("x"), curator=True).status == 405
