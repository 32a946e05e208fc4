"""The load generators: Locust (the scenarios) and ab (the talk's cross-check).

Each runs as a child process for a fixed time, pinned to its own cores, while the server's CPU
time is read from the OS around it. Their outputs are parsed into one shape of statistics.
"""

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import NamedTuple

from benchmarks.measure import (
    core_times,
    cores_busy_share,
    cpu_seconds_between,
    reaped_children_cpu_seconds,
    tree_cpu_seconds,
    tree_demand_seconds,
)
from benchmarks.servers import PROJECT_ROOT, stop
from benchmarks.system import find_or_install

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# Locust logs this when one of its processes passes 90% CPU (checked every 10 s).
LOCUST_CPU_WARNING = "CPU usage above"
# ab stops at -t seconds or -n requests, whichever comes first: -n must not be the limit.
AB_MAX_REQUESTS = 100_000_000
# How long a load generator may overrun its own time limit before it is killed.
OVERRUN_GRACE_S = 60
POLL_INTERVAL_S = 0.5

# elapsed seconds, cores the server wanted and the load generator used since the last call
ProgressCallback = Callable[[float, float, float], None]


@dataclass(frozen=True)
class Window:
    """One measured stretch of load: its wall time, the CPU both sides spent in it, how busy
    each side's cores were with anyone's work, and the cores each side used and wanted (median
    of the poll intervals, so Locust's start-up does not count as load)."""

    wall_s: float
    server_cpu_s: float
    loadgen_cpu_s: float
    server_cores_busy: float
    loadgen_cores_busy: float
    loadgen_cores_used: float
    loadgen_cores_wanted: float
    server_cores_wanted: float


@dataclass
class Usage:
    """Per poll interval, in cores: what the load generator used, what each side wanted."""

    loadgen_used: list[float] = field(default_factory=list)
    loadgen_wanted: list[float] = field(default_factory=list)
    server_wanted: list[float] = field(default_factory=list)

    def median(self, name: str) -> float:
        values = getattr(self, name)
        return median(values) if values else 0.0


def run_measured(
    command: list[str],
    *,
    server_pid: int,
    log_path: Path,
    time_limit_s: float,
    cpus: tuple[Sequence[int] | None, Sequence[int] | None],
    env: Mapping[str, str] | None = None,
    progress: ProgressCallback | None = None,
) -> Window:
    """Run a load generator to its end, reading the server's CPU time around it.

    ``cpus`` are the server's and the load generator's cores (None: all of them).
    """
    server_before = tree_cpu_seconds(server_pid)
    children_before = reaped_children_cpu_seconds()
    cores_before = core_times()
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches Locust's workers
        )
    deadline = started + time_limit_s + OVERRUN_GRACE_S
    try:
        usage = _watch(process, server_pid, deadline, progress)
    finally:
        stop(process)
    cores_after = core_times()
    return Window(
        wall_s=time.monotonic() - started,
        server_cpu_s=cpu_seconds_between(server_before, tree_cpu_seconds(server_pid)),
        loadgen_cpu_s=reaped_children_cpu_seconds() - children_before,
        server_cores_busy=cores_busy_share(cores_before, cores_after, cpus[0]),
        loadgen_cores_busy=cores_busy_share(cores_before, cores_after, cpus[1]),
        loadgen_cores_used=usage.median("loadgen_used"),
        loadgen_cores_wanted=usage.median("loadgen_wanted"),
        server_cores_wanted=usage.median("server_wanted"),
    )


class Reading(NamedTuple):
    at: float
    server_demand: dict[int, float]
    loadgen_cpu: dict[int, float]
    loadgen_demand: dict[int, float]


def _read(server_pid: int, loadgen_pid: int) -> Reading:
    return Reading(
        time.monotonic(),
        tree_demand_seconds(server_pid),
        tree_cpu_seconds(loadgen_pid),
        tree_demand_seconds(loadgen_pid),
    )


def _cores(last: Reading, now: Reading, field: str) -> float:
    """Cores a side used or wanted between two readings: its seconds over the interval."""
    return cpu_seconds_between(getattr(last, field), getattr(now, field)) / (now.at - last.at)


def _watch(process, server_pid: int, deadline: float, progress: ProgressCallback | None) -> Usage:
    """Wait for the load generator to exit, reading both sides every poll interval."""
    usage = Usage()
    first = last = _read(server_pid, process.pid)
    while process.poll() is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{process.args[0]} overran its time limit; stopped it")
        if _exited_within(process, POLL_INTERVAL_S):
            break
        now = _read(server_pid, process.pid)
        if not now.loadgen_cpu:  # the load generator has exited
            break
        usage.server_wanted.append(_cores(last, now, "server_demand"))
        usage.loadgen_used.append(_cores(last, now, "loadgen_cpu"))
        usage.loadgen_wanted.append(_cores(last, now, "loadgen_demand"))
        if progress:
            progress(now.at - first.at, usage.server_wanted[-1], usage.loadgen_used[-1])
        last = now
    return usage


def _exited_within(process: subprocess.Popen, seconds: float) -> bool:
    """Wait up to ``seconds`` for the process: a run ends when it does, not at the next poll."""
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def log_tail(log_path: Path, characters: int = 3000) -> str:
    return log_path.read_text(errors="replace")[-characters:]


# Locust


def locust_command(
    user_classes: Sequence[str],
    url: str,
    users: int,
    duration_s: int,
    processes: int,
    stats_prefix: Path,
) -> list[str]:
    # --json-file, not --csv: Locust writes its CSV once a second and not again at the end.
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-H", url, "-u", str(users), "-r", str(users), "-t", f"{duration_s}s",
        "--json-file", str(stats_prefix),
    ]  # fmt: skip
    if processes > 1:
        command += ["--processes", str(processes)]
    return [*command, *user_classes]


def locust_statistics(stats_prefix: Path, log_path: Path) -> dict:
    """Requests, failures, req/s and latency percentiles over every endpoint Locust hit."""
    stats_file = Path(f"{stats_prefix}.json")  # Locust appends the suffix itself
    if not stats_file.exists():
        raise RuntimeError(f"Locust wrote no statistics; its log:\n{log_tail(log_path)}")
    entries = json.loads(stats_file.read_text())
    requests = sum(entry["num_requests"] for entry in entries)
    if not requests:
        raise RuntimeError(f"Locust sent no request; its log:\n{log_tail(log_path)}")
    first = min(entry["start_time"] for entry in entries)
    last = max(entry["last_request_timestamp"] for entry in entries)
    histogram = Counter()
    for entry in entries:
        histogram.update(entry_histogram(entry))
    statistics = {
        "requests": requests,
        "failures": sum(entry["num_failures"] for entry in entries),
        "rps": round(requests / (last - first), 1),
        "load_s": round(last - first, 2),
        "latency_ms": latency(histogram),
    }
    if len(entries) > 1:  # each name's own, e.g. each search term's
        statistics["by_name"] = {
            entry["name"]: {"requests": entry["num_requests"], **latency(entry_histogram(entry))}
            for entry in entries
        }
    return statistics


def entry_histogram(entry: dict) -> Counter:
    return Counter({int(ms): count for ms, count in entry["response_times"].items()})


def latency(histogram: Counter) -> dict[str, int]:
    return {f"p{p}": percentile(histogram, p / 100) for p in (50, 95, 99)}


def percentile(histogram: Counter, fraction: float) -> int:
    """The response time ``fraction`` of the requests finished within, as Locust computes it
    from its histogram of response times rounded to whole milliseconds."""
    total, seen = histogram.total(), 0
    for milliseconds in sorted(histogram, reverse=True):
        seen += histogram[milliseconds]
        if total - seen <= int(total * fraction):
            return milliseconds
    return 0


def locust_warned_of_cpu(log_path: Path) -> bool:
    return LOCUST_CPU_WARNING in log_path.read_text(errors="replace")


# ab


def ab_command(ab: str, url: str, users: int, duration_s: int, keepalive: bool) -> list[str]:
    # -n after -t: ab's -t sets the request count back to 50,000.
    command = [ab, "-q", "-r", "-c", str(users), "-t", str(duration_s), "-n", str(AB_MAX_REQUESTS)]
    return [*command, "-k", url] if keepalive else [*command, url]


def ab_statistics(log_path: Path) -> dict:
    """ab's summary as the statistics Locust gives, failures read from status codes.

    ab counts every response whose length differs from the first one's as failed, and random
    packages differ in length, so only non-2xx answers and transport errors are failures here.
    """
    text = log_path.read_text(errors="replace")
    complete = _ab_field(text, "Complete requests")
    if not complete:
        raise RuntimeError(f"ab completed no request; its output:\n{log_tail(log_path)}")
    failed = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)", text)
    transport_errors = sum(map(int, failed.groups())) if failed else 0
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\d+)", text, re.MULTILINE))
    return {
        "requests": int(complete),
        "failures": int(_ab_field(text, "Non-2xx responses")) + transport_errors,
        "rps": _ab_field(text, "Requests per second"),
        "load_s": _ab_field(text, "Time taken for tests"),
        "latency_ms": {f"p{p}": int(percentiles[str(p)]) for p in (50, 95, 99)},
        "keepalive_requests": int(_ab_field(text, "Keep-Alive requests")),
    }


def _ab_field(text: str, label: str) -> float:
    match = re.search(rf"^{label}:\s+([\d.]+)", text, re.MULTILINE)
    return float(match[1]) if match else 0.0


def find_ab() -> str | None:
    """The ab binary; as root on Debian or Ubuntu, installed first when it is missing."""
    return find_or_install("ab", "apache2-utils")


AB_MISSING_HELP = (
    "ab (ApacheBench) is not installed, so the ab cross-check rows are marked missing. "
    "Install it with `sudo apt-get install apache2-utils` (Debian, Ubuntu), "
    "`sudo dnf install httpd-tools` (Fedora) or `brew install httpd` (macOS), then run again."
)


def ab_version(ab: str | None) -> str | None:
    if ab is None:
        return None
    output = subprocess.run([ab, "-V"], capture_output=True, text=True, timeout=10).stdout
    return output.splitlines()[0] if output else None
