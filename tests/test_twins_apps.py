"""flask_app/ and sanic_app/ stay twins: same files, same top-level names in the same order.

A reader diffing the two should see only what the migration changes; a function added to one
app and not the other, or moved, breaks that.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLASK, SANIC = ROOT / "flask_app", ROOT / "sanic_app"


def python_files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*.py"))


def top_level_names(path: Path) -> list[str]:
    """Functions and classes defined at module level, in file order."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [node.name for node in tree.body if isinstance(node, kinds)]


def test_same_files():
    assert python_files(FLASK) == python_files(SANIC)


# server.py is each server's own deployment config: gunicorn reads settings from module
# variables, Sanic's server is started by a main(). They are twins by name and purpose only.
CODE_FILES = [name for name in python_files(FLASK) if name != "server.py"]


@pytest.mark.parametrize("file_name", CODE_FILES)
def test_same_functions_in_the_same_order(file_name):
    flask_names = top_level_names(FLASK / file_name)
    sanic_names = top_level_names(SANIC / file_name)
    # The Flask app plugs the codec in with a JSONProvider class; Sanic takes dumps= instead.
    flask_names = [name for name in flask_names if name != "CodecJSONProvider"]
    # WSGI decodes %2F before Flask routes; Sanic must refuse it itself. gunicorn shuts down
    # gracefully by its configuration (flask_app/server.py); Sanic needs code for it.
    sanic_only = {"refuse_encoded_slashes", "shut_down_gracefully", "queued_connections"}
    sanic_names = [name for name in sanic_names if name not in sanic_only]
    assert flask_names == sanic_names
