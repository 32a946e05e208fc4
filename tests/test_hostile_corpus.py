"""The hostile-input corpus against the real servers: gunicorn with ``flask_app/server.py`` and
Sanic with ``sanic_app/server.py``, one of each for the whole module, 2 workers on SQLite.

Each case of ``tests/hostile_corpus.py`` goes as raw bytes over a socket to both servers, and:

- both answer the case's status (no 500, no dropped connection, no two answers);
- a refusal is problem+json wherever the app answered (gunicorn's own pages are marked);
- the server still answers ``/health``;
- a refused request changed nothing: same total, same bytes and ETag for the target package;
- no line of the server's log is one the client wrote (``FORGED_LINE``), and none is a traceback
  (a log line written late is read with the next case's).
"""

import http.client
import socket
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from benchmarks.servers import FRAMEWORKS, RunningServer, running_server
from tests.conftest import sqlite_url
from tests.hostile_corpus import CASES, CURATOR_TOKEN, FORGED_PREFIX, TARGET, Case, summary

TIMEOUT = 10.0
CURATOR = {"Authorization": f"Bearer {CURATOR_TOKEN}".encode()}


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no response came back
    content_type: str | None
    body: bytes


@dataclass(frozen=True)
class State:
    total: int
    target: bytes
    etag: str


class Served:
    """One running server, an HTTP client for the checks, and how far its log was read."""

    def __init__(self, server: RunningServer, client: httpx.Client):
        self.server = server
        self.client = client
        self.log_read = 0

    def state(self) -> State:
        page = self.client.get("/packages", params={"per_page": 1})
        target = self.client.get(f"/packages/{TARGET}")
        assert page.status_code == 200 and target.status_code == 200
        return State(page.json()["total"], target.content, target.headers["ETag"])

    def send(self, raw: bytes) -> Answer:
        url = urlsplit(self.server.url)
        method = raw.split(b" ", 1)[0].decode("latin-1")
        with socket.create_connection((url.hostname, url.port), timeout=TIMEOUT) as connection:
            # A server may answer and close before it reads it all: read the answer anyway.
            with suppress(OSError):
                connection.sendall(raw)
            response = http.client.HTTPResponse(connection, method=method)
            try:
                response.begin()  # skips a 100 Continue
                body = response.read()
            except (http.client.HTTPException, OSError) as error:
                return Answer(None, None, repr(error).encode())
        return Answer(response.status, response.getheader("Content-Type"), body)

    def new_log_lines(self) -> list[bytes]:
        log = self.server.log_path.read_bytes()
        new, self.log_read = log[self.log_read :], len(log)
        return new.splitlines()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    with ExitStack() as stack:
        served = {}
        for framework in FRAMEWORKS:
            env = {
                "PYADAY_CURATOR_TOKENS": CURATOR_TOKEN,
                "PYADAY_DATABASE_URL": sqlite_url(folder / f"{framework}.db"),
            }
            log = folder / f"{framework}.log"
            server = stack.enter_context(running_server(framework, log, env=env, workers=2))
            client = stack.enter_context(httpx.Client(base_url=server.url, timeout=TIMEOUT))
            body = {"name": TARGET, "version": "1.0", "summary": "aimed at by the corpus"}
            assert client.post("/packages", json=body, headers=CURATOR).status_code == 201
            served[framework] = Served(server, client)
        yield served


def answer(served: Served, case: Case) -> list[Answer]:
    """Send the case (``race`` copies at once) with the target's current ETag filled in."""
    raw = case.request.replace(b"{etag}", served.state().etag.encode())
    if case.race == 1:
        return [served.send(raw)]
    copies = [raw.replace(b"{n}", b"%3d" % n) for n in range(case.race)]  # same length
    with ThreadPoolExecutor(max_workers=case.race) as pool:
        return list(pool.map(served.send, copies))


def expected_statuses(case: Case) -> list[int]:
    return sorted([case.status] + [412] * (case.race - 1))


def assert_refusal_format(framework: str, case: Case, reply: Answer) -> None:
    if reply.status < 400:
        return
    if framework == "flask" and case.gunicorn_page:
        assert reply.content_type.startswith("text/html"), reply.content_type
        return
    assert reply.content_type == "application/problem+json", (reply.content_type, reply.body)
    if reply.body:  # HEAD has none
        problem = httpx.Response(200, content=reply.body).json()
        assert problem["status"] == reply.status
        assert set(problem) >= {"type", "title", "status", "detail", "instance"}


def forged_or_broken(lines: list[bytes]) -> list[bytes]:
    return [
        line
        for line in lines
        if line.lstrip().startswith((FORGED_PREFIX, b"forged-by-client")) or b"Traceback" in line
    ]


@pytest.mark.xdist_group("hostile-corpus")  # one worker, one pair of servers (pytest -n)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_both_servers_answer_alike_and_hold(servers, case):
    for framework, served in servers.items():
        before = served.state()
        replies = answer(served, case)
        statuses = sorted(reply.status or 0 for reply in replies)
        assert statuses == expected_statuses(case), (framework, [r.body[:300] for r in replies])
        for reply in replies:
            assert_refusal_format(framework, case, reply)
        assert served.client.get("/health").status_code == 200, framework
        if case.status >= 400:
            assert served.state() == before, f"{framework} changed the catalogue"
        assert forged_or_broken(served.new_log_lines()) == [], framework


def test_the_reliability_page_shows_the_corpus_as_it_is():
    page = (Path(__file__).parent.parent / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert summary() in page, "run python -m tests.hostile_corpus and update docs/reliability.md"
