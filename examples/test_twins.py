"""Every cookbook topic is a Flask/Sanic pair of twins, with its test and its text.

A reader diffs ``with_flask.py`` against ``with_sanic.py`` and sees the migration only; a guide
quotes the same ``# region: <name>`` … ``# endregion`` of both files side by side.
"""

import ast
import re
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent
TOPICS = sorted(path.parent.name for path in EXAMPLES.glob("*/with_flask.py"))
REGION = re.compile(r"^\s*# region: (?P<name>[a-z0-9-]+)\s*$")
END = re.compile(r"^\s*# endregion\s*$")


def regions(path: Path) -> list[str]:
    """Region names in file order; each region closed before the next opens."""
    names, open_name = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if match := REGION.match(line):
            assert open_name is None, f"{path.name}:{number}: region inside {open_name}"
            open_name = match["name"]
            names.append(open_name)
        elif END.match(line):
            assert open_name is not None, f"{path.name}:{number}: endregion without region"
            open_name = None
        else:
            malformed = line.strip().startswith(("# region", "# endregion"))
            assert not malformed, f"{path.name}:{number}: {line!r}"
    assert open_name is None, f"{path.name}: region {open_name} not closed"
    assert len(names) == len(set(names)), f"{path.name}: a region name used twice"
    return names


def functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    return [node.name for node in tree.body if isinstance(node, kinds)]


def test_there_are_topics():
    assert len(TOPICS) >= 11


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_has_its_pair_its_test_and_its_text(topic):
    folder = EXAMPLES / topic
    assert (folder / "with_sanic.py").is_file()
    assert (folder / "README.md").is_file()
    assert list(folder.glob("test_*.py"))
    assert f"({topic}/)" in (EXAMPLES / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("topic", TOPICS)
def test_the_same_regions_in_the_same_order(topic):
    flask_regions = regions(EXAMPLES / topic / "with_flask.py")
    assert flask_regions, "nothing marked for the guide"
    assert flask_regions == regions(EXAMPLES / topic / "with_sanic.py")


@pytest.mark.parametrize("topic", TOPICS)
def test_shared_functions_in_the_same_order(topic):
    """Either file may define what the other framework does for it; the rest keep their order."""
    flask_names = functions(EXAMPLES / topic / "with_flask.py")
    sanic_names = functions(EXAMPLES / topic / "with_sanic.py")
    assert [name for name in flask_names if name in sanic_names] == [
        name for name in sanic_names if name in flask_names
    ]
    assert flask_names[0] == sanic_names[0] == "create_app"


def test_every_sanic_app_has_a_name_of_its_own():
    """Sanic app names are process-wide: two examples with one name cannot run in one process."""
    names = []
    for path in EXAMPLES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_sanic = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Sanic"
            if is_sanic and node.args and isinstance(node.args[0], ast.Constant):
                names.append(node.args[0].value)
    assert len(names) > len(TOPICS)
    assert len(names) == len(set(names))
