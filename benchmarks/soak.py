"""``make soak``: both apps under a mixed load while PostgreSQL restarts and a worker dies.

Both production servers, two workers each, on one throwaway PostgreSQL server (each app in a
schema of its own), are driven by Locust for a fixed time (``benchmarks/soak_locustfile.py``:
readers, and curators that journal every write with its answer). Meanwhile the database is
stopped and started again once, and one worker process of each app is killed. Then the load
stops and each app's catalogue is compared with the state its journal says it must hold:

- every write acknowledged (2xx) is there, byte for byte as it was answered;
- every write refused (4xx, or 503: "changed nothing") left nothing behind;
- a write that got no answer was read back right after, and the catalogue holds what was read.

The report gives the requests, the errors by status, and each fault's errors and recovery time
(from the fault to the last failed answer it caused). Everything runs on 127.0.0.1 and a Unix
socket, and stops by itself: ``--duration`` (default 120 s) bounds the load.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from benchmarks.postgres import ThrowawayPostgres, start_throwaway_postgres, why_unavailable
from benchmarks.servers import FRAMEWORKS, PROJECT_ROOT, RunningServer, running_server

LOCUSTFILE = Path(__file__).with_name("soak_locustfile.py")
RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "soak-latest.json"
WORKERS = 2
USERS = 12  # per app: three readers to each curator
TOKEN = "soak-curator-token"
# A fault's errors end when no request has failed for this long.
QUIET_S = 5.0


@dataclass
class Fault:
    name: str
    at: float  # time.time()


@dataclass
class AppRun:
    framework: str
    server: RunningServer
    folder: Path
    locust: subprocess.Popen | None = None
    faults: list[Fault] = field(default_factory=list)

    @property
    def journal(self) -> Path:
        return self.folder / f"{self.framework}-journal.jsonl"

    @property
    def timeline(self) -> Path:
        return self.folder / f"{self.framework}-timeline.jsonl"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of load (max 240)")
    parser.add_argument("--db-down", type=float, default=3.0, help="seconds PostgreSQL is down")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes")
    options = parser.parse_args(argv)
    if not 20 <= options.duration <= 240:
        parser.error("--duration must be 20 to 240 seconds (make soak stays under 5 minutes)")
    reason = why_unavailable()
    if reason:
        print(f"make soak needs PostgreSQL: {reason}", file=sys.stderr)
        return 1
    report = soak(options.duration, options.db_down)
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_report(report)
    print(f"\nresults: {options.results}")
    lost = sum(
        app["verification"]["lost"] + app["verification"]["phantom"] for app in report["apps"]
    )
    return 1 if lost else 0


def soak(duration: int, db_down: float) -> dict:
    started_at = time.time()
    with tempfile.TemporaryDirectory(prefix="pyaday-soak-") as scratch, ExitStack() as stack:
        folder = Path(scratch)
        postgres = start_throwaway_postgres()
        stack.callback(postgres.remove)
        apps = [start_app(stack, framework, postgres, folder) for framework in FRAMEWORKS]
        for app in apps:
            app.locust = start_locust(app, duration)
        faults = inject_faults(apps, postgres, duration, db_down)
        for app in apps:
            app.locust.wait(duration + 60)
        return {
            "command": "make soak (python -m benchmarks.soak)",
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started_at)),
            "duration_s": duration,
            "workers": WORKERS,
            "users_per_app": USERS,
            "faults": [
                {"name": fault.name, "at_s": round(fault.at - started_at, 1)} for fault in faults
            ],
            "apps": [app_report(app, faults) for app in apps],
        }


def start_app(
    stack: ExitStack, framework: str, postgres: ThrowawayPostgres, folder: Path
) -> AppRun:
    env = {
        "PYADAY_DATABASE_URL": postgres.url(postgres.create_schema()),
        "PYADAY_CURATOR_TOKENS": TOKEN,
        "PYADAY_POOL_TIMEOUT": "2",
    }
    log = folder / f"{framework}.log"
    server = stack.enter_context(running_server(framework, log, env=env, workers=WORKERS))
    return AppRun(framework, server, folder)


def start_locust(app: AppRun, duration: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYADAY_CURATOR_TOKENS": TOKEN,
        "PYADAY_SOAK_JOURNAL": str(app.journal),
        "PYADAY_SOAK_TIMELINE": str(app.timeline),
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "-H", app.server.url, "-u", str(USERS), "-r", str(USERS), "-t", f"{duration}s",
        "--stop-timeout", "30", "SoakReader", "SoakCurator",
    ]  # fmt: skip
    log = (app.folder / f"{app.framework}-locust.log").open("wb")
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)


def inject_faults(apps: list[AppRun], postgres: ThrowawayPostgres, duration: int, db_down: float):
    """At a third of the run, restart PostgreSQL; at two thirds, kill one worker of each app."""
    start = time.monotonic()
    faults = []
    wait_until(start + duration / 3)
    faults.append(Fault("PostgreSQL stopped (fast shutdown) and started again", time.time()))
    print(f"soak: stopping PostgreSQL for {db_down:.0f} s", flush=True)
    postgres.stop()
    time.sleep(db_down)
    postgres.start()
    wait_until(start + 2 * duration / 3)
    faults.append(Fault("one worker process killed (SIGKILL)", time.time()))
    for app in apps:
        victim = worker_pids(app.server)[0]
        print(f"soak: killing {app.framework} worker {victim}", flush=True)
        os.kill(victim, signal.SIGKILL)
    return faults


def wait_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def worker_pids(server: RunningServer) -> list[int]:
    """The processes that serve: the server's children holding its listening socket."""
    port = int(server.url.rsplit(":", 1)[1])
    workers = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            listening = child.net_connections("tcp")
        except psutil.Error:
            continue
        if any(conn.status == psutil.CONN_LISTEN and conn.laddr.port == port for conn in listening):
            workers.append(child.pid)
    return sorted(workers)


def app_report(app: AppRun, faults: list[Fault]) -> dict:
    outcomes = read_timeline(app.timeline)
    by_status = Counter()
    for (_tenth, status), requests in outcomes.items():
        by_status[str(status)] += requests
    total = sum(by_status.values())
    errors = {status: n for status, n in by_status.items() if not status.startswith(("2", "3"))}
    errors = {status: n for status, n in errors.items() if status not in {"404", "409", "412"}}
    return {
        "framework": app.framework,
        "requests": total,
        "by_status": dict(sorted(by_status.items())),
        "error_rate": round(sum(errors.values()) / total, 5) if total else None,
        "faults": [fault_effect(outcomes, fault, faults) for fault in faults],
        "workers_serving_at_the_end": len(worker_pids(app.server)),
        "verification": verify(app),
    }


def read_timeline(path: Path) -> Counter:
    outcomes = Counter()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            tenth, status, requests = json.loads(line)
            outcomes[tenth, status] += requests
    return outcomes


def failed(status) -> bool:
    """A request the fault made fail: no answer, or 5xx (404, 409, 412 are the workload's own)."""
    return not isinstance(status, int) or status == 0 or status >= 500


def fault_effect(outcomes: Counter, fault: Fault, faults: list[Fault]) -> dict:
    """The failed answers from the fault to the next one, and when the last of them came."""
    later = [other.at for other in faults if other.at > fault.at]
    window_end = min(later) if later else float("inf")
    failures = sorted(
        tenth / 10
        for (tenth, status), requests in outcomes.items()
        for _ in range(requests)
        if failed(status) and fault.at - 0.1 <= tenth / 10 < window_end
    )
    return {
        "fault": fault.name,
        "failed_requests": len(failures),
        "recovered_after_s": round(max(failures) - fault.at + 0.1, 1) if failures else 0.0,
    }


def verify(app: AppRun) -> dict:
    """Compare the catalogue with the state the journal says it must hold."""
    expected: dict[str, str | None] = {}  # name: its body, or None for absent
    unknown: set[str] = set()  # no answer, and no read settled it either
    counts = Counter()
    for line in app.journal.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        name, status, operation = record["name"], record["status"], record["op"]
        counts["writes" if operation not in {"RESOLVE", "UNRESOLVED"} else "reads"] += 1
        if operation == "UNRESOLVED":
            counts["unresolved"] += 1
            unknown.add(name)
            expected.pop(name, None)
        elif operation == "RESOLVE":
            counts["settled_by_reading"] += 1
            expected[name] = record["body"] if status == 200 else None
        elif status in (200, 201):
            counts["acknowledged"] += 1
            expected[name] = record["body"]
        elif status == 204:
            counts["acknowledged"] += 1
            expected[name] = None
        elif status == 503 or 400 <= status < 500:
            counts["refused"] += 1
            expected.setdefault(name, None)
        else:
            counts["without_answer"] += 1
    lost = phantom = 0
    with httpx.Client(base_url=app.server.url, timeout=10.0) as client:
        for name, body in expected.items():
            found = client.get(f"/packages/{name}")
            if body is None and found.status_code != 404:
                phantom += 1
            elif body is not None and (found.status_code != 200 or found.text != body):
                lost += 1
        listed = soak_names(client)
    # A package no write of the journal accounts for.
    strays = listed - set(expected) - unknown
    return {
        **dict(counts),
        "packages_checked": len(expected),
        "lost": lost,
        "phantom": phantom + len(strays),
    }


def soak_names(client: httpx.Client) -> set[str]:
    names, page = set(), 1
    while True:
        answer = client.get("/packages", params={"q": "soak-", "per_page": 100, "page": page})
        items = answer.json()["items"]
        names |= {item["normalized_name"] for item in items}
        if len(items) < 100:
            return names
        page += 1


def print_report(report: dict) -> None:
    print(f"\nsoak: {report['duration_s']} s, {report['workers']} workers per app")
    for app in report["apps"]:
        check = app["verification"]
        print(
            f"{app['framework']}: {app['requests']} requests, error rate {app['error_rate']:.3%}, "
            f"by status {app['by_status']}"
        )
        for effect in app["faults"]:
            print(
                f"  {effect['fault']}: {effect['failed_requests']} failed, "
                f"recovered after {effect['recovered_after_s']} s"
            )
        print(
            f"  writes acknowledged {check.get('acknowledged', 0)}, refused "
            f"{check.get('refused', 0)}, without answer {check.get('without_answer', 0)} "
            f"(settled by reading {check.get('settled_by_reading', 0)}); "
            f"lost {check['lost']}, present though refused {check['phantom']}; "
            f"workers serving at the end: {app['workers_serving_at_the_end']}"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
