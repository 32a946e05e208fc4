"""The Locust scenarios of ``make bench``: one FastHttpUser class per scenario, no think time.

The runner picks the class by scenario name (``rand`` → ``RandUser``, see ``user_class`` in
``benchmarks/scenarios.py``). To run one by hand against a running server::

    locust -f benchmarks/locustfile.py --headless -u 50 -r 50 -t 20s \\
        -H http://127.0.0.1:8002 RandUser

Paths come from ``shared.routes``, names from the seed catalogue: nothing is retyped here.
"""

import math
import random
import time
import uuid
import zlib

import gevent
from locust import FastHttpUser, constant, constant_throughput, events, task

from benchmarks.scenarios import (
    EXPORT_READER_PACE,
    EXPORTERS,
    daily_path,
    package_path,
    read_export,
    releases_path,
    search_path,
    seed_names,
)
from shared import routes
from shared.query import DEFAULT_PER_PAGE
from shared.settings import Settings

SEED_PAGES = math.ceil(len(seed_names()) / DEFAULT_PER_PAGE)
# What an exporter reads at a time: small enough that the readers' answers are read between.
EXPORT_CHUNK_BYTES = 16 * 1024


@events.init.add_listener
def refresh_loop_clock(**_kwargs):
    """Locust schedules the end of ``--run-time`` on gevent's cached loop clock, which still
    reads the moment before Locust's imports (about a second early): refresh it first."""
    gevent.get_hub().loop.update_now()


class BenchUser(FastHttpUser):
    abstract = True
    # A closed loop: each user sends its next request as soon as the last one is answered.
    wait_time = constant(0)


class HelloUser(BenchUser):
    """The talk's "simple route"."""

    @task
    def index(self):
        self.client.get(routes.INDEX)


class RandUser(BenchUser):
    """The talk's headline route: one package chosen at random."""

    @task
    def random_package(self):
        self.client.get(routes.RANDOM)


class PackageUser(BenchUser):
    """One package by name."""

    @task
    def package(self):
        self.client.get(package_path(random), name=routes.PACKAGE)


class FirstPageUser(BenchUser):
    """The first page of the catalogue, with its total."""

    @task
    def first_page(self):
        self.client.get(routes.PACKAGES)


class SearchUser(BenchUser):
    """A search for a term of three characters or more; the answer counts every match. Each
    term's statistics are kept apart too (its path is its name)."""

    @task
    def search(self):
        self.client.get(search_path(random))


class DailyUser(BenchUser):
    """The package of the day, for a day of the last year."""

    @task
    def daily(self):
        self.client.get(daily_path(random), name=routes.DAILY)


class UpstreamUser(BenchUser):
    """A package's release history, which the server asks the package index for."""

    @task
    def releases(self):
        self.client.get(releases_path(random), name=routes.PACKAGE_RELEASES)


class PacedRandUser(BenchUser):
    """A reader of the export scenario: ``/rand`` at a steady pace, not as fast as it can."""

    wait_time = constant_throughput(EXPORT_READER_PACE)

    @task
    def random_package(self):
        self.client.get(routes.RANDOM)


class ExportUser(BenchUser):
    """Exports the catalogue, reading the gzip stream to its end, one export after another.

    The body is read raw and decompressed chunk by chunk: decompressing it whole at the end
    would hold Locust's loop for milliseconds and delay the readers' answers it measures. An
    export counts as failed unless its gzip stream is complete (its trailer checks the length
    and CRC); its response time is the whole export's, not the headers'.
    """

    fixed_count = EXPORTERS

    @task
    def export(self):
        started = time.perf_counter()
        with self.client.get(routes.EXPORT, stream=True, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return
            chunks = response.iter_content(EXPORT_CHUNK_BYTES, decode_content=False)
            try:
                length = read_export(chunks)
            except zlib.error as error:
                response.failure(error)
                return
            response.request_meta["response_time"] = (time.perf_counter() - started) * 1000
            response.request_meta["response_length"] = length


class ReadUser(BenchUser):
    """A reader browsing: single packages mostly, some pages, searches and daily picks."""

    @task(5)
    def package(self):
        self.client.get(package_path(random), name=routes.PACKAGE)

    @task(2)
    def page(self):
        self.client.get(routes.PACKAGES, params={"page": random.randint(1, SEED_PAGES)})

    @task(1)
    def search(self):
        self.client.get(search_path(random), name=f"{routes.PACKAGES}?q=")

    @task(2)
    def daily(self):
        self.client.get(routes.DAILY)

    @task(1)
    def daily_of_another_day(self):
        self.client.get(daily_path(random), name=routes.DAILY)


class CurateUser(BenchUser):
    """A curator: creates a package of its own, replaces and patches it, then deletes it.

    Every update and the delete carry the ETag of the previous answer in ``If-Match``, as a
    careful client does; a 412 would mean another writer changed the package (none should).
    The token is the first of ``PYADAY_CURATOR_TOKENS``, the same variable the server reads.
    """

    def on_start(self):
        tokens = Settings.from_env().curator_tokens
        if not tokens:
            raise RuntimeError("CurateUser needs a curator token in PYADAY_CURATOR_TOKENS")
        self.auth = {"Authorization": f"Bearer {tokens[0]}"}

    @task
    def lifecycle(self):
        name = f"bench-{uuid.uuid4().hex[:16]}"
        path = routes.package_path(name)
        fields = {"name": name, "version": "1.0", "summary": "A package of the benchmark."}
        created = self.client.post(routes.PACKAGES, json=fields, headers=self.auth)
        if created.status_code != 201:
            return
        fields |= {"version": "1.1", "keywords": ["benchmark"]}
        replaced = self.write("PUT", path, created, json=fields)
        if replaced.status_code != 200:
            return
        patched = self.write("PATCH", path, replaced, json={"download_rank": 1})
        if patched.status_code != 200:
            return
        self.write("DELETE", path, patched)

    def write(self, method: str, path: str, previous, **kwargs):
        headers = {**self.auth, "If-Match": previous.headers["ETag"]}
        return self.client.request(method, path, name=routes.PACKAGE, headers=headers, **kwargs)
