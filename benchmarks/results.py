"""Reading a results document (``benchmarks/results/*.json``): which runs to compare, and how.

Each run names its scenario, its server set-up (``setup``: ``flask``, ``sanic``,
``flask-gthread``, ``floor-quart``...), its store and catalogue size (None for a floor app,
which has none) and its load generator (``tool``).
"""

from collections.abc import Iterator

PYADAY = ("flask", "sanic")
# The async lessons' scenarios: compared among their own set-ups, not in the talk's table.
LESSONS = ("upstream", "readers", "export")
SIZE_NAMES = {5000: "5,000", 700_000: "700,000"}


def measured(run: dict | None) -> bool:
    return run is not None and not run.get("missing")


def talk_setting(document: dict) -> tuple[str, int]:
    """The run's first store and size: where the scenarios without a store axis ran."""
    conditions = document["conditions"]
    return conditions["stores"][0], conditions["catalogue_sizes"][0]


def sizes(document: dict) -> list[int]:
    return document["conditions"]["catalogue_sizes"]


def stores(document: dict) -> list[str]:
    """The stores the run measured: those it was asked for, less the skipped ones."""
    skipped = document["conditions"].get("stores_skipped", {})
    return [store for store in document["conditions"]["stores"] if store not in skipped]


def size_name(size: int) -> str:
    return SIZE_NAMES.get(size, f"{size:,}")


def talk_runs(document: dict) -> list[dict]:
    """The runs of the talk's comparison: pyaday's two apps at the talk setting, and their
    floors; not the async lessons' scenarios."""
    setting = talk_setting(document)
    setups = (*PYADAY, *(f"floor-{name}" for name in PYADAY))
    return [
        run
        for run in document["runs"]
        if run["setup"] in setups
        and run["scenario"] not in LESSONS
        and (run["store"] is None or (run["store"], run["catalogue"]) == setting)
    ]


def find(
    runs: list[dict],
    scenario: str,
    setup: str,
    store: str | None = None,
    size: int | None = None,
    tool: str = "locust",
) -> dict | None:
    """The measured run of that scenario, set-up, store and size, if any (any store when
    ``store`` is None)."""
    for run in runs:
        if (run["scenario"], run["setup"], run["tool"]) != (scenario, setup, tool):
            continue
        if store is not None and (run["store"], run["catalogue"]) != (store, size):
            continue
        return run if measured(run) else None
    return None


def route_runs(document: dict) -> Iterator[dict]:
    """The Locust runs of pyaday's two apps that measure one read route each."""
    for run in document["runs"]:
        if (
            run.get("route")
            and run["tool"] == "locust"
            and run["setup"] in PYADAY
            and measured(run)
        ):
            yield run


def routes(document: dict) -> list[tuple[str, str]]:
    """(scenario, route) of every per-route scenario, in the order they ran."""
    return list(dict.fromkeys((run["scenario"], run["route"]) for run in route_runs(document)))


def cpu_ratio(flask: dict, sanic: dict) -> float:
    """The capacity ratio: Flask's CPU per request over Sanic's."""
    return flask["server_cpu_us_per_request"] / sanic["server_cpu_us_per_request"]


def with_database_us(run: dict) -> float:
    """The app's CPU per request plus its database server's, where the run measured one."""
    return run["server_cpu_us_per_request"] + run.get("database_cpu_us_per_request", 0.0)


def growth(small: float, large: float) -> float:
    return large / small if small else float("inf")
