"""The package index's answer read into the releases body, and the twin clients' limits.

The readings of ``shared/releases.py`` on hand-written answers, without a framework; then both
clients (``IndexClient``, ``AsyncIndexClient``) against a small scripted HTTP server for what
the local index does not do: redirects, an endless answer, an answer that trickles in.
"""

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared import releases
from shared.index_client import IndexClient
from shared.index_client_async import AsyncIndexClient
from shared.problems import BadGateway, GatewayTimeout, ResourceNotFound
from shared.releases import releases_body
from shared.settings import Settings


def file(uploaded: str | None = "2024-05-29T15:37:47.123456Z", yanked=False, **fields) -> dict:
    entry = {"filename": "demo.tar.gz", "upload_time_iso_8601": uploaded, "yanked": yanked}
    return {**entry, **fields}


def answer(releases_of: dict, name: str = "Demo") -> bytes:
    return json.dumps({"info": {"name": name}, "releases": releases_of}).encode()


def listed(releases_of: dict) -> list[dict]:
    return releases_body("demo", 200, answer(releases_of))["releases"]


def test_the_body_names_the_package_and_lists_newest_first():
    body = releases_body("demo", 200, answer({"1.0": [file()], "2.0": [file()]}))
    assert list(body) == ["normalized_name", "releases"]
    assert body["normalized_name"] == "demo"
    assert [release["version"] for release in body["releases"]] == ["2.0", "1.0"]
    assert list(body["releases"][0]) == ["version", "uploaded_at", "yanked"]


def test_order_is_pep_440_not_text():
    versions = ["1.0", "1.0.post1", "1.0rc1", "1.0.dev3", "1.0a1", "10.0", "2.0", "1!0.1", "1.1b2"]
    found = [release["version"] for release in listed({v: [file()] for v in versions})]
    assert found == [
        "1!0.1",
        "10.0",
        "2.0",
        "1.1b2",
        "1.0.post1",
        "1.0",
        "1.0rc1",
        "1.0a1",
        "1.0.dev3",
    ]


def test_equal_versions_spelled_twice_are_ordered_by_their_text():
    found = listed({"1.0": [file()], "1.0.0": [file()], "v1": [file()]})
    assert [release["version"] for release in found] == ["v1", "1.0.0", "1.0"]


def test_versions_without_files_or_outside_pep_440_are_left_out():
    found = listed({"1.0": [file()], "1.1": [], "2004-legacy": [file()], "1.0-final-final": []})
    assert [release["version"] for release in found] == ["1.0"]


def test_uploaded_at_is_the_earliest_file_in_utc_to_the_second():
    files = [
        file("2024-05-29T15:37:47.999999Z"),
        file("2024-05-29T15:30:00.5+02:00"),  # 13:30:00.5 UTC: the earliest
        file("2024-05-29T14:00:00Z"),
    ]
    assert listed({"1.0": files})[0]["uploaded_at"] == "2024-05-29T13:30:00Z"


def test_an_index_without_the_iso_time_is_read_by_upload_time_as_utc():
    legacy = {"filename": "demo.tar.gz", "upload_time": "2012-01-02T03:04:05"}
    assert listed({"1.0": [legacy]})[0] == {
        "version": "1.0",
        "uploaded_at": "2012-01-02T03:04:05Z",
        "yanked": False,
    }


@pytest.mark.parametrize(
    ("flags", "yanked"),
    [((True, True), True), ((True, False), False), ((False,), False), ((True,), True)],
)
def test_a_release_is_yanked_when_every_file_is(flags, yanked):
    assert listed({"1.0": [file(yanked=flag) for flag in flags]})[0]["yanked"] is yanked


def test_a_file_without_yanked_is_not_yanked():
    entry = {"upload_time_iso_8601": "2024-05-29T15:37:47Z"}
    assert listed({"1.0": [entry]})[0]["yanked"] is False


def test_an_early_year_keeps_four_digits():
    assert (
        listed({"1.0": [file("0005-01-01T00:00:00Z")]})[0]["uploaded_at"] == "0005-01-01T00:00:00Z"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"<html>Service Unavailable</html>",
        b'{"info": {"name": "',
        b"\xff\xfe garbage",
        b"[" * 100_000 + b"]" * 100_000,
        b"[]",
        answer({"1.0": [file()]}, name="Other-Project"),
        json.dumps({"info": {"name": "demo"}}).encode(),
        json.dumps({"releases": {}}).encode(),
        json.dumps({"info": "demo", "releases": {}}).encode(),
        answer(["1.0"]),
        answer({"1.0": {"filename": "x"}}),
        answer({"1.0": ["demo.tar.gz"]}),
        answer({"1.0": [file(None)]}),
        answer({"1.0": [file("yesterday")]}),
        answer({"1.0": [file("2024-13-01T00:00:00Z")]}),
        answer({"1.0": [file(yanked="no")]}),
        answer({"1.0": [file(yanked=1)]}),
    ],
)
def test_anything_but_the_json_api_is_502(body):
    with pytest.raises(BadGateway) as raised:
        releases_body("demo", 200, body)
    assert raised.value.status == 502
    assert "JSON API" in raised.value.detail


def test_an_index_404_is_ours_and_any_other_status_is_502():
    with pytest.raises(ResourceNotFound) as raised:
        releases_body("demo", 404, b'{"message": "Not Found"}')
    assert "index" in raised.value.detail
    for status in (301, 403, 429, 500, 503):
        with pytest.raises(BadGateway, match=str(status)):
            releases_body("demo", status, answer({"1.0": [file()]}))


def test_the_url_asks_for_the_normalized_name_under_the_base_url():
    assert (
        releases.project_url("http://index.test/base", "a-b")
        == "http://index.test/base/pypi/a-b/json"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://pypi.org/", "https://pypi.org"),
        (" http://127.0.0.1:8100/x/ ", "http://127.0.0.1:8100/x"),
    ],
)
def test_index_url_setting_drops_the_trailing_slash(raw, expected):
    assert Settings.from_env({"PYADAY_INDEX_URL": raw}).index_url == expected


@pytest.mark.parametrize("raw", ["pypi.org", "ftp://pypi.org", "https://", "http://[::1"])
def test_index_url_setting_must_be_an_http_url(raw):
    with pytest.raises(ValueError, match="PYADAY_INDEX_URL"):
        Settings.from_env({"PYADAY_INDEX_URL": raw})


@pytest.mark.parametrize(
    ("connections", "pools"), [(100, [4] * 25), (10, [4, 4, 2]), (4, [4]), (3, [3]), (1, [1])]
)
def test_a_workers_connections_are_split_into_small_pools(connections, pools):
    """Each pool's walk stays short (``CONNECTIONS_PER_POOL``), the setting bounds them all."""
    assert releases.pool_sizes(Settings(index_pool_size=connections)) == pools


# The twin clients, against a scripted index: what each path answers.
BIG_RELEASES = {f"1.{minor}": [file()] for minor in range(3000)}  # about 270 KiB as JSON


class ScriptedIndex(BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.removeprefix("/pypi/").removesuffix("/json")
        if name == "moved":  # as PyPI does: to the display name
            self.answer(301, b"", Location="/pypi/Moved/json")
        elif name == "Moved":
            self.answer(200, answer({"1.0": [file()]}, name="Moved"))
        elif name == "loop":
            self.answer(301, b"", Location="/pypi/loop/json")
        elif name == "endless":
            self.answer(200, b" " * 4096)
        elif name == "big":
            self.answer(200, answer(BIG_RELEASES, name="big"))
        elif name == "trickle":  # a byte every 50 ms: no single read waits long
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
            except ConnectionError:
                pass  # the client gave up, as it should
        else:
            self.answer(404, b"{}")

    def answer(self, status: int, body: bytes, **headers):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture(scope="module")
def scripted_index():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedIndex)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["sync", "async"])
def fetch(request, scripted_index):
    """Asks the scripted index through one of the twins, opened and closed around the call."""

    def sync(name: str, settings: Settings) -> dict:
        client = IndexClient(settings)
        client.open()
        try:
            return client.releases(name)
        finally:
            client.close()

    async def asynchronous(name: str, settings: Settings) -> dict:
        client = AsyncIndexClient(settings)
        await client.open()
        try:
            return await client.releases(name)
        finally:
            await client.close()

    def call(name: str, timeout: float = 2.0) -> dict:
        settings = Settings(index_url=scripted_index, index_timeout=timeout)
        if request.param == "sync":
            return sync(name, settings)
        return asyncio.run(asynchronous(name, settings))

    return call


def test_redirects_to_the_display_name_are_followed(fetch):
    assert fetch("moved")["releases"][0]["version"] == "1.0"


def test_a_redirect_loop_is_502(fetch):
    with pytest.raises(BadGateway, match="TooManyRedirects"):
        fetch("loop")


def test_an_answer_over_the_size_limit_is_502(fetch, monkeypatch):
    monkeypatch.setattr(releases, "MAX_ANSWER_BYTES", 1024)
    with pytest.raises(BadGateway, match="more than 1024 bytes"):
        fetch("endless")


def test_an_answer_that_trickles_past_the_timeout_is_504(fetch):
    started = time.monotonic()
    with pytest.raises(GatewayTimeout):
        fetch("trickle", timeout=0.3)
    assert time.monotonic() - started < 1.0  # the whole answer would take 5 s


def test_a_large_answer_is_read_whole(fetch):
    assert len(fetch("big")["releases"]) == len(BIG_RELEASES)
    assert len(answer(BIG_RELEASES)) > releases.OFFLOAD_ANSWER_BYTES  # the async twin offloads
