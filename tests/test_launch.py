"""Every documented way to launch each app serves it, with the settings of ``PYADAY_*``.

The commands are the ones each framework's docs give, run from the virtual environment's own
scripts in a folder outside the project (so ``PYADAY_DATABASE_URL=sqlite:///pyaday.db`` is
relative to it). Each launch must answer ``/health`` with the configured store, then stop on
the signal a user would send (Ctrl-C for ``flask run``, SIGTERM to the main process for the
others) within the graceful timeout, its store closed: SQLite removes the write-ahead log when
the last connection closes, so a ``-wal`` file left behind means a worker never closed it.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.servers import PROJECT_ROOT, free_port, settle_sanic, started

BIN = Path(sys.executable).parent
GRACEFUL_TIMEOUT = 5

LAUNCHES = {
    "sanic --factory": ["sanic", "sanic_app:create_app", "--factory", "--port", "{port}"],
    # Auto reload and two workers in one launch: each costs seconds of start-up.
    "sanic --factory --dev --workers 2": [
        *("sanic", "sanic_app:create_app", "--factory", "--port", "{port}"),
        *("--dev", "--workers", "2"),
    ],
    "python -m sanic_app.server": ["python", "-m", "sanic_app.server"],
    "flask --app flask_app run": ["flask", "--app", "flask_app", "run", "--port", "{port}"],
    "gunicorn 'flask_app:create_app()'": [
        *("gunicorn", "flask_app:create_app()", "--bind", "127.0.0.1:{port}"),
    ],
    "gunicorn -c python:flask_app.server": ["gunicorn", "-c", "python:flask_app.server"],
}


def command_line(launch: str, port: int) -> list[str]:
    program, *args = LAUNCHES[launch]
    return [str(BIN / program), *(arg.format(port=port) for arg in args)]


def stop_signal(launch: str) -> signal.Signals:
    return signal.SIGINT if launch.startswith("flask") else signal.SIGTERM


@pytest.mark.parametrize("launch", LAUNCHES)
def test_each_documented_launch_serves_and_stops_cleanly(launch, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "PYADAY_PORT": str(port),  # read by the server.py files; the CLIs take --port
        "PYADAY_DATABASE_URL": "sqlite:///pyaday.db",
        "PYADAY_SEED_CATALOGUE": "0",  # nothing here reads the catalogue
        "PYADAY_GRACEFUL_TIMEOUT": str(GRACEFUL_TIMEOUT),
        "XDG_RUNTIME_DIR": str(tmp_path),  # plain gunicorn's control socket goes here
    }
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with started(command_line(launch, port), log, url, env=env, cwd=tmp_path) as process:
        health = httpx.get(f"{url}/health", timeout=5.0)
        assert health.json() == {"status": "ok", "store": "sqlite"}
        assert (tmp_path / "pyaday.db-wal").exists()  # open, in WAL mode
        if "sanic" in launch:
            settle_sanic(log, workers=2 if "--workers 2" in launch else 1)
        started_at = time.monotonic()
        process.send_signal(stop_signal(launch))
        try:
            process.wait(GRACEFUL_TIMEOUT + 5.0)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{launch} still running {GRACEFUL_TIMEOUT + 5.0} s after the signal")
        stopped_in = time.monotonic() - started_at
    output = log.read_text(errors="replace")
    assert process.returncode == 0, output[-3000:]
    assert stopped_in < GRACEFUL_TIMEOUT, output[-3000:]
    assert not (tmp_path / "pyaday.db-wal").exists(), "a store was not closed:\n" + output[-3000:]
