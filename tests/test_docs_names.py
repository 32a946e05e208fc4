"""Every name the docs give in backticks exists: files, make targets, ``PYADAY_*`` settings,
the project's modules, functions and classes.

The docs are the README, ``docs/*.md`` (the guide's template, not the page ``make docs``
writes from it) and the cookbook's READMEs. A name counts as the project's when it is a path
under one of the project's folders, a ``make`` target, a ``PYADAY_*`` variable, a dotted name
or ``module:attribute`` rooted in a project package, or a command's module (``python -m ...``).
A bare identifier (``read_body()``, ``SqlStore``, ``before_server_start``) must be written
somewhere in the project's code or be public in a framework the docs discuss; ALL-CAPS words
and single lower-case words (HTTP, SQL, module and tool names) are left alone.
"""

import builtins
import fnmatch
import importlib
import importlib.util
import inspect
import keyword
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted(
    [
        ROOT / "README.md",
        *(path for path in (ROOT / "docs").glob("*.md") if path.name != "migration.md"),
        *(ROOT / "examples").rglob("README.md"),
    ]
)
PACKAGES = (
    "shared",
    "flask_app",
    "sanic_app",
    "tests",
    "benchmarks",
    "learn",
    "deploy",
    "examples",
)
FOLDERS = (*PACKAGES, "docs", ".ci")
# Folders that exist only once something ran, and git ignores: make workshop-start writes
# workshop/, make run-* var/, pytest .pytest_cache/, make bench-quick benchmarks/results/quick/.
RUNTIME_FOLDERS = ("workshop/", "var/", ".pytest_cache/", "benchmarks/results/quick/")
# Named in the docs, checkable nowhere here: pytest-sanic's fixtures (the guide maps them to
# sanic-testing's; pytest-sanic is not installed, it no longer works with Sanic), and what the
# cookbook's extension map names from tools not installed: nginx's limit_req, WTForms' SessionCSRF.
ALLOWED = {"test_cli", "test_server", "unused_port", "limit_req", "SessionCSRF"}
# Frameworks and libraries whose public names the docs use bare.
LIBRARIES = (
    "asyncio", "concurrent.futures", "json", "sqlite3", "weakref",
    "flask", "flask.json.provider", "flask_login", "flask_sock", "werkzeug.exceptions",
    "werkzeug.routing", "gunicorn.config", "gunicorn.util", "gunicorn.workers.sync", "jinja2",
    "itsdangerous",
    "sanic", "sanic.exceptions", "sanic.response", "sanic.views", "sanic.worker.loader",
    "sanic.config", "sanic_ext", "sanic_testing.reusable", "sanic_testing.testing",
    "httpx", "psycopg", "psycopg_pool", "aiosqlite", "sqlalchemy.exc", "sqlalchemy.orm",
    "sqlalchemy.ext.asyncio", "websockets.exceptions", "h11",
)  # fmt: skip

SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DOTTED = re.compile(r"[A-Za-z_][\w.]*")
SETTING = re.compile(r"PYADAY_[A-Z0-9_]+")
PLACEHOLDER = re.compile(r"<[^>]*>|\{[^}]*\}|\b[A-Z]{3,}\b")


def spans(doc: Path) -> list[str]:
    """The backticked spans outside code blocks, and each command line of a shell block."""
    text = doc.read_text(encoding="utf-8")
    commands = [
        line.partition("#")[0].strip()
        for language, body in FENCE.findall(text)
        if language in ("sh", "bash", "")
        for line in body.splitlines()
    ]
    return [*SPAN.findall(FENCE.sub("", text)), *filter(None, commands)]


def names_in(doc: Path) -> list[tuple[str, str]]:
    """(kind, name) for every name the doc gives, in the order it gives them."""
    found = []
    for span in spans(doc):
        # <placeholder> stands for any one word; $shell and punctuation are no names.
        unquoted = re.sub(r"<[^>]*>", "<x>", span).replace("'", " ").replace('"', " ")
        words = [word.rstrip(",;") for word in unquoted.split() if "$" not in word]
        found += [("setting", setting) for setting in SETTING.findall(span)]
        for before, word in zip(["", *words], words, strict=False):
            if before == "make" and not word.startswith("-") and "=" not in word:
                found.append(("make target", word))
            elif before == "-m" or word.startswith("python:"):
                found.append(("module", word.removeprefix("python:")))
            elif _is_path(word):
                found.append(("path", word))
            elif _is_project_name(word):
                found.append(("project name", word))
        if len(words) == 1 and _is_identifier(words[0]):
            found.append(("identifier", words[0].removesuffix("()").lstrip("@")))
    return found


# A file named alone: not .json, which names attributes too (request.json).
FILE_NAME = re.compile(r"[\w.*<>-]+\.(py|md|toml|conf|tsv|html|css)")


def _is_path(word: str) -> bool:
    if "://" in word or word.startswith("/"):
        return False
    in_a_folder = "/" in word and word.split("/")[0] in FOLDERS
    return in_a_folder or FILE_NAME.fullmatch(word) is not None


def _is_project_name(word: str) -> bool:
    name = word.split(":")[0].split("(")[0]
    qualified = "." in name or ":" in word
    return qualified and name.split(".")[0] in PACKAGES and not _is_path(word)


def _is_identifier(word: str) -> bool:
    name = word.removesuffix("()").lstrip("@")
    if not IDENTIFIER.fullmatch(name) or name.isupper() or keyword.iskeyword(name):
        return False
    # A single lower-case word is a module, a tool or an English word; a capitalized one an
    # HTTP field or a term. A name has an underscore or an inner capital.
    return "_" in name.strip("_") or bool(re.search(r"[a-z][A-Z]|[A-Z]{2}[a-z]", name))


# What exists


@cache
def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))


@cache
def project_sources() -> str:
    """The text of every file of the project's code: Python, the Makefile, configuration."""
    paths = [ROOT / "Makefile", ROOT / "pyproject.toml", *ROOT.glob("deploy/*.conf")]
    for package in PACKAGES:
        paths += (ROOT / package).rglob("*.py")
    this_test = Path(__file__).resolve()  # its own examples of names that do not exist
    return "\n".join(path.read_text(encoding="utf-8") for path in paths if path != this_test)


@cache
def known_identifiers() -> frozenset[str]:
    known = set(IDENTIFIER.findall(project_sources())) | set(dir(builtins)) | ALLOWED
    for name in LIBRARIES:
        module = importlib.import_module(name)
        known |= set(dir(module))
        for value in vars(module).values():
            if inspect.isclass(value):
                known |= set(dir(value)) | _parameters(value)
    from sanic.config import DEFAULT_CONFIG

    return frozenset(known | set(DEFAULT_CONFIG))


def _parameters(cls) -> set[str]:
    names = set()
    for member in vars(cls).values():
        try:
            names |= set(inspect.signature(member).parameters)
        except (TypeError, ValueError):
            continue
    return names


@cache
def settings() -> frozenset[str]:
    from shared.settings import _PARSERS

    written = set(SETTING.findall(project_sources()))
    return frozenset(written | {f"PYADAY_{name.upper()}" for name in _PARSERS})


def path_exists(word: str, doc: Path) -> bool:
    """A path from the root or from the doc's folder; a file named alone, anywhere."""
    path = PLACEHOLDER.sub("*", word.split("::")[0].split("#")[0]).rstrip("/")
    if any(word.startswith(folder) for folder in RUNTIME_FOLDERS):
        return True
    if any(list(base.glob(path)) for base in (ROOT, doc.parent)):
        return True
    return "/" not in path and any(next((ROOT / f).rglob(path), None) for f in FOLDERS)


def project_name_exists(word: str) -> bool:
    """``shared.settings.settings_for_factory``, ``flask_app:create_app()``: imported."""
    if PLACEHOLDER.search(word):
        return True  # workshop.NAME:create_app names what an attendee makes
    module_part, _, attribute = word.partition(":")
    parts = DOTTED.match(module_part)[0].rstrip(".").split(".")
    if attribute:
        parts.append(DOTTED.match(attribute)[0])
    value = importlib.import_module(parts[0])
    for number, name in enumerate(parts[1:], start=2):
        if not hasattr(value, name):
            try:  # a submodule nothing imported yet
                importlib.import_module(".".join(parts[:number]))
            except ImportError:
                return False
        value = getattr(value, name)
    return True


def module_exists(word: str) -> bool:
    """A project module a command runs (``python -m learn.guide``); others are tools (uv, pip)."""
    if word.split(".")[0] not in PACKAGES:
        return True
    return importlib.util.find_spec(word) is not None


def missing(doc: Path) -> list[str]:
    checks = {
        "make target": lambda name: any(fnmatch.fnmatch(t, name) for t in make_targets()),
        "setting": lambda name: name in settings(),
        "module": module_exists,
        "path": lambda name: path_exists(name, doc),
        "project name": project_name_exists,
        "identifier": lambda name: name in known_identifiers(),
    }
    return [f"{kind} `{name}`" for kind, name in names_in(doc) if not checks[kind](name)]


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_name_the_docs_give_exists(doc):
    assert missing(doc) == []


def test_the_checker_finds_each_kind_of_name(tmp_path):
    doc = tmp_path / "README.md"
    doc.write_text(
        "`make test`, `make no-such-target`, `PYADAY_PORT`, `PYADAY_NO_SUCH`,"
        " `python -m learn.guide`, `python -m learn.no_such`, `flask_app/web.py`,"
        " `flask_app/no_such.py`, `shared.settings.settings_for_factory`,"
        " `shared.settings.no_such`, `sanic_app:create_app`, `read_body()`, `SqlStore`,"
        " `NoSuchStore`, `before_server_start`, `no_such_function()`, `GET`, `sqlite3`\n"
        "```sh\nmake docs  # a comment\nmake nothing-here\n```\n",
        encoding="utf-8",
    )
    assert missing(doc) == [
        "make target `no-such-target`",
        "setting `PYADAY_NO_SUCH`",
        "module `learn.no_such`",
        "path `flask_app/no_such.py`",
        "project name `shared.settings.no_such`",
        "identifier `NoSuchStore`",
        "identifier `no_such_function`",
        "make target `nothing-here`",
    ]
