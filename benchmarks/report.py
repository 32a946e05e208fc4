"""The report of a results document: Markdown tables, the checks of issue 4, and a PNG chart.

``write_report`` replaces the part of ``benchmarks.md`` between the two markers below, so the
hand-written text around the figures survives a new run; a new file gets the figures only.
"""

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from benchmarks.scenarios import SCENARIOS

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
FLAG = "⚑"  # this run measured the load generator, not the server
NO_KEEPALIVE = "†"  # the client asked for keep-alive, gunicorn's sync worker refused it
RAND_AGREEMENT = 0.15  # issue 4: rand's capacity ratio and ab -k ratio agree within 15%
FLOOR_SHARE = 0.80  # issue 4: pyaday's rand reaches 80% of its framework's floor per core
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
    """(scenario, tool, Flask run, Sanic run), in the order the runs were measured."""
    pairs: dict[tuple[str, str], dict] = {}
    for run in runs:
        pairs.setdefault((run["scenario"], run["tool"]), {})[run["framework"]] = run
    return [(s, tool, pair.get("flask"), pair.get("sanic")) for (s, tool), pair in pairs.items()]


def measured(run: dict | None) -> bool:
    return run is not None and not run.get("missing")


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
    for scenario, tool, flask, sanic in paired_rows(document["runs"]):
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
        "| scenario | load generator | framework | requests | failures | req/s "
        "| p50 ms | p95 ms | p99 ms | server CPU used | wanted | its cores busy "
        "| load generator CPU used | wanted | its cores busy | keep-alive requests |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in filter(measured, document["runs"]):
        latency = run["latency_ms"]
        cells = [run["scenario"], run["tool"], run["framework"], f"{run['requests']:,}"]
        cells += [f"{run['failures']:,}", f"{run['rps']:,.0f}"]
        cells += [f"{latency[p]:.0f}" if latency[p] is not None else NONE for p in latency]
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
        f"- {FLAG} {run['scenario']} · {run['framework']} · {run['tool']}: "
        f"{'; '.join(run['loadgen_bound_because'])}; the server used "
        f"{run['server_cpu_share']:.0%} of its cores. Its {run['rps']:,.0f} req/s is the load "
        f"generator's speed; the server's capacity is {run['capacity_per_core']:,} req/s per core."
        for run in bound
    ]


def conditions_lines(document: dict) -> list[str]:
    c = document["conditions"]
    packages = ", ".join(f"{name} {version}" for name, version in c["packages"].items())
    flask, sanic = c["servers"]["flask"], c["servers"]["sanic"]
    return [
        f"- Command: `{document['command']}`, started {document['started_at']}",
        f"- Machine: {c['cpu_model']}, {c['cpu_count']} cores, {c['platform']}, "
        f"load average at start {' / '.join(map(str, c['load_average_at_start']))}",
        f"- Python {c['python']}; {packages}; {c['ab'] or 'ab not installed'}",
        f"- Server pinned to cores {c['server_cpus']}, load generator to {c['loadgen_cpus']}; "
        f"{c['users']} concurrent users (ab: -c {c['users']}); Locust processes: "
        f"{c['locust_processes']}",
        f"- Locust {c['duration_s']} s per run after {c['warmup_s']} s of warm-up; "
        f"ab {c['ab_duration_s']} s per run",
        f"- Flask: {flask['server']}, {flask['workers']} {flask['worker_class']} worker(s), "
        f"keep-alive {'on' if flask['keep_alive'] else 'off'}, measured directly with no "
        "proxy in front, as the talk did (production puts nginx in front: `deploy/`); "
        f"Sanic: {sanic['server']}, "
        f"{sanic['workers']} worker(s), keep-alive {'on' if sanic['keep_alive'] else 'off'}",
        f"- Store: {c['store']}; JSON codec: {c['json_codec']}; clients keep connections "
        "alive: Locust yes, `ab -k` yes, `ab` no",
    ]


def results_markdown(document: dict, chart_name: str) -> str:
    runs = document["runs"]
    lines = [
        START,
        "",
        "### Figures",
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
        f"![Flask and Sanic, req/s and capacity per core]({chart_name})",
        "",
        "### Checks",
        "",
        *rand_check(runs),
        *floor_checks(runs),
        *bound_runs(runs),
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
    rows = [row for row in paired_rows(document["runs"]) if measured(row[2]) or measured(row[3])]
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


def write_report(document: dict, markdown_path: Path) -> None:
    """The figures into ``markdown_path`` (between the markers) and the chart beside it."""
    chart_path = markdown_path.with_suffix(".png")
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    draw_chart(document, chart_path)
    section = results_markdown(document, chart_path.name)
    text = markdown_path.read_text(encoding="utf-8") if markdown_path.exists() else ""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        section = before + section.rstrip("\n") + rest.split(END, 1)[1]
    markdown_path.write_text(section, encoding="utf-8")
