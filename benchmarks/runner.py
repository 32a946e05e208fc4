"""The runner behind ``make bench``: each scenario against each framework, side by side.

For each (scenario, framework): start the production server with a fresh store on a free port,
pinned to its cores; warm it up with a short Locust run; measure one Locust run (and for the
talk's routes, ab with and without keep-alive) while reading the server's CPU time from the
OS; stop the server. Servers and load generators are stopped on failure and Ctrl-C as well.
"""

import json
import os
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import conditions, loadgen
from benchmarks.scenarios import Scenario
from benchmarks.servers import FRAMEWORKS, RunningServer, pinned, running_server

# Over this share of its cores, the load generator, not the server, limited the throughput.
LOADGEN_BOUND_SHARE = 0.9


@dataclass(frozen=True)
class BenchOptions:
    scenarios: tuple[Scenario, ...]
    frameworks: tuple[str, ...] = FRAMEWORKS
    users: int = 50
    duration: int = 20
    warmup: int = 3
    workers: int = 1
    store: str = "memory://"
    server_cpus: tuple[int, ...] | None = (0,)
    loadgen_cpus: tuple[int, ...] | None = (1,)
    processes: int = 1
    ab: bool = True
    ab_duration: int = 10


class Progress:
    """One line per measurement, redrawn in place on a terminal while it runs."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.live = sys.stderr.isatty()

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


def measurements_per_server(scenario: Scenario, options: BenchOptions) -> int:
    return 1 + (2 if scenario.ab_path and options.ab else 0)


def run_benchmark(options: BenchOptions, argv: list[str]) -> dict:
    """Every measurement of ``options``, as the results document (see ``save_results``)."""
    ab = loadgen.find_ab() if options.ab else None
    if options.ab and ab is None:
        print(loadgen.AB_MISSING_HELP, file=sys.stderr)
    total = len(options.frameworks) * sum(
        measurements_per_server(scenario, options) for scenario in options.scenarios
    )
    progress = Progress(total)
    document = {
        "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(["python -m benchmarks", *argv]),
        "conditions": conditions.collect(options, loadgen.ab_version(ab)),
        "runs": [],
    }
    workdir = Path(tempfile.mkdtemp(prefix="pyaday-bench-"))
    print(f"logs in {workdir}", flush=True)
    for scenario in options.scenarios:
        for framework in options.frameworks:
            document["runs"] += bench_server(scenario, framework, options, ab, workdir, progress)
    return document


def bench_server(
    scenario: Scenario,
    framework: str,
    options: BenchOptions,
    ab: str | None,
    workdir: Path,
    progress: Progress,
) -> list[dict]:
    """All measurements of one scenario against one freshly started server."""
    token = secrets.token_urlsafe(16)  # only this run's curators may write
    env = {"PYADAY_DATABASE_URL": options.store, "PYADAY_CURATOR_TOKENS": token}
    log = workdir / f"{scenario.name}-{framework}"
    with running_server(
        framework,
        log.with_suffix(".server.log"),
        env=env,
        workers=options.workers,
        cpus=options.server_cpus,
        floor=scenario.floor,
    ) as server:
        context = RunContext(scenario, framework, options, server, env, log)
        if options.warmup:
            context.locust(options.warmup, suffix="warmup")
        label = f"{scenario.name} · {framework}"
        progress.start(f"{label} · locust", options.duration)
        runs = [progress.finish(context.locust_run(progress))]
        if options.ab and scenario.ab_path:
            for keepalive in (True, False):
                progress.start(f"{label} · {ab_tool(keepalive)}", options.ab_duration)
                runs.append(progress.finish(context.ab_run(ab, keepalive, progress)))
    return runs


def ab_tool(keepalive: bool) -> str:
    return "ab -k" if keepalive else "ab"


@dataclass(frozen=True)
class RunContext:
    """What every measurement against one running server shares."""

    scenario: Scenario
    framework: str
    options: BenchOptions
    server: RunningServer
    env: dict
    log: Path

    def locust(self, duration_s: int, suffix: str, progress: Progress | None = None):
        prefix = Path(f"{self.log}-{suffix}")
        command = loadgen.locust_command(
            self.scenario.user_class,
            self.server.url,
            self.options.users,
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
        window, statistics, log_path = self.locust(self.options.duration, "locust", progress)
        warned = loadgen.locust_warned_of_cpu(log_path)
        return self.record("locust", True, statistics, window, warned)

    def ab_run(self, ab: str | None, keepalive: bool, progress: Progress) -> dict:
        if ab is None:
            return {**self.identity(ab_tool(keepalive), keepalive), "missing": True}
        url = self.server.url + self.scenario.ab_path
        log_path = Path(f"{self.log}-{ab_tool(keepalive).replace(' ', '')}.log")
        command = loadgen.ab_command(
            ab, url, self.options.users, self.options.ab_duration, keepalive
        )
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
            "framework": self.framework,
            "app": "floor" if self.scenario.floor else "pyaday",
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
