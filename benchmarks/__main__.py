"""``python -m benchmarks``: Flask and Sanic side by side under load; see docs/benchmarks.md.

A full run with the defaults is ``make bench``; ``make bench-quick`` is a short one.
"""

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from benchmarks.report import BENCH_BUDGET_S, write_report
from benchmarks.runner import ALL_FRAMEWORKS, BenchOptions, run_benchmark, save_results
from benchmarks.scenarios import DEFAULT_SCENARIOS, SCENARIOS
from benchmarks.servers import PROJECT_ROOT
from benchmarks.stores import STORES


def cpu_list(text: str) -> tuple[int, ...] | None:
    """``0`` or ``0,1``; ``none`` leaves the process unpinned."""
    if text.strip().lower() == "none":
        return None
    return tuple(int(cpu) for cpu in text.split(","))


def parse_args(argv: list[str]) -> argparse.Namespace:
    defaults = BenchOptions(scenarios=())
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    add = parser.add_argument
    add("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(DEFAULT_SCENARIOS))
    add("--frameworks", nargs="+", choices=ALL_FRAMEWORKS, default=list(ALL_FRAMEWORKS))
    add("--stores", nargs="+", choices=STORES, default=list(defaults.stores),
        help="the store axis; the scenarios without one run on the first")  # fmt: skip
    add("--sizes", nargs="+", type=int, default=list(defaults.sizes),
        help="the catalogue axis, in packages (5000: the seed catalogue)")  # fmt: skip
    add("--users", type=int, default=defaults.users, help="concurrent Locust users, ab's -c")
    add("--duration", type=int, default=defaults.duration, help="seconds of each Locust run")
    add("--warmup", type=float, default=defaults.warmup,
        help="seconds of the scenario's requests, one at a time, before each run")  # fmt: skip
    add("--workers", type=int, default=defaults.workers, help="server worker processes")
    add("--server-cpus", type=cpu_list, default=defaults.server_cpus, help="e.g. 0, or none")
    add("--loadgen-cpus", type=cpu_list, default=defaults.loadgen_cpus, help="e.g. 1, or none")
    add("--processes", type=int, default=defaults.processes, help="Locust processes")
    add("--no-ab", dest="ab", action="store_false", help="skip the ab cross-check")
    add("--ab-duration", type=int, default=defaults.ab_duration, help="seconds of each ab run")
    add("--results-dir", type=Path, default=PROJECT_ROOT / "benchmarks" / "results")
    add("--report", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md",
        help="the Markdown report; the PNG chart goes beside it")  # fmt: skip
    add("--readme", type=Path, help="also write the generated sections of this README "
        "(make bench: README.md)")  # fmt: skip
    add("--report-from", type=Path, metavar="RESULTS_JSON",
        help="measure nothing: write the report of an earlier run's results file")  # fmt: skip
    add("--time-budget", type=int, default=BENCH_BUDGET_S, metavar="SECONDS",
        help="what the report judges the run's duration against")  # fmt: skip
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace) -> BenchOptions:
    return BenchOptions(
        scenarios=tuple(SCENARIOS[name] for name in args.scenarios),
        frameworks=tuple(args.frameworks),
        stores=tuple(args.stores),
        sizes=tuple(args.sizes),
        users=args.users,
        duration=args.duration,
        warmup=args.warmup,
        workers=args.workers,
        server_cpus=args.server_cpus,
        loadgen_cpus=args.loadgen_cpus,
        processes=args.processes,
        ab=args.ab,
        ab_duration=args.ab_duration,
    )


def last_quick_run(results_dir: Path) -> dict | None:
    """The results of the last ``make bench-quick`` (its folder is ``quick`` under the full
    run's), whose duration the full run's report states."""
    path = results_dir / "quick" / "latest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    quick = last_quick_run(args.results_dir)
    if args.report_from:
        document = json.loads(args.report_from.read_text(encoding="utf-8"))
        write_report(document, args.report, args.readme, quick)
        print(f"report: {args.report} and {args.report.with_suffix('.png')}")
        return 0
    options = options_from(args)
    # SIGTERM unwinds like Ctrl-C, so every server and load generator is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if options.loadgen_cpus:
        # The runner itself shares the load generator's cores, leaving the server's to it.
        os.sched_setaffinity(0, options.loadgen_cpus)
    try:
        document = run_benchmark(options, argv)
    except KeyboardInterrupt:
        print("\ninterrupted: servers and load generators stopped", file=sys.stderr)
        return 130
    document["time_budget_s"] = args.time_budget
    path = save_results(document, args.results_dir)
    write_report(document, args.report, args.readme, quick)
    print(f"results: {path}\nreport: {args.report} and {args.report.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
