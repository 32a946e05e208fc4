"""Real servers for the few cookbook tests that an in-process client cannot run.

Each is started with the command its framework's docs give (gunicorn for Flask, the sanic
CLI for Sanic), on a free port, and stopped for sure, within bounded waits.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60  # a bound, not a wait: a loaded machine starts slowly
STOP_SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command(framework: str, module: str, port: int) -> list[str]:
    """``module`` holds ``create_app()``: ``examples.<topic>.with_<framework>``."""
    if framework == "flask":
        # Threads, so that one worker serves a websocket and other requests at once.
        return [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                "--threads", "4", f"{module}:create_app()"]  # fmt: skip
    # One process: the worker behaves the same, and there is no process manager, slower to
    # start, whose main process here sometimes did not exit after SIGTERM (its worker had).
    return [sys.executable, "-m", "sanic", f"{module}:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--no-motd",
            "--single-process"]  # fmt: skip


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> str:
        """Stop the server as a supervisor does (SIGTERM); answer everything it printed.

        Then whatever is left of its process group (it leads one of its own) is killed: a
        server that did not stop in time, or a worker that outlived its server.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_SECONDS)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running(framework: str, module: str, log_path: Path) -> Iterator[RunningServer]:
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command(framework, module, port),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = RunningServer(f"127.0.0.1:{port}", process, log_path)
    try:
        wait_until_listening(server, port)
        yield server
    finally:
        server.stop()


def wait_until_listening(server: RunningServer, port: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited at start:\n{server.stop()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not listen within {START_SECONDS} s:\n{server.stop()}")
