"""The servers ``make bench`` starts: pyaday's two apps as deployed, the variants the
``upstream`` and ``export`` scenarios compare them with, and each framework's bare floor app.

A set-up is one command and what the report says of it. Every one serves one worker process
(``PYADAY_WORKERS``) on the address of ``PYADAY_HOST`` and ``PYADAY_PORT``.
"""

import sys
from dataclasses import dataclass

from benchmarks.servers import FLOOR_COMMANDS, SERVER_COMMANDS

GTHREADS = 32  # issue 8: the fair Flask set-up for IO
GTHREAD = ("--worker-class", "gthread", "--threads", str(GTHREADS))


@dataclass(frozen=True)
class Setup:
    name: str
    framework: str  # flask, sanic, quart or fastapi
    app: str  # "pyaday", or "floor": the framework's bare app (benchmarks/floor_*.py)
    server: str  # how it is served, in the report's words
    command: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()  # settings of this set-up only

    @property
    def label(self) -> str:
        return f"{FRAMEWORK_NAMES[self.framework]} {self.app}, {self.server}"


FRAMEWORK_NAMES = {"flask": "Flask", "sanic": "Sanic", "quart": "Quart", "fastapi": "FastAPI"}


SETUPS = {
    setup.name: setup
    for setup in (
        Setup("flask", "flask", "pyaday", "gunicorn sync worker", tuple(SERVER_COMMANDS["flask"])),
        Setup("sanic", "sanic", "pyaday", "Sanic's server", tuple(SERVER_COMMANDS["sanic"])),
        # The export scenario's "offload off": each batch encoded and compressed on the loop.
        Setup(
            "sanic-export-on-loop",
            "sanic",
            "pyaday",
            "Sanic's server, export on the loop",
            tuple(SERVER_COMMANDS["sanic"]),
            env=(("PYADAY_EXPORT_OFFLOAD", "0"),),
        ),
        Setup(
            "flask-gthread",
            "flask",
            "pyaday",
            f"gunicorn gthread worker, {GTHREADS} threads",
            (*SERVER_COMMANDS["flask"], *GTHREAD),
        ),
        Setup(
            "flask-async",
            "flask",
            "pyaday",
            "gunicorn sync worker, async def view",
            (*SERVER_COMMANDS["flask"], "benchmarks.flask_async:create_app()"),
        ),
        Setup(
            "floor-flask", "flask", "floor", "gunicorn sync worker", tuple(FLOOR_COMMANDS["flask"])
        ),
        Setup(
            "floor-flask-gthread",
            "flask",
            "floor",
            f"gunicorn gthread worker, {GTHREADS} threads",
            (*FLOOR_COMMANDS["flask"], *GTHREAD),
        ),
        Setup("floor-sanic", "sanic", "floor", "Sanic's server", tuple(FLOOR_COMMANDS["sanic"])),
        Setup(
            "floor-quart",
            "quart",
            "floor",
            "Hypercorn, uvloop",
            (sys.executable, "-m", "benchmarks.floor_quart"),
        ),
        Setup(
            "floor-fastapi",
            "fastapi",
            "floor",
            "Uvicorn, uvloop and httptools",
            (sys.executable, "-m", "benchmarks.floor_fastapi"),
        ),
    )
}
