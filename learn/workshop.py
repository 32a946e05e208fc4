"""The workshop: convert a copy of the Flask app to Sanic, graded by the contract suite.

    python -m learn.workshop start NAME   # make workshop-start NAME=...: copy flask_app/
    python -m learn.workshop check APP    # make workshop-check APP=workshop.NAME:create_app

``start`` copies ``flask_app/`` into ``workshop/NAME/`` (git ignores ``workshop/``) with its
imports rewritten, so the copy runs as ``workshop.NAME:create_app`` and passes the contract as
it is. ``check`` builds the app once to see which framework it is and which routes it serves,
runs the parametrized API suite against it in process (memory store; a Sanic app under the loop
guard of ``tests/loop_guard.py``, so a handler that blocks the event loop fails), and prints,
per route of the contract, who serves it and how many of its tests pass, then why the first
failing test of each route Sanic serves failed. It exits non-zero until Sanic serves every
route and every test passes. See docs/workshop.md.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from learn.grading import OTHER_PATHS
from learn.twins import PROJECT_ROOT

WORKSHOP = "workshop"
NAME = re.compile(r"[a-z_][a-z0-9_]*")
# The contract suite, every test_api_*.py (a new route's tests are graded with it) but the
# hostile-input one: its tests send the same request to every route, so no route of the table
# could pass before all of them do.
API_TESTS = tuple(
    sorted(
        str(path.relative_to(PROJECT_ROOT))
        for path in PROJECT_ROOT.glob("tests/test_api_*.py")
        if path.name != "test_api_hostile.py"
    )
)


def start(name: str, root: Path = PROJECT_ROOT) -> Path:
    """Copy ``flask_app/`` to ``workshop/<name>/``, importing itself as ``workshop.<name>``."""
    if not NAME.fullmatch(name):
        raise ValueError(f"NAME={name!r}: use lower-case letters, digits and _ (a Python name)")
    target = root / WORKSHOP / name
    if target.exists():
        raise ValueError(f"{target.relative_to(root)} exists already: pick another NAME")
    package = root / WORKSHOP / "__init__.py"
    if not package.exists():
        package.parent.mkdir(exist_ok=True)
        package.write_text('"""Workshop copies of the Flask app (make workshop-start)."""\n')
    target.mkdir()
    for source in sorted((root / "flask_app").glob("*.py")):
        text = source.read_text(encoding="utf-8")
        (target / source.name).write_text(
            text.replace("flask_app", f"{WORKSHOP}.{name}"), encoding="utf-8"
        )
    return target


# check


@dataclass(frozen=True)
class Row:
    route: str
    served_by: str  # flask, sanic, or nobody
    passed: int
    total: int
    failure: str = ""  # the first failing test this route's conversion explains, and why

    @property
    def done(self) -> bool:
        return self.served_by == "sanic" and self.passed == self.total


@dataclass(frozen=True)
class Grade:
    framework: str
    rows: list[Row]

    @property
    def done(self) -> bool:
        return all(row.done for row in self.rows)


class AppDoesNotBuild(Exception):
    """The factory raised: the message is its traceback."""


def grade(spec: str, tests: list[str]) -> Grade:
    """Run the contract tests against the app ``spec`` names, in a pytest of its own."""
    with tempfile.TemporaryDirectory(prefix="pyaday-workshop-") as folder:
        path = Path(folder) / "grades.json"
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "learn.grading",
            f"--app={spec}", "--loop-guard=memory", f"--grading-report={path}", *tests,
        ]  # fmt: skip
        done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
        if not path.exists():  # pytest could not even start: its output says why
            raise AppDoesNotBuild(done.stdout + done.stderr)
        report = json.loads(path.read_text(encoding="utf-8"))
    if "error" in report["app"]:
        raise AppDoesNotBuild(report["app"]["error"])
    return Grade(report["app"]["framework"], rows_of(report))


def rows_of(report: dict) -> list[Row]:
    app, tests = report["app"], report["tests"]
    served = {*app["routes"], OTHER_PATHS}
    rows = []
    for route in [*report["contract"], OTHER_PATHS]:
        counted = {
            nodeid: test
            for nodeid, test in tests.items()
            if route in test["routes"] and test["outcome"] != "skipped"
        }
        rows.append(
            Row(
                route,
                app["framework"] if route in served else "nobody",
                sum(test["outcome"] == "passed" for test in counted.values()),
                len(counted),
                first_failure(counted, served),
            )
        )
    return rows


def first_failure(tests: dict[str, dict], served: set[str]) -> str:
    """Why the route is not done: its first failing test that sent requests only to routes the
    app serves, and the reason; else which routes its failing tests wait for."""
    failed = {nodeid: test for nodeid, test in tests.items() if test["outcome"] == "failed"}
    for nodeid, test in failed.items():
        if set(test["routes"]) <= served:
            return f"{nodeid}\n    {test['failure']}"
    if not failed:
        return ""
    waiting = sorted({route for test in failed.values() for route in test["routes"]} - served)
    count = f"{len(failed)} failing test{'s' if len(failed) > 1 else ''}"
    return f"{count} also need routes not served yet: {', '.join(waiting)}"


def table(rows: list[Row]) -> str:
    width = max(len(row.route) for row in rows)
    lines = [f"{'route':<{width}}  served by  contract tests passing", "-" * (width + 36)]
    for row in rows:
        mark = "✓" if row.done else "✗"
        lines.append(
            f"{row.route:<{width}}  {row.served_by:<9}  {row.passed:>4}/{row.total:<4} {mark}"
        )
    return "\n".join(lines)


def check(spec: str, tests: list[str]) -> int:
    try:
        result = grade(spec, tests)
    except AppDoesNotBuild as error:
        print(f"{error}\n{spec} does not build an app: fix the error above first", file=sys.stderr)
        return 1
    print(f"{spec}: a {result.framework.title()} app\n\n{table(result.rows)}\n")
    failing = [row for row in result.rows if row.served_by == "sanic" and row.failure]
    if failing:
        print("Why, for each route Sanic serves and fails: its first failing test, and why")
        for row in failing:
            print(f"  {row.route}: {row.failure}")
        print(f"Run one with its traceback: .venv/bin/pytest --app={spec} '<test>'\n")
    done = sum(row.done for row in result.rows)
    print(
        f"{done} of {len(result.rows)} rows done on Sanic." + (" All done!" if result.done else "")
    )
    return 0 if result.done else 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m learn.workshop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start", help="copy flask_app/ into workshop/NAME/").add_argument("name")
    checking = commands.add_parser("check", help="grade an app against the contract suite")
    checking.add_argument("app", help="MODULE:FACTORY, e.g. workshop.ada:create_app")
    checking.add_argument(
        "tests", nargs="*", default=list(API_TESTS), help="test files (default: the API suite)"
    )
    args = parser.parse_args(argv)
    if args.command == "start":
        try:
            target = start(args.name)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"copied flask_app/ to {target.relative_to(PROJECT_ROOT)}/; next:")
        print(f"  make workshop-check APP={WORKSHOP}.{args.name}:create_app   (all Flask)")
        print("  then follow docs/workshop.md")
        return 0
    return check(args.app, args.tests)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
