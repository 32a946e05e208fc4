"""What one ``GET /export`` costs, on each store, at two catalogue sizes, in each app.

``python -m benchmarks.export_cost [--sizes 5000 700000] [--stores memory sqlite postgresql]
[--frameworks flask sanic] [--runs 3] [--offload on off]`` seeds each SQL store once per size
(PostgreSQL is a throwaway server, as in the tests), starts each app's production server with
one worker on core 0, and reads whole exports one after the other from this process, on
core 1, after one export of warm-up. Per export it takes:

- its duration, from the request to the last byte;
- the CPU time of the server's processes (user and system, threads that have exited
  included: the SQLite store's reader thread lives as long as its export; a PostgreSQL
  server's own CPU is not in it);
- how far the peak memory (VmHWM) of the server's processes rose above what they held before
  the export: the peak is reset before each export (``/proc/PID/clear_refs``), so this is the
  export's own memory, which must not grow with the catalogue (the catalogue itself is in
  every figure of a memory store's worker, before and during). The first export's rise, the
  warm-up's, is shown apart: it includes what the process keeps for the next ones.

It prints the medians over the runs (the largest memory rise), and checks each export is
whole: a complete gzip stream of as many lines as the catalogue holds.
"""

import argparse
import os
import statistics
import tempfile
import time
import zlib
from pathlib import Path

import httpx

from benchmarks.measure import cpu_seconds_between, tree_cpu_seconds, tree_processes
from benchmarks.one_user import CLIENT_CPU, SERVER_CPU, catalogue_of, store_urls
from benchmarks.postgres import throwaway_postgres_for
from benchmarks.servers import FRAMEWORKS, running_server
from shared import routes
from shared.settings import SEED_SIZE


def memory_kib(pid: int, field: str) -> int:
    """A ``/proc/PID/status`` figure in KiB: VmRSS (now) or VmHWM (the peak since a reset)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peaks(pids: list[int]) -> dict[int, int]:
    """Each process's resident memory now, its peak reset to it (Linux: clear_refs 5)."""
    before = {}
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        before[pid] = memory_kib(pid, "VmRSS")
    return before


def read_export(client: httpx.Client) -> tuple[int, int]:
    """The lines and the compressed bytes of one whole export."""
    gzip = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    lines = size = 0
    with client.stream("GET", routes.EXPORT) as response:
        assert response.status_code == 200, response.status_code
        for chunk in response.iter_raw():
            size += len(chunk)
            lines += gzip.decompress(chunk).count(b"\n")
    assert gzip.eof and not gzip.unused_data, "the export was cut short"
    return lines, size


def peak_rise_kib(before: dict[int, int]) -> int:
    return max(memory_kib(pid, "VmHWM") - rss for pid, rss in before.items())


def measure_exports(url: str, pid: int, size: int, runs: int) -> dict:
    durations, cpus, rises = [], [], []
    pids = [process.pid for process in tree_processes(pid)]
    with httpx.Client(base_url=url, timeout=120.0) as client:
        before = reset_peaks(pids)
        read_export(client)  # warm-up
        first_rise = peak_rise_kib(before)
        for _ in range(runs):
            before = reset_peaks(pids)
            cpu_before = tree_cpu_seconds(pid)
            started = time.perf_counter()
            lines, compressed = read_export(client)
            durations.append(time.perf_counter() - started)
            cpus.append(cpu_seconds_between(cpu_before, tree_cpu_seconds(pid)))
            rises.append(peak_rise_kib(before))
            assert lines == size, (lines, size)
    return {
        "seconds": statistics.median(durations),
        "cpu_seconds": statistics.median(cpus),
        "first_rise_mib": first_rise / 1024,
        "peak_rise_mib": max(rises) / 1024,
        "rss_mib": max(before.values()) / 1024,
        "gzip_mb": compressed / 1e6,
    }


def variants(frameworks: list[str], offloads: list[str]) -> list[tuple[str, str]]:
    """(framework, offload): the offload setting is Sanic's alone."""
    return [
        (framework, offload)
        for framework in frameworks
        for offload in (offloads if framework == "sanic" else ["-"])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[SEED_SIZE, 700_000])
    parser.add_argument("--stores", nargs="+", default=["memory", "sqlite", "postgresql"])
    parser.add_argument("--frameworks", nargs="+", default=list(FRAMEWORKS))
    parser.add_argument("--offload", nargs="+", default=["on"], choices=["on", "off"])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    os.sched_setaffinity(0, {CLIENT_CPU})
    print(
        f"{'store':10} {'app':12} {'packages':>8}  {'duration':>9}  {'server CPU':>10}"
        f"  {'rise, 1st':>9}  {'rise, next':>10}  {'RSS before':>10}  {'gzip':>8}",
        flush=True,
    )
    with (
        throwaway_postgres_for(options.stores) as postgres,
        tempfile.TemporaryDirectory(prefix="pyaday-export-cost-") as folder,
    ):
        for size in options.sizes:
            urls = store_urls(options.stores, size, Path(folder), postgres)
            for store, url in urls.items():
                for framework, offload in variants(options.frameworks, options.offload):
                    env = {
                        "PYADAY_DATABASE_URL": url,
                        "PYADAY_SEED_CATALOGUE": catalogue_of(size),
                        "PYADAY_EXPORT_OFFLOAD": "0" if offload == "off" else "1",
                    }
                    log = Path(folder) / f"{framework}-{offload}-{store}-{size}.log"
                    with running_server(
                        framework, log, env=env, cpus=[SERVER_CPU], startup_timeout=180
                    ) as server:
                        figures = measure_exports(
                            server.url, server.process.pid, size, options.runs
                        )
                    app = framework if offload == "-" else f"{framework} ({offload})"
                    print(
                        f"{store:10} {app:12} {size:>8}  {figures['seconds']:8.2f}s"
                        f"  {figures['cpu_seconds']:9.2f}s"
                        f"  {figures['first_rise_mib']:5.1f} MiB"
                        f"  {figures['peak_rise_mib']:6.1f} MiB"
                        f"  {figures['rss_mib']:6.0f} MiB  {figures['gzip_mb']:5.1f} MB",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
