"""The SQL stores under the real servers: races between worker processes, faults, restarts.

Servers are started as a deployment starts them (``benchmarks.servers``), gunicorn or Sanic,
on 127.0.0.1 only, on a fresh SQLite file or PostgreSQL schema that the app itself creates
and seeds (its two workers race to). The races share one such server per store and framework
(each creates its own names, and counts what it added); the restart and the fault tests start
their own. Concurrent clients are a bounded thread pool; every request has a timeout.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from benchmarks.postgres import start_throwaway_postgres, why_unavailable
from benchmarks.servers import running_server
from tests.clients import CURATOR_TOKEN
from tests.conftest import empty_store_url, sqlite_url

SEED_TOTAL = 5000
POOL_TIMEOUT = 1.0  # the fault test's: seconds a request waits for the store before its 503
CURATOR = {"Authorization": f"Bearer {CURATOR_TOKEN}"}

each_framework = pytest.mark.parametrize("served_by", ["flask", "sanic"])
each_sql_store = pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
# The races: each on the shared server of its store and framework (one worker runs them all).
each_shared_server = pytest.mark.parametrize(
    ("kind", "served_by"),
    [
        pytest.param(kind, served_by, marks=pytest.mark.xdist_group(f"races-{kind}-{served_by}"))
        for kind in ("sqlite", "postgresql")
        for served_by in ("flask", "sanic")
    ],
    scope="module",
)


@pytest.fixture
def store_url(kind, request):
    """An empty store of that kind: the app creates its table and seeds it at start-up."""
    return empty_store_url(kind, request)


@pytest.fixture(scope="module")
def shared_server(kind, served_by, request, tmp_path_factory):
    """A server with two workers on an empty store, seeded by the app at start-up."""
    folder = tmp_path_factory.mktemp(f"races-{kind}-{served_by}")
    if kind == "postgresql":
        postgres = request.getfixturevalue("postgres_server")
        schema = postgres.create_schema()
        request.addfinalizer(lambda: postgres.drop_schema(schema))
        url = postgres.url(schema)
    else:
        url = sqlite_url(folder / "pyaday.db")
    with serve(served_by, url, folder) as client:
        assert total(client) == SEED_TOTAL  # seeded once, whichever worker did it
        yield client


@contextmanager
def serve(served_by: str, store_url: str, tmp_path, workers: int = 2, **settings: str):
    env = {"PYADAY_DATABASE_URL": store_url, "PYADAY_CURATOR_TOKENS": CURATOR_TOKEN}
    env.update({f"PYADAY_{name.upper()}": value for name, value in settings.items()})
    log = tmp_path / f"{served_by}-{time.monotonic_ns()}.log"
    with (
        running_server(served_by, log, env=env, workers=workers) as server,
        httpx.Client(base_url=server.url, timeout=15.0) as client,
    ):
        yield client


def new_package(name: str, summary: str = "") -> dict:
    return {"name": name, "version": "1.0", "summary": summary or f"{name} ünïcödé"}


def at_once(count: int, send) -> list[httpx.Response]:
    """``send(i)`` for i in range(count), from 32 threads at once."""
    with ThreadPoolExecutor(max_workers=32) as pool:
        return list(pool.map(send, range(count)))


def total(client: httpx.Client, q: str | None = None) -> int:
    params = {"q": q} if q else {}
    response = client.get("/packages", params=params)
    assert response.status_code == 200, response.text
    return response.json()["total"]


@each_shared_server
def test_200_concurrent_creates_all_land(shared_server):
    client = shared_server
    before = total(client)
    bodies = [new_package(f"race-create-{i}") for i in range(200)]
    created = at_once(200, lambda i: client.post("/packages", json=bodies[i], headers=CURATOR))
    assert [r.status_code for r in created] == [201] * 200
    assert total(client) == before + 200
    assert total(client, q="race-create-") == 200
    # Read back over fresh requests (either worker may answer): each one is whole.
    for body in bodies:
        stored = client.get(f"/packages/{body['name']}").json()
        assert {key: stored[key] for key in body} == body


@each_shared_server
def test_a_create_race_on_one_name_gives_one_201_and_409s(shared_server):
    client = shared_server
    before = total(client)
    spellings = ["Same.Name", "same_name", "SAME-NAME", "same--name", "Same_.Name"] * 4
    created = at_once(
        len(spellings),
        lambda i: client.post("/packages", json=new_package(spellings[i]), headers=CURATOR),
    )
    statuses = sorted(response.status_code for response in created)
    assert statuses == [201] + [409] * (len(spellings) - 1)
    assert total(client, q="same-name") == 1
    assert total(client) == before + 1


@each_shared_server
def test_50_concurrent_if_match_updates_give_one_200(shared_server):
    client = shared_server
    before = total(client)
    assert client.post("/packages", json=new_package("contested"), headers=CURATOR).is_success
    etag = client.get("/packages/contested").headers["ETag"]

    def patch(i: int) -> httpx.Response:
        headers = {**CURATOR, "If-Match": etag}
        return client.patch("/packages/contested", json={"summary": f"edit {i}"}, headers=headers)

    answers = at_once(50, patch)
    statuses = [response.status_code for response in answers]
    assert sorted(statuses) == [200] + [412] * 49
    winner = answers[statuses.index(200)].json()
    assert client.get("/packages/contested").json() == winner
    assert total(client) == before + 1


@each_framework
@each_sql_store
def test_data_survives_a_restart(served_by, store_url, tmp_path):
    with serve(served_by, store_url, tmp_path, workers=1) as client:
        created = client.post("/packages", json=new_package("Kept-Package"), headers=CURATOR)
        assert created.status_code == 201
    with serve(served_by, store_url, tmp_path, workers=1) as client:
        assert client.get("/packages/kept-package").content == created.content
        assert total(client) == SEED_TOTAL + 1  # seeded once, not again


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of the test's own: the session's is shared with other tests (other
    workers' too), which must not see it stop."""
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    server = start_throwaway_postgres()
    yield server
    server.remove()


@each_framework
def test_a_stopped_postgresql_is_503_then_recovers(served_by, tmp_path, own_postgres):
    postgres = own_postgres
    store_url = postgres.url(postgres.create_schema())
    with serve(served_by, store_url, tmp_path, workers=1, pool_timeout=str(POOL_TIMEOUT)) as client:
        assert client.get("/packages").status_code == 200
        postgres.stop()
        try:
            for method, path, body in [
                ("GET", "/health", None),
                ("GET", "/packages", None),
                ("GET", "/rand", None),
                ("GET", "/export", None),  # before its status line: a problem, not a cut stream
                ("POST", "/packages", new_package("written-while-down")),
            ]:
                started = time.monotonic()
                response = client.request(method, path, json=body, headers=CURATOR)
                assert time.monotonic() - started < POOL_TIMEOUT + 2.0, (method, path)
                assert response.status_code == 503, (method, path, response.text)
                assert response.headers["Content-Type"] == "application/problem+json"
        finally:
            postgres.start()
        wait_until_healthy(client, within=20.0)
        assert client.get("/packages").status_code == 200
        assert client.get("/packages/written-while-down").status_code == 404
        assert client.post("/packages", json=new_package("after"), headers=CURATOR).is_success
        assert client.get("/export").status_code == 200  # the export pool reconnects too


def wait_until_healthy(client: httpx.Client, within: float) -> None:
    """The pool reconnects by itself, with a backoff of a few seconds at most."""
    deadline = time.monotonic() + within
    while client.get("/health").status_code != 200:
        assert time.monotonic() < deadline, "the app did not recover after PostgreSQL restarted"
        time.sleep(0.2)
