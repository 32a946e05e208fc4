"""What a test session makes once and shares, across pytest-xdist's workers too.

Each worker is a process of its own, with its own session fixtures. What is costly to make
(a PostgreSQL server, a seeded database) is made by the first process that needs it, under a
file lock in a folder of the session's, and described in a JSON file there that the others
read (pytest-xdist's documented pattern). The controlling process makes the folder, hands it to its
workers, and removes what was made when the session ends (``finish``).
"""

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

WORKER_INPUT_KEY = "pyaday_session_folder"


class SessionFolder:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_config(cls, config) -> "SessionFolder":
        """The controller's folder, made at its first call; a worker's, handed to it."""
        worker_input = getattr(config, "workerinput", None)
        if worker_input is not None:
            return cls(Path(worker_input[WORKER_INPUT_KEY]))
        if not hasattr(config, "_pyaday_session_folder"):
            config._pyaday_session_folder = cls(Path(tempfile.mkdtemp(prefix="pyaday-session-")))
        return config._pyaday_session_folder

    def once(self, name: str, make: Callable[[], dict]) -> dict:
        """What ``make()`` described, made by this process unless another one already did."""
        described = self.path / f"{name}.json"
        with FileLock(self.path / f"{name}.lock"):
            if described.exists():
                return json.loads(described.read_text())
            description = make()
            described.write_text(json.dumps(description))
            return description

    def finish(self, removers: dict[str, Callable[[dict], None]]) -> None:
        """Remove what was made (``removers``: by the name it was made under, how to remove
        what that describes), then the folder: by the controlling process, at the end."""
        for name, remove in removers.items():
            described = self.path / f"{name}.json"
            if described.exists():
                remove(json.loads(described.read_text()))
        shutil.rmtree(self.path, ignore_errors=True)
