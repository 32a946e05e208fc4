"""The runner behind ``make bench``: each scenario against each server set-up, side by side.

The run is a list of sessions (``plan``): one server of one set-up (``benchmarks/setups.py``)
on one store and catalogue size, and the scenarios measured against it one after the other.
For each session: give it a copy of its seeded store, start the server pinned to its cores and
time its start-up; for each scenario, warm the server up with the scenario's own requests,
then measure one Locust run (and for the talk's routes, ab with and without keep-alive) while
reading the server's CPU time, and the database's, from the OS; stop the server. Servers, the
package index, PostgreSQL and load generators are stopped on failure and Ctrl-C as well.
"""

import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

import httpx

from benchmarks import conditions, loadgen
from benchmarks.measure import cpu_seconds_between, tree_cpu_seconds
from benchmarks.scenarios import SEARCH_TERMS, UPSTREAM_DELAY_MS, Scenario
from benchmarks.servers import RunningServer, pinned, running_index, running_server
from benchmarks.setups import SETUPS, Setup
from benchmarks.stores import SIZES, STORES, BenchStores
from shared import routes

ALL_FRAMEWORKS = ("flask", "sanic", "quart", "fastapi")
# A memory store of 700,000 packages is built by each worker as it starts: give it time.
STARTUP_TIMEOUT_S = 180
# Over this share of its cores, the load generator, not the server, limited the throughput.
LOADGEN_BOUND_SHARE = 0.9


@dataclass(frozen=True)
class BenchOptions:
    scenarios: tuple[Scenario, ...]
    frameworks: tuple[str, ...] = ALL_FRAMEWORKS
    stores: tuple[str, ...] = STORES
    sizes: tuple[int, ...] = SIZES
    users: int = 50
    duration: int = 3
    warmup: float = 0.3
    workers: int = 1
    server_cpus: tuple[int, ...] | None = (0,)
    loadgen_cpus: tuple[int, ...] | None = (1,)
    processes: int = 1
    ab: bool = True
    ab_duration: int = 2

    @property
    def pairs(self) -> list[tuple[str, int]]:
        """Every store and catalogue size, in the order they are measured; the first is where
        the scenarios without a store axis run."""
        return [(store, size) for store in self.stores for size in self.sizes]


@dataclass(frozen=True)
class Session:
    """One server of one set-up, on one store and size, and what is measured against it."""

    setup: Setup
    store: str | None  # None: a floor app, which has no store
    size: int | None
    scenarios: tuple[Scenario, ...]
    talk_setting: bool  # the run's first store and size: where ab cross-checks the talk

    @property
    def name(self) -> str:
        where = f"{self.store}_{self.size}_" if self.store else ""
        return f"{self.scenarios[0].group}_{where}{self.setup.name}".replace("-", "_")

    @property
    def title(self) -> str:
        where = f" on {self.store}, {self.size:,} packages" if self.store else ""
        return f"{self.setup.label}{where}"

    def measurements(self, options: BenchOptions) -> int:
        return sum(1 + 2 * self.ab_measured(scenario, options) for scenario in self.scenarios)

    def ab_measured(self, scenario: Scenario, options: BenchOptions) -> bool:
        return bool(scenario.ab_path and options.ab and self.talk_setting)


def plan(options: BenchOptions) -> list[Session]:
    """Every session of the run, grouped so that each server starts once: by scenario group,
    then store and size (floors last), then set-up."""
    pairs = options.pairs
    wanted: dict[tuple, list[Scenario]] = {}
    for scenario in options.scenarios:
        for setup in map(SETUPS.get, scenario.setups):
            if setup.framework not in options.frameworks:
                continue
            if setup.app == "floor":
                where = [(None, None)]
            else:
                where = pairs if scenario.per_store else pairs[:1]
            for store, size in where:
                wanted.setdefault((scenario.group, store, size, setup.name), []).append(scenario)
    groups = list(dict.fromkeys(scenario.group for scenario in options.scenarios))
    setups = list(SETUPS)

    def order(key: tuple) -> tuple:
        group, store, size, setup = key
        place = pairs.index((store, size)) if store else len(pairs)
        return groups.index(group), place, setups.index(setup)

    return [
        Session(SETUPS[key[3]], key[1], key[2], tuple(wanted[key]), key[1:3] == pairs[0])
        for key in sorted(wanted, key=order)
    ]


class Progress:
    """One line per measurement, redrawn in place on a terminal while it runs."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.live = sys.stderr.isatty()
        self.started = time.monotonic()

    def note(self, text: str):
        """A step between measurements: seeding, starting a server."""
        print(f"[{time.monotonic() - self.started:4.0f} s] {text}", flush=True)

    def skip(self, measurements: int, reason: str):
        self.done += measurements
        self.note(f"skipped {measurements} measurements: {reason}")

    def start(self, label: str, duration_s: int):
        self.done += 1
        self.label, self.duration_s = f"[{self.done}/{self.total}] {label}", duration_s

    def update(self, elapsed: float, server_wants: float, loadgen_uses: float):
        if self.live:
            line = (
                f"{self.label}  {elapsed:3.0f}/{self.duration_s} s  "
                f"server wants {server_wants:4.0%}  load generator uses {loadgen_uses:4.0%}"
            )
            print(f"\r{line:<100}", end="", file=sys.stderr, flush=True)

    def finish(self, run: dict) -> dict:
        if self.live:
            print("\r" + " " * 100 + "\r", end="", file=sys.stderr)
        print(f"{self.label}  {summary(run)}", flush=True)
        return run


def summary(run: dict) -> str:
    if run.get("missing"):
        return "missing: ab is not installed"
    flag = "  LOAD GENERATOR BOUND" if run["loadgen_bound"] else ""
    return (
        f"{run['rps']:9,.0f} req/s  {run['failures']} failures  "
        f"server {run['server_cpu_us_per_request']:6.1f} µs/request  "
        f"load generator {run['loadgen_cpu_share']:.0%} of its cores{flag}"
    )


def run_benchmark(options: BenchOptions, argv: list[str]) -> dict:
    """Every measurement of ``options``, as the results document (see ``save_results``)."""
    started = time.monotonic()
    ab = loadgen.find_ab() if options.ab else None
    if options.ab and ab is None:
        print(loadgen.AB_MISSING_HELP, file=sys.stderr)
    sessions = plan(options)
    progress = Progress(sum(session.measurements(options) for session in sessions))
    document = {
        "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(["python -m benchmarks", *argv]),
        "conditions": conditions.collect(options, loadgen.ab_version(ab)),
        "servers": [],
        "search_answers": {},
        "runs": [],
    }
    workdir = Path(tempfile.mkdtemp(prefix="pyaday-bench-"))
    progress.note(f"{len(sessions)} servers, {progress.total} measurements; logs in {workdir}")
    with ExitStack() as stack:
        stores = BenchStores(options.stores, workdir, options.server_cpus, progress.note)
        stack.callback(stores.close)
        index_url = None
        if any(scenario.needs_index for scenario in options.scenarios):
            progress.note(f"starting the local package index ({UPSTREAM_DELAY_MS} ms delay)")
            index_log = workdir / "index.log"
            index = running_index(index_log, delay_ms=UPSTREAM_DELAY_MS, cpus=options.loadgen_cpus)
            index_url = stack.enter_context(index)
        stores.seed([(session.store, session.size) for session in sessions if session.store])
        for session in sessions:
            if session.store and not stores.available(session.store):
                progress.skip(session.measurements(options), stores.skipped[session.store])
                continue
            bench = SessionBench(session, options, workdir, progress, stores, index_url)
            server, answers, runs = bench.run(ab)
            document["servers"].append(server)
            if answers:
                document["search_answers"][f"{session.store}/{session.size}/{session.name}"] = (
                    answers
                )
            document["runs"] += runs
        document["conditions"] |= stores.conditions()
    document["elapsed_s"] = round(time.monotonic() - started)
    progress.note(f"done in {document['elapsed_s'] / 60:.1f} min")
    return document


@dataclass(frozen=True)
class SessionBench:
    """What measuring one session needs besides the session."""

    session: Session
    options: BenchOptions
    workdir: Path
    progress: Progress
    stores: BenchStores
    index_url: str | None

    def run(self, ab: str | None) -> tuple[dict, dict[str, dict], list[dict]]:
        """The server's record, its search answers' digests, and every measurement."""
        session, options = self.session, self.options
        token = secrets.token_urlsafe(16)  # only this run's curators may write
        env = {"PYADAY_CURATOR_TOKENS": token, **dict(session.setup.env)}
        if self.index_url:
            env["PYADAY_INDEX_URL"] = self.index_url
        log = self.workdir / session.name
        runs, answers = [], {}
        with ExitStack() as stack:
            if session.store:
                env |= stack.enter_context(
                    self.stores.copy(session.store, session.size, session.name)
                )
            self.progress.note(f"starting {session.title}")
            started = time.monotonic()
            server = stack.enter_context(
                running_server(
                    session.setup.framework,
                    log.with_suffix(".server.log"),
                    env=env,
                    workers=options.workers,
                    cpus=options.server_cpus,
                    startup_timeout=STARTUP_TIMEOUT_S,
                    command=session.setup.command,
                )
            )
            record = {
                **session_identity(session),
                "startup_s": round(time.monotonic() - started, 2),
            }
            if any(scenario.name == "search" for scenario in session.scenarios):
                answers = search_answers(server.url)
            database_pid = self.stores.database_pid(session.store)
            for scenario in session.scenarios:
                context = RunContext(scenario, session, options, server, env, log, database_pid)
                context.warm_up()
                label = f"{scenario.name} · {session.title}"
                self.progress.start(f"{label} · locust", options.duration)
                runs.append(self.progress.finish(context.locust_run(self.progress)))
                if session.ab_measured(scenario, options):
                    for keepalive in (True, False):
                        self.progress.start(f"{label} · {ab_tool(keepalive)}", options.ab_duration)
                        runs.append(
                            self.progress.finish(context.ab_run(ab, keepalive, self.progress))
                        )
        return record, answers, runs


def session_identity(session: Session) -> dict:
    setup = session.setup
    return {
        "setup": setup.name,
        "framework": setup.framework,
        "app": setup.app,
        "server": setup.server,
        "store": session.store,
        "catalogue": session.size,
    }


def search_answers(url: str) -> dict[str, dict]:
    """Each search term's total of matches, and a digest of its first page: every store and
    app must give the same bytes for the same catalogue."""
    answers = {}
    with httpx.Client(base_url=url, timeout=60.0) as client:
        for term in SEARCH_TERMS:
            body = client.get(routes.PACKAGES, params={"q": term}).raise_for_status().content
            answers[term] = {
                "total": json.loads(body)["total"],
                "sha256": sha256(body).hexdigest()[:16],
            }
    return answers


def ab_tool(keepalive: bool) -> str:
    return "ab -k" if keepalive else "ab"


@dataclass(frozen=True)
class RunContext:
    """What every measurement of one scenario against one running server shares."""

    scenario: Scenario
    session: Session
    options: BenchOptions
    server: RunningServer
    env: dict
    log: Path
    database_pid: int | None = None

    @property
    def users(self) -> int:
        return self.scenario.users or self.options.users

    def warm_up(self) -> None:
        """The scenario's own requests, one after another for ``warmup`` seconds: caches
        filled, search indexes built, connections open, before anything is measured."""
        draw = random.Random(0)
        deadline = time.monotonic() + self.options.warmup
        with httpx.Client(base_url=self.server.url, timeout=60.0) as client:
            while time.monotonic() < deadline:
                client.get(self.scenario.path(draw))

    def locust(self, duration_s: int, suffix: str, progress: Progress | None = None):
        prefix = Path(f"{self.log}-{self.scenario.name}-{suffix}")
        command = loadgen.locust_command(
            self.scenario.user_classes,
            self.server.url,
            self.users,
            duration_s,
            self.options.processes,
            prefix,
        )
        log_path = prefix.with_suffix(".log")
        window = loadgen.run_measured(
            pinned(command, self.options.loadgen_cpus),
            server_pid=self.server.process.pid,
            log_path=log_path,
            time_limit_s=duration_s,
            cpus=(self.options.server_cpus, self.options.loadgen_cpus),
            env=self.env,
            progress=progress.update if progress else None,
        )
        return window, loadgen.locust_statistics(prefix, log_path), log_path

    def locust_run(self, progress: Progress) -> dict:
        database_before = self.database_cpu_seconds()
        window, statistics, log_path = self.locust(self.options.duration, "locust", progress)
        database_s = cpu_seconds_between(database_before, self.database_cpu_seconds())
        warned = loadgen.locust_warned_of_cpu(log_path)
        run = self.record("locust", True, statistics, window, warned)
        if self.database_pid:
            run["database_cpu_us_per_request"] = round(database_s / run["requests"] * 1e6, 1)
        return run

    def database_cpu_seconds(self) -> dict[int, float]:
        return tree_cpu_seconds(self.database_pid) if self.database_pid else {}

    def ab_run(self, ab: str | None, keepalive: bool, progress: Progress) -> dict:
        if ab is None:
            return {**self.identity(ab_tool(keepalive), keepalive), "missing": True}
        url = self.server.url + self.scenario.ab_path
        tool = ab_tool(keepalive).replace(" ", "")
        log_path = Path(f"{self.log}-{self.scenario.name}-{tool}.log")
        command = loadgen.ab_command(ab, url, self.users, self.options.ab_duration, keepalive)
        window = loadgen.run_measured(
            pinned(command, self.options.loadgen_cpus),
            server_pid=self.server.process.pid,
            log_path=log_path,
            time_limit_s=self.options.ab_duration,
            cpus=(self.options.server_cpus, self.options.loadgen_cpus),
            progress=progress.update,
        )
        return self.record(ab_tool(keepalive), keepalive, loadgen.ab_statistics(log_path), window)

    def identity(self, tool: str, keepalive: bool) -> dict:
        return {
            "scenario": self.scenario.name,
            **session_identity(self.session),
            "route": self.scenario.route,
            "users": self.users,
            "tool": tool,
            "client_keep_alive": keepalive,
        }

    def record(
        self,
        tool: str,
        keepalive: bool,
        statistics: dict,
        window: loadgen.Window,
        locust_warned: bool = False,
    ) -> dict:
        cpu_per_request = window.server_cpu_s / statistics["requests"]
        server_cores = cores(self.options.server_cpus)
        loadgen_cores = cores(self.options.loadgen_cpus)
        shares = {
            "server_cpu_share": window.server_cpu_s / (statistics["load_s"] * server_cores),
            "server_demand_share": window.server_cores_wanted / server_cores,
            "server_cores_busy": window.server_cores_busy,
            "loadgen_cpu_share": window.loadgen_cores_used / loadgen_cores,
            "loadgen_demand_share": window.loadgen_cores_wanted / loadgen_cores,
            "loadgen_cores_busy": window.loadgen_cores_busy,
        }
        reasons = bound_reasons(shares, locust_warned)
        return {
            **self.identity(tool, keepalive),
            **statistics,
            "wall_s": round(window.wall_s, 2),
            "server_cpu_s": round(window.server_cpu_s, 2),
            "server_cpu_us_per_request": round(cpu_per_request * 1e6, 1),
            "capacity_per_core": round(1 / cpu_per_request),
            "loadgen_cpu_s": round(window.loadgen_cpu_s, 2),
            **{name: round(share, 3) for name, share in shares.items()},
            "locust_cpu_warning": locust_warned,
            "loadgen_bound_because": reasons,
            "loadgen_bound": bool(reasons),
        }


def bound_reasons(shares: dict[str, float], locust_warned: bool) -> list[str]:
    """Why the load generator, not the server, limited this run; empty when it did not."""
    reasons = []
    if locust_warned:
        reasons.append("Locust warned about its CPU")
    if shares["loadgen_cpu_share"] > LOADGEN_BOUND_SHARE:
        reasons.append(f"it used {shares['loadgen_cpu_share']:.0%} of its cores")
    # On a shared machine other processes take part of the load generator's cores: it is the
    # bottleneck too when it wanted its cores all along (ran or queued) and the server did not.
    wanted, server_wanted = shares["loadgen_demand_share"], shares["server_demand_share"]
    if wanted > LOADGEN_BOUND_SHARE and server_wanted < LOADGEN_BOUND_SHARE:
        reasons.append(
            f"it wanted its cores {wanted:.0%} of the time (running or queued for them), "
            f"the server {server_wanted:.0%}"
        )
    return reasons


def cores(cpus: tuple[int, ...] | None) -> int:
    """How many cores a side may use: its pins, or every core of the machine when unpinned."""
    return len(cpus) if cpus else os.cpu_count()


def save_results(document: dict, results_dir: Path) -> Path:
    """``<started_at>.json`` for the record, and the same as ``latest.json``."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{document['started_at'].replace(':', '')}.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(path, results_dir / "latest.json")
    return path
