"""The report of a results document: Markdown tables, the checks of issues 4, 7 and 8, the
generated readings, and three PNG charts beside it; and the README's generated sections.

``write_report`` replaces the part of ``benchmarks.md`` between the two markers below, so the
hand-written text around the figures survives a new run; a new file gets the figures only.
The store axis is drawn by ``report_stores.py``, the async lessons by ``report_async.py``.
"""

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from benchmarks import report_async, report_stores
from benchmarks.results import measured, size_name, talk_runs, talk_setting
from benchmarks.scenarios import SCENARIOS

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
# The README's sections written from the results: the async lessons, the store's effect.
README_SECTIONS = {
    "async": ("<!-- bench:async:start -->", "<!-- bench:async:end -->"),
    "stores": ("<!-- bench:stores:start -->", "<!-- bench:stores:end -->"),
}
FLAG = "⚑"  # this run measured the load generator, not the server
NO_KEEPALIVE = "†"  # the client asked for keep-alive, gunicorn's sync worker refused it
RAND_AGREEMENT = 0.15  # issue 4: rand's capacity ratio and ab -k ratio agree within 15%
FLOOR_SHARE = 0.80  # issue 4: pyaday's rand reaches 80% of its framework's floor per core
BENCH_BUDGET_S = 12 * 60  # issue 7: make bench takes at most this long
QUICK_BUDGET_S = 90  # and make bench-quick this long
COLORS = {"flask": "#4a4a4a", "sanic": "#d9534f"}
NONE = "-"  # an empty table cell
SHARES = (
    "server_cpu_share",
    "server_demand_share",
    "server_cores_busy",
    "loadgen_cpu_share",
    "loadgen_demand_share",
    "loadgen_cores_busy",
)


def paired_rows(runs: list[dict]) -> list[tuple[str, str, dict | None, dict | None]]:
    """(scenario, tool, Flask run, Sanic run) of the talk's runs, in the order measured."""
    pairs: dict[tuple[str, str], dict] = {}
    for run in runs:
        pairs.setdefault((run["scenario"], run["tool"]), {})[run["framework"]] = run
    return [(s, tool, pair.get("flask"), pair.get("sanic")) for (s, tool), pair in pairs.items()]


def rps_cell(run: dict | None, server_keeps_alive: bool) -> str:
    if not measured(run):
        return "missing" if run else NONE
    marks = (FLAG if run["loadgen_bound"] else "") + (
        NO_KEEPALIVE if run["client_keep_alive"] and not server_keeps_alive else ""
    )
    return f"{run['rps']:,.0f} {marks}".strip()


def rps_ratio_cell(flask: dict, sanic: dict) -> str:
    """Sanic's req/s over Flask's; a bound Sanic run could have gone faster, so "at least"."""
    if flask["loadgen_bound"] and sanic["loadgen_bound"]:
        return "n/a (both bound)"
    prefix = "≥ " if sanic["loadgen_bound"] else "≤ " if flask["loadgen_bound"] else ""
    return f"{prefix}{sanic['rps'] / flask['rps']:.1f}x"


def bound_cell(flask: dict, sanic: dict) -> str:
    bound = [
        f"{run['framework'].title()}: {'; '.join(run['loadgen_bound_because'])}"
        for run in (flask, sanic)
        if run["loadgen_bound"]
    ]
    return f"{FLAG} " + ". ".join(bound) if bound else "no"


def main_table(document: dict) -> list[str]:
    keeps_alive = {
        name: server["keep_alive"] for name, server in document["conditions"]["servers"].items()
    }
    lines = [
        "| scenario | load generator | Flask req/s | Sanic req/s | req/s ratio "
        "| Flask CPU µs/req | Sanic CPU µs/req | capacity ratio | talk claimed "
        "| load generator the bottleneck |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for scenario, tool, flask, sanic in paired_rows(talk_runs(document)):
        claim = SCENARIOS[scenario].talk_claim if scenario in SCENARIOS else None
        cells = [scenario, tool, rps_cell(flask, keeps_alive["flask"])]
        cells.append(rps_cell(sanic, keeps_alive["sanic"]))
        if measured(flask) and measured(sanic):
            cells += [
                rps_ratio_cell(flask, sanic),
                f"{flask['server_cpu_us_per_request']:.0f}",
                f"{sanic['server_cpu_us_per_request']:.0f}",
                f"{cpu_ratio(flask, sanic):.1f}x",
                claim or NONE,
                bound_cell(flask, sanic),
            ]
        else:
            cells += [NONE, NONE, NONE, NONE, claim or NONE, NONE]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def detail_table(document: dict) -> list[str]:
    lines = [
        "| scenario | store | catalogue | load generator | users | set-up | requests | failures "
        "| req/s | p50 ms | p95 ms | p99 ms | server CPU µs/req | server CPU used | wanted "
        "| its cores busy | load generator CPU used | wanted | its cores busy "
        "| keep-alive requests |",
        "|---|---|--:|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in filter(measured, document["runs"]):
        latency = run["latency_ms"]
        cells = [run["scenario"], run["store"] or NONE]
        cells.append(size_name(run["catalogue"]) if run["catalogue"] else NONE)
        cells += [run["tool"], str(run["users"]), run["setup"], f"{run['requests']:,}"]
        cells += [f"{run['failures']:,}", f"{run['rps']:,.0f}"]
        cells += [f"{latency[p]:.0f}" if latency[p] is not None else NONE for p in latency]
        cells.append(f"{run['server_cpu_us_per_request']:,.0f}")
        cells += [f"{run[key]:.0%}" for key in SHARES]
        cells.append(f"{run['keepalive_requests']:,}" if "keepalive_requests" in run else NONE)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def find_run(runs: list[dict], scenario: str, tool: str, framework: str) -> dict | None:
    for run in runs:
        if (run["scenario"], run["tool"], run["framework"]) == (scenario, tool, framework):
            return run if measured(run) else None
    return None


def rand_check(runs: list[dict]) -> list[str]:
    """Locust's CPU capacity ratio on rand against ab -k's req/s ratio, and why they differ."""
    locust = [find_run(runs, "rand", "locust", fw) for fw in ("flask", "sanic")]
    ab_k = [find_run(runs, "rand", "ab -k", fw) for fw in ("flask", "sanic")]
    if not all(locust + ab_k):
        return ["- rand, capacity ratio against `ab -k` ratio: not measured in this run."]
    capacity = cpu_ratio(*locust)
    ab_ratio = ab_k[1]["rps"] / ab_k[0]["rps"]
    deviation = ab_ratio / capacity - 1
    verdict = "agree" if abs(deviation) <= RAND_AGREEMENT else "do NOT agree"
    used = ", ".join(
        f"{run['framework'].title()} used {run['server_cpu_share']:.0%} of its cores "
        f"(wanted {run['server_demand_share']:.0%})"
        for run in ab_k
    )
    return [
        f"- rand: the CPU capacity ratio (Locust run) is {capacity:.2f}x, the `ab -k` req/s "
        f"ratio {ab_ratio:.2f}x: they differ by {deviation:+.0%}, so they {verdict} within "
        f"{RAND_AGREEMENT:.0%}.",
        f"- rand under `ab -k`: {used}; their CPU capacity ratio there is "
        f"{cpu_ratio(*ab_k):.2f}x. req/s equals capacity only for a server using its whole core.",
    ]


def cpu_ratio(flask: dict, sanic: dict) -> float:
    return flask["server_cpu_us_per_request"] / sanic["server_cpu_us_per_request"]


def floor_checks(runs: list[dict]) -> list[str]:
    lines = []
    for framework in ("flask", "sanic"):
        rand = find_run(runs, "rand", "locust", framework)
        floor = find_run(runs, "floor", "locust", framework)
        if not (rand and floor):
            lines.append(f"- {framework.title()} floor: not measured in this run.")
            continue
        share = rand["capacity_per_core"] / floor["capacity_per_core"]
        verdict = "meets" if share >= FLOOR_SHARE else "is BELOW"
        lines.append(
            f"- {framework.title()}: pyaday's rand {rand['capacity_per_core']:,} req/s per core "
            f"against its floor's {floor['capacity_per_core']:,}: {share:.0%}, {verdict} the "
            f"{FLOOR_SHARE:.0%} goal."
        )
    return lines


def bound_runs(runs: list[dict]) -> list[str]:
    bound = [run for run in filter(measured, runs) if run["loadgen_bound"]]
    if not bound:
        return ["- No run was limited by its load generator."]
    return [
        f"- {FLAG} {run['scenario']} · {run_place(run)}{run['setup']} · {run['tool']}: "
        f"{'; '.join(run['loadgen_bound_because'])}; the server used "
        f"{run['server_cpu_share']:.0%} of its cores. Its {run['rps']:,.0f} req/s is the load "
        f"generator's speed; the server's capacity is {run['capacity_per_core']:,} req/s per core."
        for run in bound
    ]


def run_place(run: dict) -> str:
    return f"{run['store']} {size_name(run['catalogue'])} · " if run["store"] else ""


def time_check(document: dict, quick: dict | None = None) -> list[str]:
    """This run's duration against its budget, and the last ``make bench-quick``'s, if any.
    Both are the runner's time: ``make`` adds starting Python and writing the report."""
    lines = []
    if "elapsed_s" in document:
        elapsed, budget = document["elapsed_s"], document.get("time_budget_s", BENCH_BUDGET_S)
        lines.append(
            f"- {report_stores.mark(elapsed <= budget)} This run took {elapsed / 60:.1f} min "
            f"({elapsed} s; its budget: {budget} s; `make bench` at most {BENCH_BUDGET_S} s, "
            f"`make bench-quick` at most {QUICK_BUDGET_S} s)."
        )
    if quick and "elapsed_s" in quick:
        load = " / ".join(map(str, quick["conditions"]["load_average_at_start"]))
        lines.append(
            f"- {report_stores.mark(quick['elapsed_s'] <= QUICK_BUDGET_S)} `make bench-quick`, "
            f"its last run (started {quick['started_at']}, load average at start {load}), took "
            f"{quick['elapsed_s']} s (at most {QUICK_BUDGET_S} s)."
        )
    return lines


def conditions_lines(document: dict) -> list[str]:
    c = document["conditions"]
    packages = ", ".join(f"{name} {version}" for name, version in c["packages"].items())
    flask, sanic = c["servers"]["flask"], c["servers"]["sanic"]
    return [
        f"- Command: `{document['command']}`, started {document['started_at']}",
        f"- Machine: {c['cpu_model']}, {c['cpu_count']} cores, {c['platform']}, "
        f"load average at start {' / '.join(map(str, c['load_average_at_start']))}",
        f"- Python {c['python']}; {packages}; {c['ab'] or 'ab not installed'}",
        f"- Server pinned to cores {cores_text(c['server_cpus'])}, load generator to "
        f"{cores_text(c['loadgen_cpus'])}; "
        f"{c['users']} concurrent users (ab: -c {c['users']}); Locust processes: "
        f"{c['locust_processes']}",
        f"- Locust {c['duration_s']} s per run, after {c['warmup_s']} s of the scenario's "
        f"requests one at a time as warm-up; ab {c['ab_duration_s']} s per run; "
        f"{users_line(document)}; the whole run took "
        f"{document.get('elapsed_s', 0) / 60:.1f} min",
        f"- Flask: {flask['server']}, {flask['workers']} {flask['worker_class']} worker(s), "
        f"keep-alive {'on' if flask['keep_alive'] else 'off'}, measured directly with no "
        "proxy in front, as the talk did (production puts nginx in front: `deploy/`); "
        f"Sanic: {sanic['server']}, "
        f"{sanic['workers']} worker(s), keep-alive {'on' if sanic['keep_alive'] else 'off'}",
        f"- Stores: {', '.join(c['stores'])} ({postgres_line(c)}); catalogues of "
        f"{' and '.join(size_name(size) for size in c['catalogue_sizes'])} packages; the "
        f"scenarios without a store axis ran on {setting_name(document)}; "
        f"JSON codec: {c['json_codec']}; clients keep connections alive: Locust yes, `ab -k` "
        "yes, `ab` no",
    ]


def cores_text(cpus: list[int] | None) -> str:
    """The same words for a live run's tuple and a results file's list."""
    return ", ".join(map(str, cpus)) if cpus else "none (unpinned)"


def setting_name(document: dict) -> str:
    store, size = talk_setting(document)
    return f"{store} with {size_name(size)} packages"


def users_line(document: dict) -> str:
    fixed = {run["scenario"]: run["users"] for run in document["runs"] if "users" in run}
    default = document["conditions"]["users"]
    others = [f"{scenario} {users}" for scenario, users in fixed.items() if users != default]
    return f"Locust users: {default}" + (f" ({', '.join(others)})" if others else "")


def postgres_line(conditions: dict) -> str:
    if conditions.get("postgresql"):
        return (
            f"PostgreSQL {conditions['postgresql']}, a throwaway server pinned to the server's "
            "cores, its CPU measured apart"
        )
    skipped = conditions.get("stores_skipped", {})
    return (
        f"PostgreSQL skipped: {skipped['postgresql']}"
        if "postgresql" in skipped
        else "no PostgreSQL"
    )


def readings(document: dict) -> list[str]:
    """What the figures above say, written from them: nothing here is typed by hand."""
    runs = talk_runs(document)
    lines = []
    locust = [find_run(runs, "rand", "locust", fw) for fw in ("flask", "sanic")]
    plain_ab = [find_run(runs, "rand", "ab", fw) for fw in ("flask", "sanic")]
    if all(locust):
        text = (
            f"- **The talk's route.** With keep-alive on Sanic's side (Locust), Sanic needs "
            f"{cpu_ratio(*locust):.1f}x less CPU per `/rand` request than Flask (the talk "
            "claimed 5-6x)"
        )
        if all(plain_ab):
            text += (
                f"; with keep-alive for neither (`ab`), {cpu_ratio(*plain_ab):.1f}x: part of "
                "Sanic's advantage is serving many requests per connection, which gunicorn's "
                "sync worker never does"
            )
        lines.append(text + ".")
    sentences = report_async.store_sentences(document)
    if len(sentences) > 1:  # the last names the run
        lines.append("- **The store.** " + " ".join(sentences[:-1]))
    grown = grown_routes(document)
    if grown:
        lines.append(
            f"- **Routes whose p99 grew over {report_stores.P99_GROWTH:.0f}x** with the "
            f"catalogue: {'; '.join(grown)}."
        )
    upstream = report_async.upstream_checks(document)
    if len(upstream) > 1:
        lines.append(
            "- **Upstream IO.** "
            + " ".join(line.split(" ", 2)[2] for line in upstream)
            + " See below for what the index client costs there."
        )
    export = report_async.export_summary(document)
    if export:
        lines.append(f"- **CPU work off the loop.** {export}.")
    return lines


def grown_routes(document: dict) -> list[str]:
    sizes = document["conditions"]["catalogue_sizes"]
    small, large = min(sizes), max(sizes)
    runs = report_stores.by_key(document)
    grown = []
    for (scenario, setup, store, size), before in runs.items():
        after = runs.get((scenario, setup, store, large))
        if size == small != large and after:
            times = after["latency_ms"]["p99"] / max(before["latency_ms"]["p99"], 1)
            if times > report_stores.P99_GROWTH:
                grown.append(f"`{before['route']}` on {store}, {setup.title()}, {times:.1f}x")
    return grown


def results_markdown(document: dict, charts: dict[str, str], quick: dict | None = None) -> str:
    runs = document["runs"]
    talk = talk_runs(document)
    store, size = talk_setting(document)
    lines = [
        START,
        "",
        "### The talk's comparison",
        "",
        f"pyaday's two apps on the {store} store with {size_name(size)} packages, and their "
        "floors.",
        "",
        *main_table(document),
        "",
        f"{FLAG} the load generator was the bottleneck (it used over 90% of its cores, Locust "
        "warned about its CPU, or it wanted its cores over 90% of the time and the server did "
        "not): that req/s is the load generator's speed, not the server's; read the CPU columns. "
        f"{NO_KEEPALIVE} gunicorn's sync worker closes the connection after every response, so "
        "Flask served these without keep-alive although the client asked for it. Capacity "
        "ratio: Flask's CPU µs per request over Sanic's, the req/s ratio two servers would "
        "reach on equal cores with a load generator that never runs out.",
        "",
        f"![Flask and Sanic, req/s and capacity per core]({charts['talk']})",
        "",
        "### Every store, two catalogue sizes",
        "",
        *report_stores.skipped_lines(document),
        "Sanic/Flask capacity ratio (Flask's CPU per request over Sanic's), each read route "
        "measured on its own:",
        "",
        *report_stores.ratio_table(document),
        "",
        "How each route grows with the catalogue (Locust, "
        f"{document['conditions']['users']} users, except the one-user search; CPU per request "
        "of the app's server, and of PostgreSQL's apart):",
        "",
        *report_stores.growth_table(document),
        "",
        "The one-user search, term by term (Locust's latencies, in whole milliseconds):",
        "",
        *report_stores.search_terms_table(document),
        "",
        "Start-up (until `/health` answers; the memory store builds its catalogue in each "
        "worker as it starts):",
        "",
        *report_stores.startup_table(document),
        "",
    ]
    if "stores" in charts:
        lines += [
            f"![The capacity ratio per store, and each route's growth]({charts['stores']})",
            "",
        ]
    lines += [
        "### The async lessons: upstream IO",
        "",
        *report_async.upstream_table(document),
        "",
        "### The async lessons: CPU work off the loop (export)",
        "",
        *report_async.export_intro(document),
        "",
        *report_async.export_table(document),
        "",
        "### The landscape: each framework's bare floor app",
        "",
        "Floors are not pyaday's twins: each answers `/` and `/rand` with a fixed body and "
        "`/releases` by asking the package index, with pyaday's codec and index client, and "
        "does nothing else (`benchmarks/floor_*.py`). Flask's floor served `/releases` on a "
        "gthread worker with 32 threads; every async floor asks through pyaday's async "
        'client, whose cost weighs on them all alike (see "What the index client costs in '
        '`upstream`" below).',
        "",
        *report_async.landscape_table(document),
        "",
    ]
    if "async" in charts:
        lines += [f"![Floors and the upstream set-ups]({charts['async']})", ""]
    lines += [
        "### Checks",
        "",
        *rand_check(talk),
        *floor_checks(talk),
        *report_stores.postgres_checks(document),
        *report_stores.sqlite_checks(document),
        *report_stores.growth_checks(document),
        *report_stores.search_checks(document),
        *report_async.upstream_checks(document),
        *report_async.export_checks(document),
        *time_check(document, quick),
        *bound_runs(runs),
        "",
        "### Readings of this run",
        "",
        *readings(document),
        "",
        "### Conditions",
        "",
        *conditions_lines(document),
        "",
        "### Every run",
        "",
        *detail_table(document),
        "",
        END,
    ]
    return "\n".join(lines) + "\n"


def draw_chart(document: dict, path: Path) -> None:
    rows = [row for row in paired_rows(talk_runs(document)) if measured(row[2]) or measured(row[3])]
    labels = [f"{scenario}\n{tool}" for scenario, tool, _, _ in rows]
    # The Agg canvas directly, not pyplot: no display needed and no global figure state.
    figure = Figure(figsize=(max(8, 1.1 * len(rows)), 8))
    FigureCanvasAgg(figure)
    axes = figure.subplots(2, 1, sharex=True)
    panels = (("rps", "req/s as measured"), ("capacity_per_core", "capacity: req/s per core"))
    for axis, (key, title) in zip(axes, panels, strict=True):
        for offset, framework in ((-0.2, "flask"), (0.2, "sanic")):
            runs = [row[2] if framework == "flask" else row[3] for row in rows]
            heights = [run[key] if measured(run) else 0 for run in runs]
            bars = axis.bar(
                [i + offset for i in range(len(rows))], heights, 0.4, color=COLORS[framework]
            )
            for bar, run in zip(bars, runs, strict=True):
                if key == "rps" and measured(run) and run["loadgen_bound"]:
                    bar.set_hatch("//")
                    bar.set_edgecolor("white")
        axis.set_title(title)
        axis.grid(axis="y", alpha=0.3)
    legend = [Patch(color=color, label=name.title()) for name, color in COLORS.items()]
    legend.append(
        Patch(facecolor="#999999", hatch="//", edgecolor="white", label="load generator bound")
    )
    axes[0].legend(handles=legend)
    axes[1].set_xticks(range(len(rows)), labels)
    figure.suptitle(f"pyaday, Flask vs Sanic ({document['started_at']})")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def write_report(
    document: dict,
    markdown_path: Path,
    readme_path: Path | None = None,
    quick: dict | None = None,
) -> None:
    """The figures into ``markdown_path`` (between the markers) and the charts beside it;
    with ``readme_path``, the README's generated sections too; with ``quick``, the results of
    the last ``make bench-quick``, whose duration the report states too."""
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    charts = {"talk": markdown_path.with_suffix(".png")}
    draw_chart(document, charts["talk"])
    for name, draw in (
        ("stores", report_stores.draw_stores_chart),
        ("async", report_async.draw_async_chart),
    ):
        path = markdown_path.with_name(f"{markdown_path.stem}-{name}.png")
        if draw(document, path):
            charts[name] = path
    section = results_markdown(document, {name: path.name for name, path in charts.items()}, quick)
    replace_between(markdown_path, START, END, section, whole_if_missing=True)
    if readme_path is not None:
        sections = {
            "async": report_async.async_lessons_markdown(document),
            "stores": report_async.store_sentences(document),
        }
        for name, (start, end) in README_SECTIONS.items():
            text = "\n".join([start, *sections[name], end]) + "\n"
            replace_between(readme_path, start, end, text)


def replace_between(path: Path, start: str, end: str, section: str, whole_if_missing=False) -> None:
    """``section`` (markers included) in place of the text between the markers of ``path``;
    a file without them is left alone, or, ``whole_if_missing``, becomes the section."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        section = before + section.rstrip("\n") + rest.split(end, 1)[1]
    elif not whole_if_missing:
        return
    path.write_text(section, encoding="utf-8")
