"""The teaching tools: the generated guide stays fresh, the diff page renders, the workshop grades.

``make docs`` writes ``docs/migration.md`` and ``docs/diff.html`` from the code (``learn/``);
these tests fail when either is stale, when a region the guide quotes is gone from a twin, or
when the workshop's grader stops telling a converted route from an unconverted one.
"""

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from benchmarks.system import find_or_install
from learn import diffs, guide, workshop
from learn.regions import RegionError, parse_regions, strip_markers
from learn.twins import PROJECT_ROOT, twins

# What the guide and the diff page read: copied into a scratch tree to break things in.
SOURCES = ("docs", "flask_app", "sanic_app", "shared", "tests", "examples")


@pytest.fixture
def scratch_tree(tmp_path) -> Path:
    for source in SOURCES:
        if (PROJECT_ROOT / source).exists():
            shutil.copytree(PROJECT_ROOT / source, tmp_path / source, ignore=_caches)
    return tmp_path


def _caches(_folder, names):
    return [name for name in names if name == "__pycache__"]


# regions


def test_regions_are_read_dedented_without_their_markers():
    text = (
        "a = 1\n# region: one\ndef f():\n    return 1\n# endregion\n"
        "    # region: two\n    x\n    # endregion\n"
    )
    regions = parse_regions(text)
    assert list(regions) == ["one", "two"]
    assert regions["one"].code == "def f():\n    return 1"
    assert regions["one"].first_line == 3
    assert regions["two"].code == "x"
    assert "region" not in strip_markers(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# region: a\n# region: b\n# endregion\n", "opens inside 'a'"),
        ("# endregion\n", "without a region"),
        ("# region: a\n", "never closed"),
        ("# region: a\n# endregion\n# region: a\n# endregion\n", "a second region named 'a'"),
    ],
)
def test_malformed_markers_are_refused_with_the_line(text, message):
    with pytest.raises(RegionError, match=message):
        parse_regions(text, "x.py")


# the guide


def test_the_guide_is_what_make_docs_writes():
    guide.check()  # raises StaleGuide: run `make docs`


def test_every_twin_directive_of_the_template_quotes_both_files():
    template = (PROJECT_ROOT / guide.TEMPLATE).read_text(encoding="utf-8")
    directives = [guide.DIRECTIVE.match(line.strip()) for line in template.splitlines()]
    quoted = [match for match in directives if match]
    assert quoted, "the template quotes no code"
    rendered = guide.render()
    for match in quoted:
        twin = next(t for t in twins() if t.left == Path(match["left"]))
        assert f">{twin.left}</a>" in rendered and f">{twin.right}</a>" in rendered


def first_quoted_region(root: Path) -> tuple[Path, Path, str]:
    """The left file, the right file and the region of the template's first twin directive."""
    template = (root / guide.TEMPLATE).read_text(encoding="utf-8")
    match = next(m for m in map(guide.DIRECTIVE.match, template.splitlines()) if m)
    twin = next(t for t in twins(root) if t.left == Path(match["left"]))
    return twin.left, twin.right, match["region"]


def test_changing_a_region_without_regenerating_makes_the_guide_stale(scratch_tree):
    guide.check(scratch_tree)
    _left, right, region = first_quoted_region(scratch_tree)
    path = scratch_tree / right
    marker = f"# region: {region}\n"
    path.write_text(path.read_text("utf-8").replace(marker, marker + "# a new line\n"), "utf-8")
    with pytest.raises(guide.StaleGuide, match="make docs"):
        guide.check(scratch_tree)


def test_a_region_gone_from_one_twin_is_named(scratch_tree):
    _left, right, region = first_quoted_region(scratch_tree)
    path = scratch_tree / right
    marker = f"# region: {region}\n"
    path.write_text(path.read_text("utf-8").replace(marker, "# a region was here\n"), "utf-8")
    # Its # endregion is now stray: the file is malformed, and the error names it.
    with pytest.raises(RegionError, match=str(right)):
        guide.render(scratch_tree)


# the diffs


def test_the_diff_page_is_what_make_docs_writes():
    written = (PROJECT_ROOT / "docs" / "diff.html").read_text(encoding="utf-8")
    assert written == diffs.html_page(), "docs/diff.html is stale: run `make docs`"


def test_the_diff_page_loads_nothing_from_the_network():
    page = diffs.html_page()
    # The quoted code is escaped text (a "<" in it is "&lt;"): only real tags and the style
    # sheet could reach the network.
    references = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert all(not re.match(r"[a-z]+:", ref) for ref in references), references
    assert not re.search(r"<(?:link|script|img|iframe|object|embed)\b", page)
    style = re.search(r"<style>(.*?)</style>", page, re.S)[1]
    assert "@import" not in style and "url(" not in style


def test_make_diff_shows_every_twin_in_the_terminal():
    text = diffs.terminal(width=120)
    for twin in twins():
        assert twin.title in text


def test_the_diff_page_renders_in_headless_chromium(tmp_path):
    browser = find_or_install("chromium", "chromium")
    if browser is None:
        pytest.skip("Chromium is missing and cannot be installed here (needs root and apt-get)")
    dom = subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
            (PROJECT_ROOT / "docs" / "diff.html").as_uri(),
        ],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", dom)
    assert headings == [twin.title for twin in twins()]


# the workshop

# Two contract tests that need nothing but GET /, enough to watch that route change hands, and
# one of GET /rand, to watch the grader fail a handler that blocks the event loop.
INDEX_TESTS = [
    "tests/test_api_reads.py::test_index_names_the_app_and_its_framework",
    "tests/test_api_reads.py::test_head_answers_like_get_without_a_body[app-/]",
    "tests/test_api_reads.py::test_head_on_rand",
]


@pytest.fixture
def copy_name():
    name = f"test_{uuid.uuid4().hex[:10]}"
    yield name
    shutil.rmtree(PROJECT_ROOT / workshop.WORKSHOP / name, ignore_errors=True)


def row(grade: workshop.Grade, route: str) -> workshop.Row:
    return next(row for row in grade.rows if row.route == route)


def test_a_workshop_copy_moves_to_sanic_one_route_at_a_time(copy_name):
    target = workshop.start(copy_name)
    spec = f"workshop.{copy_name}:create_app"

    untouched = workshop.grade(spec, INDEX_TESTS)
    assert untouched.framework == "flask" and not untouched.done
    assert {r.served_by for r in untouched.rows} == {"flask"}  # every route, Flask's
    assert row(untouched, "GET /").passed == row(untouched, "GET /").total > 0

    # Step 1: the factory, the helpers and the errors, and a blueprint with no routes yet.
    convert_to_sanic(target, copy_name, keep_routes=())
    no_routes = workshop.grade(spec, INDEX_TESTS)
    assert no_routes.framework == "sanic"
    assert not row(no_routes, "GET /").done and row(no_routes, "GET /").served_by == "nobody"

    # Step 2: one route, converted: it passes, the others are still nobody's; and one route
    # converted with a blocking call left in: the loop guard fails it, naming its handler.
    convert_to_sanic(target, copy_name, keep_routes=("route-index", "route-rand"))
    routes = target / "packages.py"
    handler = "async def random_package(request: Request):\n"
    blocking = "    __import__('time').sleep(0.05)  # a blocking library call\n"
    routes.write_text(routes.read_text("utf-8").replace(handler, handler + blocking), "utf-8")
    one_route = workshop.grade(spec, INDEX_TESTS)
    assert row(one_route, "GET /").done and not row(one_route, "GET /").failure
    assert row(one_route, "GET /packages").served_by == "nobody"
    rand = row(one_route, "GET /rand")
    assert rand.served_by == "sanic" and rand.passed == 0 < rand.total
    assert "LoopBlocked" in rand.failure and "random_package blocked the event loop" in rand.failure
    assert not one_route.done


def convert_to_sanic(target: Path, name: str, keep_routes: tuple[str, ...]) -> None:
    """What an attendee writes, taken from the Sanic twin: its files, and of its routes those
    kept, each route being a ``route-*`` region of ``sanic_app/packages.py``."""
    for source in (PROJECT_ROOT / "sanic_app").glob("*.py"):
        text = source.read_text(encoding="utf-8").replace("sanic_app", f"workshop.{name}")
        if source.name == "packages.py":
            text = without_regions(
                text, lambda region: region.startswith("route-") and region not in keep_routes
            )
        (target / source.name).write_text(text, encoding="utf-8")


def without_regions(text: str, drop) -> str:
    kept, dropping = [], False
    for line in text.splitlines():
        start = re.match(r"# region: (\S+)$", line)
        if start and drop(start[1]):
            dropping = True
        if not dropping:
            kept.append(line)
        if dropping and line == "# endregion":
            dropping = False
    return "\n".join(kept) + "\n"
