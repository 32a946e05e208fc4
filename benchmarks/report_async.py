"""The async lessons of the report: the upstream scenario, the landscape of floors (Flask,
Sanic, Quart, FastAPI), the export scenario, issue 8's checks, and the README's sections
generated from the same results."""

from pathlib import Path
from textwrap import fill

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from benchmarks.report_stores import by_key, mark
from benchmarks.results import cpu_ratio, find, size_name, stores, talk_setting
from benchmarks.scenarios import (
    EXPORT_READER_PACE,
    EXPORT_READERS,
    EXPORTERS,
    FLOORS,
    UPSTREAM_DELAY_MS,
    UPSTREAM_SETUPS,
)
from benchmarks.setups import FRAMEWORK_NAMES
from shared import routes

NONE = "-"
UPSTREAM_OVER_SYNC = 20  # issue 8: Sanic's upstream req/s over Flask's sync worker's
EXPORT_P99_GROWTH = 2  # issue 8: readers' p99 during exports, offload on, over theirs without
# The export scenario's runs: (scenario, set-up), and what the exports were, for the chart and
# for the table.
EXPORT_CONDITIONS = (
    ("readers", "flask", "no exports", "none"),
    ("export", "flask", "exports", "in the worker, which serves one request at a time"),
    ("readers", "sanic", "no exports", "none"),
    ("export", "sanic", "offload on", "offload on: compressed in the loop's executor"),
    ("export", "sanic-export-on-loop", "offload off", "offload off: compressed on the loop"),
)
FRAMEWORK_COLORS = {
    "flask": "#4a4a4a",
    "sanic": "#d9534f",
    "quart": "#8e6bbf",
    "fastapi": "#05998b",
}
LANDSCAPE = (("floor-hello", "`/`"), ("floor", "`/rand`"), ("upstream", "`/releases`"))


def label(document: dict, setup: str) -> str:
    return document["conditions"]["setups"].get(setup, setup)


def upstream_runs(document: dict) -> list[dict]:
    runs = document["runs"]
    return [run for setup in UPSTREAM_SETUPS if (run := find(runs, "upstream", setup))]


def upstream_table(document: dict) -> list[str]:
    runs = upstream_runs(document)
    if not runs:
        return ["The upstream scenario was not measured in this run."]
    sync = find(document["runs"], "upstream", "flask")
    lines = [
        "| set-up | req/s | over Flask's sync worker | p50 ms | p99 ms | server CPU µs/req "
        "| server used its core | failures |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        over = f"{run['rps'] / sync['rps']:.1f}x" if sync else NONE
        latency = run["latency_ms"]
        cells = [
            label(document, run["setup"]),
            f"{run['rps']:,.0f}",
            over,
            f"{latency['p50']:,}",
            f"{latency['p99']:,}",
            f"{run['server_cpu_us_per_request']:,.0f}",
            f"{run['server_cpu_share']:.0%}",
            f"{run['failures']:,}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def landscape_table(document: dict) -> list[str]:
    runs = document["runs"]
    present = [
        (scenario, route)
        for scenario, route in LANDSCAPE
        if any(find(runs, scenario, setup) for setup in FLOORS)
    ]
    if not present:
        return ["No floor app was measured in this run."]
    header = " | ".join(
        f"{route} capacity/core | {route} req/s | {route} p99 ms" for _, route in present
    )
    lines = [f"| floor app, server | {header} |", "|---|" + "--:|--:|--:|" * len(present)]
    for setup in FLOORS:
        cells = []
        for scenario, _ in present:
            run = find(runs, scenario, setup) or (
                find(runs, scenario, f"{setup}-gthread") if scenario == "upstream" else None
            )
            cells += (
                [
                    f"{run['capacity_per_core']:,}",
                    f"{run['rps']:,.0f}",
                    f"{run['latency_ms']['p99']:,}",
                ]
                if run
                else [NONE] * 3
            )
        lines.append(f"| {label(document, setup)} | " + " | ".join(cells) + " |")
    return lines


def upstream_checks(document: dict) -> list[str]:
    runs = document["runs"]
    sync, gthread, sanic = (find(runs, "upstream", s) for s in ("flask", "flask-gthread", "sanic"))
    if not (sync and gthread and sanic):
        return ["- upstream: not measured in this run."]
    over_sync = sanic["rps"] / sync["rps"]
    return [
        f"- {mark(over_sync >= UPSTREAM_OVER_SYNC)} upstream: Sanic {sanic['rps']:,.0f} req/s, "
        f"{over_sync:.1f}x Flask's sync worker ({sync['rps']:,.0f}; goal {UPSTREAM_OVER_SYNC}x).",
        f"- {mark(sanic['rps'] > gthread['rps'])} upstream: Sanic {sanic['rps']:,.0f} req/s "
        f"against Flask's gthread worker's {gthread['rps']:,.0f} (goal: above it).",
    ]


# The export scenario


def readers(run: dict) -> dict:
    """The readers' own figures of a run: its ``/rand`` requests, apart from the exports."""
    whole = {"requests": run["requests"], **run["latency_ms"]}  # a run of readers alone
    own = run.get("by_name", {}).get(routes.RANDOM, whole)
    return {**own, "rps": own["requests"] / run["load_s"]}


def exports(run: dict) -> dict | None:
    return run.get("by_name", {}).get(routes.EXPORT)


def export_runs(document: dict) -> list[tuple[dict, str, str]]:
    """(run, what the exports were in short and in full) of every export condition measured,
    in the report's order."""
    runs = document["runs"]
    return [
        (run, short, condition)
        for scenario, setup, short, condition in EXPORT_CONDITIONS
        if (run := find(runs, scenario, setup))
    ]


def export_baseline(document: dict, framework: str) -> dict | None:
    return find(document["runs"], "readers", framework)


def export_intro(document: dict) -> list[str]:
    store, size = talk_setting(document)
    return [
        f"{EXPORT_READERS} readers ask for `/rand`, each {EXPORT_READER_PACE} times a second "
        f"at most ({EXPORT_READERS * EXPORT_READER_PACE} req/s in all, well below what either "
        f"app serves, so that their latency shows what holds them up rather than a queue), "
        f"first alone, then while {EXPORTERS} other users export the catalogue ({store} store, "
        f"{size_name(size)} packages) one export after another, each read to the end of its "
        "gzip stream. The export encodes and compresses a batch of packages at a time: Sanic "
        "encodes on the loop a slice at a time and compresses in a thread of the loop's "
        "executor (`PYADAY_EXPORT_OFFLOAD=1`, the default), or does both at once on the loop "
        "(`0`); Flask does it in its worker, which serves one request at a time. The "
        "readers' latencies are their own, apart from the exports'; an export's p50 is the "
        "time to read a whole export."
    ]


def export_table(document: dict) -> list[str]:
    measured_runs = export_runs(document)
    if not measured_runs:
        return ["The export scenario was not measured in this run."]
    lines = [
        "| app | exports | readers' req/s | readers' p50 ms | p99 ms | p99 over no exports "
        "| exports done | an export's p50 ms | server used its core | failures |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run, _, condition in measured_runs:
        own, baseline = readers(run), export_baseline(document, run["framework"])
        growth = f"{own['p99'] / readers(baseline)['p99']:.1f}x" if baseline else NONE
        exported = exports(run)
        cells = [
            label(document, run["setup"]),
            condition,
            f"{own['rps']:,.0f}",
            f"{own['p50']:,}",
            f"{own['p99']:,}",
            growth if run["scenario"] == "export" else NONE,
            f"{exported['requests']:,}" if exported else NONE,
            f"{exported['p50']:,}" if exported else NONE,
            f"{run['server_cpu_share']:.0%}",
            f"{run['failures']:,}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def export_growths(document: dict) -> dict[str, tuple[dict, dict, float]]:
    """Sanic's readers during exports against without, by offload setting: (readers during,
    readers without, p99 growth)."""
    runs = document["runs"]
    baseline = export_baseline(document, "sanic")
    if not baseline:
        return {}
    without = readers(baseline)
    growths = {}
    for setting, setup in (("on", "sanic"), ("off", "sanic-export-on-loop")):
        if run := find(runs, "export", setup):
            during = readers(run)
            growths[setting] = (during, without, during["p99"] / max(without["p99"], 1))
    return growths


def export_checks(document: dict) -> list[str]:
    growths = export_growths(document)
    if "on" not in growths:
        return ["- export: not measured in this run."]
    during, without, growth = growths["on"]
    lines = [
        f"- {mark(growth <= EXPORT_P99_GROWTH)} export, offload on: Sanic's readers' p99 during "
        f"exports {during['p99']:,} ms, {growth:.1f}x their {without['p99']:,} ms without "
        f"exports (goal: at most {EXPORT_P99_GROWTH}x)."
    ]
    if "off" in growths:
        during, without, growth = growths["off"]
        lines.append(
            f"- ✓ export, offload off, shown: Sanic's readers' p99 during exports "
            f"{during['p99']:,} ms, {growth:.1f}x their {without['p99']:,} ms without exports "
            f"(p50 {during['p50']:,} against {without['p50']:,} ms)."
        )
    else:
        lines.append("- ✗ export, offload off: not measured in this run.")
    return lines


# README


def async_lessons_markdown(document: dict) -> list[str]:
    """The measured side of README's "When async pays, and when it does not"."""
    runs = document["runs"]
    users = next((run["users"] for run in upstream_runs(document)), None)
    lines = [
        f"Measured by `{document['command']}`, started {document['started_at']} (2 cores: "
        f"each server on core 0, Locust on core 1; load average at start "
        f"{' / '.join(map(str, document['conditions']['load_average_at_start']))}). "
        "`docs/benchmarks.md` has every figure and its conditions.",
        "",
        "| the talk said | measured here |",
        "|---|---|",
    ]
    sync, gthread, async_view, sanic = (
        find(runs, "upstream", setup)
        for setup in ("flask", "flask-gthread", "flask-async", "sanic")
    )
    if sync and gthread and sanic:
        lines.append(
            f"| asyncio is for IO-bound work | {users} users ask for a package's releases, which "
            f"the server fetches from a package index answering after {UPSTREAM_DELAY_MS} ms: "
            f"Flask on a sync worker serves {sync['rps']:,.0f} req/s, on a gthread worker with "
            f"32 threads {gthread['rps']:,.0f}, Sanic {sanic['rps']:,.0f} "
            f"({sanic['rps'] / sync['rps']:.0f}x the sync worker, "
            f"{sanic['rps'] / gthread['rps']:.1f}x the threads) |"
        )
    if async_view and sync:
        lines.append(
            f"| (readers' hope) an `async def` view makes Flask concurrent | Flask runs it to "
            f"completion on a new event loop per request: {async_view['rps']:,.0f} req/s on a "
            f"sync worker, as the sync view's {sync['rps']:,.0f}, at "
            f"{async_view['server_cpu_us_per_request']:,.0f} µs of CPU per request against "
            f"{sync['server_cpu_us_per_request']:,.0f} |"
        )
    export = export_summary(document)
    lines.append(
        "| never block the loop; run CPU work elsewhere (`run_in_executor`) | "
        + (export or "the export scenario is not measured in this run")
        + " |"
    )
    ratios = store_ratios(document, "rand")
    if ratios:
        lines.append(
            "| Sanic is 5-6x Flask on `GET /rand` | Sanic needs less CPU per request than Flask "
            "by " + ", ".join(f"{ratio:.1f}x ({where})" for where, ratio in ratios) + " |"
        )
    return lines


def export_summary(document: dict) -> str | None:
    """Readers' latency during exports, with the offload on and off, against without exports."""
    growths = export_growths(document)
    if not growths:
        return None
    without = next(iter(growths.values()))[1]
    store, size = talk_setting(document)
    parts = [
        f"offload {setting}, {during['p99']:,} ms ({growth:.1f}x)"
        for setting, (during, _, growth) in growths.items()
    ]
    text = (
        f"{EXPORT_READERS} readers ask for `/rand`, {EXPORT_READERS * EXPORT_READER_PACE} "
        f"req/s in all, while {EXPORTERS} users export the catalogue ({store} store, "
        f"{size_name(size)} packages: `GET /export`, gzip) one export after another: Sanic's "
        f"readers' p99 is {without['p99']:,} ms without "
        f"exports; during them, with the " + " and with the ".join(parts)
    )
    runs = document["runs"]
    flask_without, flask_during = (find(runs, s, "flask") for s in ("readers", "export"))
    if flask_without and flask_during:
        text += (
            f"; Flask's sync worker, which serves one request at a time, goes from "
            f"{readers(flask_without)['p99']:,} to {readers(flask_during)['p99']:,} ms"
        )
    return text


def store_ratios(document: dict, scenario: str) -> list[tuple[str, float]]:
    """(where, Sanic/Flask capacity ratio) of a per-route scenario on every store and size."""
    runs = by_key(document)
    ratios = []
    for store in stores(document):
        for size in document["conditions"]["catalogue_sizes"]:
            flask, sanic = (runs.get((scenario, fw, store, size)) for fw in ("flask", "sanic"))
            if flask and sanic:
                ratios.append((f"{store}, {size_name(size)} packages", cpu_ratio(flask, sanic)))
    return ratios


def store_sentences(document: dict) -> list[str]:
    """README's two sentences on what the store does to the talk's ratio: one per size."""
    runs = by_key(document)
    sentences = []
    for size in document["conditions"]["catalogue_sizes"]:
        pairs = {}
        for store in stores(document):
            flask, sanic = (runs.get(("rand", fw, store, size)) for fw in ("flask", "sanic"))
            if flask and sanic:
                pairs[store] = (flask, sanic)
        if "memory" not in pairs or len(pairs) < 2:
            continue
        parts = [
            f"{cpu_ratio(*pairs[store]):.1f}x on {store} "
            f"({pairs[store][0]['server_cpu_us_per_request']:,.0f} against "
            f"{pairs[store][1]['server_cpu_us_per_request']:,.0f} µs"
            + database_part(pairs[store])
            + ")"
            for store in pairs
        ]
        sentences.append(
            f"With {size_name(size)} packages, Sanic needs less CPU than Flask per `GET /rand` by "
            + ", ".join(parts[:-1])
            + f" and {parts[-1]}"
            + (" (the talk's comparison is the memory store's)." if not sentences else ".")
        )
    if not sentences:
        return ["The store axis was not measured in this run."]
    return [*sentences, f"(`make bench`, run of {document['started_at']}.)"]


def database_part(pair: tuple[dict, dict]) -> str:
    """PostgreSQL's own CPU per request beside the apps', which neither app's figure counts."""
    flask, sanic = pair
    if "database_cpu_us_per_request" not in flask:
        return ""
    return (
        f"; PostgreSQL itself spent {flask['database_cpu_us_per_request']:,.0f} and "
        f"{sanic['database_cpu_us_per_request']:,.0f} µs more"
    )


def draw_async_chart(document: dict, path: Path) -> bool:
    """The floors' capacity per core, every upstream set-up's req/s, and the export
    scenario's readers' latency."""
    runs = document["runs"]
    upstream = upstream_runs(document)
    floors = [(s, r) for s, r in LANDSCAPE[:2] if any(find(runs, s, f) for f in FLOORS)]
    export = export_runs(document)
    if not (upstream or floors or export):
        return False
    figure = Figure(figsize=(12, 13))
    FigureCanvasAgg(figure)
    top, bottom, last = figure.subplots(3, 1)
    width = 0.8 / len(FLOORS)
    for index, setup in enumerate(FLOORS):
        heights = [
            (run["capacity_per_core"] if (run := find(runs, scenario, setup)) else 0)
            for scenario, _ in floors
        ]
        framework = setup.removeprefix("floor-")
        offsets = [i - 0.4 + width * (index + 0.5) for i in range(len(floors))]
        name = FRAMEWORK_NAMES[framework]
        top.bar(offsets, heights, width, color=FRAMEWORK_COLORS[framework], label=name)
    top.set_xticks(range(len(floors)), [route.strip("`") for _, route in floors])
    top.set_title("bare floor apps: capacity per core (req/s one core gives)")
    top.legend()
    top.grid(axis="y", alpha=0.3)
    names = [fill(label(document, run["setup"]), 18) for run in upstream]
    colors = [FRAMEWORK_COLORS[run["framework"]] for run in upstream]
    bars = bottom.bar(range(len(upstream)), [run["rps"] for run in upstream], color=colors)
    bottom.bar_label(bars, [f"{run['rps']:,.0f}" for run in upstream])
    bottom.set_xticks(range(len(upstream)), names, fontsize="small")
    bottom.set_title(f"upstream: req/s, the index answering after {UPSTREAM_DELAY_MS} ms")
    bottom.grid(axis="y", alpha=0.3)
    draw_export_panel(last, export)
    figure.suptitle(f"The async lessons and the landscape ({document['started_at']})")
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    figure.savefig(path, dpi=80)
    return True


def draw_export_panel(axes, export: list[tuple[dict, str, str]]) -> None:
    """The readers' p50 and p99 in each export condition, side by side."""
    names = [f"{FRAMEWORK_NAMES[run['framework']]}, {short}" for run, short, _ in export]
    for offset, (percentile, alpha) in ((-0.2, ("p50", 0.55)), (0.2, ("p99", 1.0))):
        heights = [readers(run)[percentile] for run, _, _ in export]
        colors = [FRAMEWORK_COLORS[run["framework"]] for run, _, _ in export]
        places = [i + offset for i in range(len(export))]
        bars = axes.bar(places, heights, 0.4, color=colors, alpha=alpha)
        axes.bar_label(bars, [f"{percentile} {ms:,}" for ms in heights], fontsize="small")
    axes.set_xticks(range(len(export)), names, fontsize="small")
    axes.set_ylabel("ms")
    axes.set_title("export: the readers' /rand latency in ms, p50 (light) and p99")
    axes.grid(axis="y", alpha=0.3)
