"""The store and catalogue axes of the report: the Sanic/Flask capacity ratio per store, how
each read route grows from the smallest catalogue to the largest, and issue 7's checks."""

import json
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from benchmarks.results import (
    cpu_ratio,
    growth,
    route_runs,
    routes,
    size_name,
    sizes,
    stores,
    with_database_us,
)

NONE = "-"
STORE_COLORS = {"memory": "#5b8def", "sqlite": "#f0ad4e", "postgresql": "#336791"}
# Issue 7's "Done when" figures.
POSTGRES_SHARE = {"flask": 0.70, "sanic": 0.35}  # GET by name: PostgreSQL's capacity / memory's
RAND_TO_GET_CPU = 1.3  # PostgreSQL: /rand's CPU per request within this of GET by name's
SQLITE_RATIO = 3.0  # SQLite: Sanic/Flask capacity ratio on /rand and GET by name
P99_GROWTH = 2.0  # the largest catalogue's p99 over the smallest's, for the point reads
SEARCH_P99_MS = 20  # a 3+ character search, one user, the largest catalogue
POINT_READS = ("rand", "package", "page")


def by_key(document: dict) -> dict[tuple, dict]:
    """(scenario, setup, store, size) → its Locust run, for the per-route runs."""
    return {
        (run["scenario"], run["setup"], run["store"], run["catalogue"]): run
        for run in route_runs(document)
    }


def ratio_table(document: dict) -> list[str]:
    """Sanic's capacity per core over Flask's, per route, store and size."""
    runs = by_key(document)
    columns = [(store, size) for store in stores(document) for size in sizes(document)]
    header = " | ".join(f"{store} {size_name(size)}" for store, size in columns)
    lines = [f"| route | {header} |", "|---|" + "--:|" * len(columns)]
    for scenario, route in routes(document):
        cells = []
        for store, size in columns:
            flask, sanic = (runs.get((scenario, fw, store, size)) for fw in ("flask", "sanic"))
            cells.append(f"{cpu_ratio(flask, sanic):.1f}x" if flask and sanic else NONE)
        lines.append(f"| `{route}` | " + " | ".join(cells) + " |")
    return lines


def growth_table(document: dict) -> list[str]:
    """Each route's p50, p99 and CPU per request at the smallest and largest catalogue."""
    small, large = min(sizes(document)), max(sizes(document))
    if small == large:
        return ["Only one catalogue size was measured in this run."]
    runs = by_key(document)
    lines = [
        f"| route | store | framework | p50 ms, {size_name(small)} → {size_name(large)} "
        "| p99 ms | growth of p99 | server CPU µs/req | growth of CPU | database CPU µs/req |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for scenario, route in routes(document):
        for store in stores(document):
            for framework in ("flask", "sanic"):
                before = runs.get((scenario, framework, store, small))
                after = runs.get((scenario, framework, store, large))
                if not (before and after):
                    continue
                p50 = [run["latency_ms"]["p50"] for run in (before, after)]
                p99 = [run["latency_ms"]["p99"] for run in (before, after)]
                cpu = [run["server_cpu_us_per_request"] for run in (before, after)]
                database = [run.get("database_cpu_us_per_request") for run in (before, after)]
                cells = [
                    f"`{route}`",
                    store,
                    framework,
                    f"{p50[0]} → {p50[1]}",
                    f"{p99[0]} → {p99[1]}",
                    f"{growth(*p99):.1f}x",
                    f"{cpu[0]:,.0f} → {cpu[1]:,.0f}",
                    f"{growth(*cpu):.1f}x",
                    f"{database[0]:,.0f} → {database[1]:,.0f}" if database[0] else NONE,
                ]
                lines.append("| " + " | ".join(cells) + " |")
    return lines


def search_terms_table(document: dict) -> list[str]:
    """The one-user search, term by term, at each size: p50 / p99 ms of each app, and how many
    packages each term matches (every match is counted for the total)."""
    runs = by_key(document)
    totals = search_totals(document)
    store_list = stores(document)
    lines = [
        "| term | catalogue | matches | "
        + " | ".join(f"{store}, Flask: p50 / p99 ms | {store}, Sanic" for store in store_list)
        + " |",
        "|---|--:|--:|" + "--:|--:|" * len(store_list),
    ]
    for size in sizes(document):
        for term in totals.get(size, {}):
            cells = [f"`{term}`", size_name(size), f"{totals[size][term]:,}"]
            for store in store_list:
                for framework in ("flask", "sanic"):
                    run = runs.get(("search-1-user", framework, store, size))
                    figures = run and run.get("by_name", {}).get(f"/packages?q={term}")
                    cells.append(f"{figures['p50']} / {figures['p99']}" if figures else NONE)
            lines.append("| " + " | ".join(cells) + " |")
    return lines if len(lines) > 2 else ["The one-user search was not measured in this run."]


def search_totals(document: dict) -> dict[int, dict[str, int]]:
    """Each size's total of matches per search term, as the first server answered them."""
    totals: dict[int, dict[str, int]] = {}
    for key, answers in document.get("search_answers", {}).items():
        size = int(key.split("/")[1])
        totals.setdefault(size, {term: answer["total"] for term, answer in answers.items()})
    return totals


def startup_table(document: dict) -> list[str]:
    """How long each pyaday server took to answer /health, by store and size; the seeds."""
    lines = ["| store | catalogue | Flask start-up s | Sanic start-up s |", "|---|--:|--:|--:|"]
    started = {
        (server["store"], server["catalogue"], server["setup"]): server["startup_s"]
        for server in document.get("servers", [])
        if server["setup"] in ("flask", "sanic") and server["store"]
    }
    for store in stores(document):
        for size in sizes(document):
            cells = [started.get((store, size, fw)) for fw in ("flask", "sanic")]
            if any(cell is not None for cell in cells):
                text = [f"{cell:.1f}" if cell is not None else NONE for cell in cells]
                lines.append(f"| {store} | {size_name(size)} | {text[0]} | {text[1]} |")
    seeds = document["conditions"].get("seed_s", {})
    if seeds:
        done = ", ".join(f"{key.replace('/', ' at ')}: {s:.0f} s" for key, s in seeds.items())
        lines += ["", f"Seeding the SQL stores' templates, once, before any measurement: {done}."]
    return lines


def skipped_lines(document: dict) -> list[str]:
    return [
        f"- **{store} was not measured**: {reason}."
        for store, reason in document["conditions"].get("stores_skipped", {}).items()
    ]


# Checks


def postgres_checks(document: dict) -> list[str]:
    runs = by_key(document)
    lines = []
    for size in sizes(document):
        for framework, goal in POSTGRES_SHARE.items():
            postgres = runs.get(("package", framework, "postgresql", size))
            memory = runs.get(("package", framework, "memory", size))
            if not (postgres and memory):
                continue
            share = memory["server_cpu_us_per_request"] / postgres["server_cpu_us_per_request"]
            with_database = memory["server_cpu_us_per_request"] / with_database_us(postgres)
            capacities = (
                f"{postgres['capacity_per_core']:,} against {memory['capacity_per_core']:,}"
            )
            lines.append(
                f"- {mark(share >= goal)} PostgreSQL, `GET /packages/{{name}}`, "
                f"{framework.title()}, {size_name(size)} packages: capacity per core against "
                f"the memory store's, {capacities}: {share:.1%} (goal {goal:.0%}); counting the "
                f"database server's CPU too, {with_database:.1%}."
            )
            rand = runs.get(("rand", framework, "postgresql", size))
            if rand:
                ratio = rand["server_cpu_us_per_request"] / postgres["server_cpu_us_per_request"]
                lines.append(
                    f"- {mark(ratio <= RAND_TO_GET_CPU)} PostgreSQL, {framework.title()}, "
                    f"{size_name(size)} packages: `/rand` costs "
                    f"{rand['server_cpu_us_per_request']:,.0f} µs of CPU per request, "
                    f"`GET /packages/{{name}}` "
                    f"{postgres['server_cpu_us_per_request']:,.0f}: {ratio:.2f}x (goal at most "
                    f"{RAND_TO_GET_CPU}x); with the database's, "
                    f"{with_database_us(rand) / with_database_us(postgres):.2f}x."
                )
    return lines


def sqlite_checks(document: dict) -> list[str]:
    runs = by_key(document)
    lines = []
    for size in sizes(document):
        for scenario, route in (("rand", "/rand"), ("package", "GET /packages/{name}")):
            flask, sanic = (runs.get((scenario, fw, "sqlite", size)) for fw in ("flask", "sanic"))
            if flask and sanic:
                ratio = cpu_ratio(flask, sanic)
                lines.append(
                    f"- {mark(ratio >= SQLITE_RATIO)} SQLite, `{route}`, {size_name(size)} "
                    f"packages: Sanic/Flask capacity ratio {ratio:.1f}x "
                    f"({flask['server_cpu_us_per_request']:,.0f} against "
                    f"{sanic['server_cpu_us_per_request']:,.0f} µs per request; "
                    f"goal {SQLITE_RATIO:.0f}x)."
                )
    return lines


def growth_checks(document: dict) -> list[str]:
    small, large = min(sizes(document)), max(sizes(document))
    if small == large:
        return []
    runs = by_key(document)
    lines = []
    for store in stores(document):
        for framework in ("flask", "sanic"):
            parts, holds = [], True
            for scenario in POINT_READS:
                before = runs.get((scenario, framework, store, small))
                after = runs.get((scenario, framework, store, large))
                if before and after:
                    p99 = (before["latency_ms"]["p99"], after["latency_ms"]["p99"])
                    holds &= growth(*p99) <= P99_GROWTH
                    parts.append(f"{before['route']} {p99[0]} → {p99[1]} ms")
            if parts:
                lines.append(
                    f"- {mark(holds)} {store}, {framework.title()}: p99 at {size_name(small)} → "
                    f"{size_name(large)} packages, {'; '.join(parts)} (goal: at most "
                    f"{P99_GROWTH:.0f}x each)."
                )
    return lines


def search_checks(document: dict) -> list[str]:
    large = max(sizes(document))
    runs = by_key(document)
    lines = []
    for store in stores(document):
        for framework in ("flask", "sanic"):
            run = runs.get(("search-1-user", framework, store, large))
            if run:
                p99 = run["latency_ms"]["p99"]
                lines.append(
                    f"- {mark(p99 <= SEARCH_P99_MS)} {store}, {framework.title()}, "
                    f"{size_name(large)} packages: a search for a term of 3+ characters, one "
                    f"user: p50 {run['latency_ms']['p50']} ms, p99 {p99} ms (goal: at most "
                    f"{SEARCH_P99_MS} ms)."
                )
    return lines + answers_checks(document)


def answers_checks(document: dict) -> list[str]:
    """Every server of the same catalogue size gave the same bytes for each search."""
    by_size: dict[str, dict[str, dict]] = {}
    for key, answers in document.get("search_answers", {}).items():
        store, size, server = key.split("/")
        by_size.setdefault(size, {})[f"{store} {server.rsplit('_', 1)[-1]}"] = answers
    lines = []
    for size, servers in by_size.items():
        same = len({json.dumps(answers, sort_keys=True) for answers in servers.values()}) == 1
        lines.append(
            f"- {mark(same)} {size_name(int(size))} packages: the first page of each search "
            f"term's answer is {'byte for byte the same' if same else 'NOT the same'} on every "
            f"server ({', '.join(servers)})."
        )
    return lines


def mark(holds: bool) -> str:
    return "✓" if holds else "✗"


# Charts


def draw_stores_chart(document: dict, path: Path) -> bool:
    """The capacity ratio per store (one panel a size), and each route's growth: False when
    the run has no per-route figures to draw."""
    runs = by_key(document)
    route_list = routes(document)
    store_list, size_list = stores(document), sizes(document)
    if not route_list:
        return False
    growth_rows = 3 if len(size_list) > 1 else 0
    figure = Figure(figsize=(13, 4 * (len(size_list) + growth_rows)))
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(size_list) + growth_rows, 1, squeeze=False)[:, 0]
    width = 0.8 / len(store_list)
    positions = range(len(route_list))
    for axis, size in zip(axes, size_list, strict=False):
        for index, store in enumerate(store_list):
            heights = []
            for scenario, _ in route_list:
                flask, sanic = (runs.get((scenario, fw, store, size)) for fw in ("flask", "sanic"))
                heights.append(cpu_ratio(flask, sanic) if flask and sanic else 0)
            offsets = [i - 0.4 + width * (index + 0.5) for i in positions]
            axis.bar(offsets, heights, width, color=STORE_COLORS[store], label=store)
        axis.axhline(1, color="black", linewidth=0.8)
        axis.set_title(f"Sanic/Flask capacity ratio (CPU per request), {size_name(size)} packages")
        axis.set_xticks(list(positions), [route for _, route in route_list])
        axis.legend()
        axis.grid(axis="y", alpha=0.3)
    if growth_rows:
        small, large = min(size_list), max(size_list)
        metrics = (
            ("p50", lambda run: run["latency_ms"]["p50"]),
            ("p99", lambda run: run["latency_ms"]["p99"]),
            ("server CPU per request", lambda run: run["server_cpu_us_per_request"]),
        )
        bars = [(store, fw) for store in store_list for fw in ("flask", "sanic")]
        width = 0.8 / len(bars)
        for axis, (name, value) in zip(axes[len(size_list) :], metrics, strict=True):
            for index, (store, framework) in enumerate(bars):
                heights = []
                for scenario, _ in route_list:
                    before = runs.get((scenario, framework, store, small))
                    after = runs.get((scenario, framework, store, large))
                    heights.append(growth(value(before), value(after)) if before and after else 0)
                offsets = [i - 0.4 + width * (index + 0.5) for i in positions]
                axis.bar(
                    offsets,
                    heights,
                    width,
                    color=STORE_COLORS[store],
                    hatch="//" if framework == "sanic" else None,
                    edgecolor="white",
                    label=f"{store}, {framework.title()}",
                )
            axis.set_yscale("log")
            axis.axhline(1, color="black", linewidth=0.8)
            axis.axhline(P99_GROWTH, color="#d9534f", linewidth=0.8, linestyle="--")
            axis.set_title(f"{name}: {size_name(large)} packages over {size_name(small)}")
            axis.set_xticks(list(positions), [route for _, route in route_list])
            axis.grid(axis="y", alpha=0.3)
        axes[len(size_list)].legend(ncol=3, fontsize="small")
    figure.suptitle(f"pyaday on each store ({document['started_at']})")
    figure.tight_layout(rect=(0, 0, 1, 0.98))
    figure.savefig(path, dpi=80)
    return True
