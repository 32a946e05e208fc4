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

# What one framework needs and the other does without, and why.
FLASK_ONLY = {
    # The codec goes in through a JSONProvider; Sanic's responses take dumps= instead.
    "CodecJSONProvider",
    # <name> is decoded by a URL converter; Sanic's routes take unquote=True instead.
    "DecodedSegmentConverter",
    # gunicorn checks the head before Flask runs, all but what Sanic refuses and it does not;
    # Sanic's TargetRequest checks its whole raw head as the request is built.
    "refuse_malformed_head",
    # A streamed body is a generator that Flask's Response iterates; a Sanic handler sends
    # each chunk itself (request.respond).
    "stream_response",
}
SANIC_ONLY = {
    # Sanic answers a head over 16 KiB with 413 before reading it; gunicorn answers 414 or
    # 431 itself, and the Sanic app tells them apart.
    "oversized_head",
    # gunicorn shuts down gracefully by its configuration (flask_app/server.py); Sanic needs
    # code for it, in the factory so that every launch (the sanic CLI too) has it.
    "shut_down_gracefully",
    "queued_connections",
    # CPU work in a thread, so that the event loop serves other requests meanwhile; a Flask
    # worker has no loop to keep free.
    "off_the_loop",
}


@pytest.mark.parametrize("file_name", CODE_FILES)
def test_same_functions_in_the_same_order(file_name):
    flask_names = [n for n in top_level_names(FLASK / file_name) if n not in FLASK_ONLY]
    sanic_names = [n for n in top_level_names(SANIC / file_name) if n not in SANIC_ONLY]
    assert flask_names == sanic_names


def test_the_readme_names_every_exception():
    """The README's "Reading the diff" says which names are one framework's only."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Reading the diff")[1].split("\n## ")[0]
    for name in sorted(FLASK_ONLY | SANIC_ONLY | {"server.py"}):
        assert f"`{name}`" in section, name
