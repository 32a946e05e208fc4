"""What ``make bench`` measures: the scenarios, in the order the report lists them, and the
requests each sends (here, not in locustfile.py: importing Locust patches the process, and the
runner sends the same requests to warm each server up).
"""

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from urllib.parse import quote

from shared import routes
from shared.catalogue import seed_packages

# What the search scenarios search for: also the terms the store measurements and the synthetic
# catalogue's test use. Each has three characters or more, so every store answers it from its
# search index; each matches 1-5% of the catalogue.
SEARCH_TERMS = ("flask", "django", "aws", "http", "test", "async")
PYADAY = ("flask", "sanic")
FLOORS = ("floor-flask", "floor-sanic", "floor-quart", "floor-fastapi")
# The upstream scenario: the package index answers after this delay, and more users wait on it
# at once than a gthread worker has threads, so that what serves them concurrently shows.
UPSTREAM_DELAY_MS = 50
UPSTREAM_USERS = 100
# pyaday's Flask as deployed, the fair Flask set-up for IO, an async view; Sanic; the floors,
# Flask's on gthread workers.
UPSTREAM_SETUPS = (
    "flask",
    "flask-gthread",
    "flask-async",
    "sanic",
    "floor-flask-gthread",
    *FLOORS[1:],
)
# The export scenario: readers ask for /rand at a steady pace, well below what either app serves,
# so that their latency shows what holds their requests up, not a queue of their own; meanwhile
# other users export the catalogue, one export after another. It runs without exports, then
# with them on each app, then on Sanic with the export on its loop (PYADAY_EXPORT_OFFLOAD=0).
EXPORT_READERS = 20
EXPORT_READER_PACE = 20  # requests a second, each reader: 400 in all
EXPORTERS = 2
EXPORT_SETUPS = ("flask", "sanic", "sanic-export-on-loop")


@cache
def seed_names() -> list[str]:
    """Seed names as published (``Flask_SQLAlchemy``, not the key): reads exercise
    normalization. Every store and catalogue size holds them."""
    return [package.name for package in seed_packages()]


# Each takes a random.Random, or the random module itself (Locust's users).
Draw = Callable[..., str]


def package_path(draw) -> str:
    return routes.package_path(draw.choice(seed_names()))


def search_path(draw) -> str:
    return f"{routes.PACKAGES}?q={draw.choice(SEARCH_TERMS)}"


def daily_path(draw) -> str:
    """The pick of a day of the last year: a different rank each time, as real days give."""
    day = date.today() - timedelta(days=draw.randrange(365))
    return f"{routes.DAILY}?date={day.isoformat()}"


def releases_path(draw) -> str:
    name = quote(draw.choice(seed_names()), safe="")
    return routes.PACKAGE_RELEASES.replace("<name>", name)


def read_export(chunks: Iterable[bytes]) -> int:
    """An export's length once decompressed, read chunk by chunk to the end of its gzip stream;
    ``zlib.error`` if it is not gzip or ends before the trailer (CRC-32 and length) that
    tells a whole export from one cut short."""
    stream, length = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS), 0
    for chunk in chunks:
        length += len(stream.decompress(chunk))
    if not stream.eof:
        raise zlib.error("the gzip stream ended before its trailer")
    return length


@dataclass(frozen=True)
class Scenario:
    name: str
    user_class: str  # its class in locustfile.py; several, space-separated, run side by side
    path: Draw  # a request it sends, for the warm-up (the writes of curate warm up on reads)
    setups: tuple[str, ...] = PYADAY  # the servers it runs against (benchmarks/setups.py)
    route: str | None = None  # the one read route it measures, as the per-store tables say
    per_store: bool = False  # run on every store and catalogue size, not only the first
    users: int | None = None  # Locust users, when the scenario fixes them (else --users)
    ab_path: str | None = None  # cross-checked with ab, the talk's tool, on this path
    talk_claim: str | None = None  # Sanic's advantage as the talk claimed it (measured with ab)
    needs_index: bool = False  # serve the local package index at UPSTREAM_DELAY_MS
    # Scenarios of the same group share a server of each set-up, store and size; a group of
    # its own gets fresh servers, started one after the other.
    group: str = "main"

    @property
    def user_classes(self) -> list[str]:
        return self.user_class.split()

    @property
    def floor(self) -> bool:
        return all(setup.startswith("floor-") for setup in self.setups)


def fixed(path: str) -> Draw:
    return lambda draw: path


SCENARIOS = {
    scenario.name: scenario
    for scenario in (
        Scenario(
            "hello", "HelloUser", fixed(routes.INDEX), ab_path=routes.INDEX, talk_claim="3-4x"
        ),
        Scenario(
            "rand",
            "RandUser",
            fixed(routes.RANDOM),
            route="GET /rand",
            per_store=True,
            ab_path=routes.RANDOM,
            talk_claim="5-6x",
        ),
        # rand's requests against each framework's bare app serving one fixed package.
        Scenario("floor", "RandUser", fixed(routes.RANDOM), setups=FLOORS),
        Scenario("floor-hello", "HelloUser", fixed(routes.INDEX), setups=FLOORS),
        Scenario(
            "package", "PackageUser", package_path, route="GET /packages/{name}", per_store=True
        ),
        Scenario(
            "page", "FirstPageUser", fixed(routes.PACKAGES), route="GET /packages", per_store=True
        ),
        Scenario("search", "SearchUser", search_path, route="GET /packages?q=", per_store=True),
        Scenario("daily", "DailyUser", daily_path, route="GET /daily", per_store=True),
        # One user, one request after another: what a search costs in time, without queueing.
        Scenario(
            "search-1-user",
            "SearchUser",
            search_path,
            route="GET /packages?q=, 1 user",
            per_store=True,
            users=1,
        ),
        Scenario("read", "ReadUser", package_path),
        Scenario("curate", "CurateUser", package_path),
        Scenario(
            "upstream",
            "UpstreamUser",
            releases_path,
            setups=UPSTREAM_SETUPS,
            users=UPSTREAM_USERS,
            needs_index=True,
            group="upstream",
        ),
        # The export scenario's readers alone, then beside the exporters (see EXPORT_READERS).
        Scenario(
            "readers",
            "PacedRandUser",
            fixed(routes.RANDOM),
            setups=EXPORT_SETUPS[:2],
            users=EXPORT_READERS,
        ),
        Scenario(
            "export",
            "PacedRandUser ExportUser",
            fixed(routes.RANDOM),
            setups=EXPORT_SETUPS,
            users=EXPORT_READERS + EXPORTERS,
        ),
    )
}
# read mixes the routes that the per-store scenarios measure one at a time: not run by default.
DEFAULT_SCENARIOS = tuple(name for name in SCENARIOS if name != "read")
