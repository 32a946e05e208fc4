"""Which file is whose twin: the pairs a reader diffs to learn the migration.

- ``flask_app/<file>.py`` ↔ ``sanic_app/<file>.py``: the two apps;
- ``shared/stores/<store>.py`` ↔ ``shared/stores/<store>_async.py``: each store and its twin,
  and likewise each other IO adapter of ``shared/`` (``index_client.py``);
- ``tests/test_flask_native.py`` ↔ ``tests/test_sanic_native.py``: testing, each framework's way;
- ``examples/<topic>/with_flask.py`` ↔ ``examples/<topic>/with_sanic.py``: the cookbook.

The left file is the Flask (or synchronous) one, the right file its Sanic (or async) twin.
"""

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Twin:
    group: str  # apps, io (the sync/async adapters), tests or examples
    left: Path  # relative to the project root
    right: Path

    @property
    def title(self) -> str:
        return f"{self.left} ↔ {self.right}"


def twins(root: Path = PROJECT_ROOT) -> list[Twin]:
    """Every pair present under ``root``, in reading order: apps, IO adapters, tests, examples."""
    pairs = [
        Twin("apps", path, Path("sanic_app") / path.name)
        for path in _python_files(root, "flask_app")
        if (root / "sanic_app" / path.name).exists()
    ]
    pairs += [
        Twin("io", path, path.with_name(f"{path.stem}_async.py"))
        for folder in ("shared/stores", "shared")
        for path in _python_files(root, folder)
        if (root / path.with_name(f"{path.stem}_async.py")).exists()
    ]
    native = Twin("tests", Path("tests/test_flask_native.py"), Path("tests/test_sanic_native.py"))
    pairs += [native] if (root / native.left).exists() else []
    pairs += [
        Twin("examples", path, path.with_name("with_sanic.py"))
        for path in sorted((root / "examples").glob("*/with_flask.py"))
        if path.with_name("with_sanic.py").exists()
    ]
    return [Twin(t.group, _relative(t.left, root), _relative(t.right, root)) for t in pairs]


def twin_for(left: Path, root: Path = PROJECT_ROOT) -> Twin:
    """The pair whose left file is ``left`` (a path relative to the root)."""
    for twin in twins(root):
        if twin.left == Path(left):
            return twin
    raise KeyError(f"{left} has no twin")


def _python_files(root: Path, folder: str) -> list[Path]:
    return sorted(path.relative_to(root) for path in (root / folder).glob("*.py"))


def _relative(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_absolute() else path
