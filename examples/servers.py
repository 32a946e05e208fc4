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
    return [sys.executable, "-m", "sanic", f"{module}:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--no-motd"]  # fmt: skip


# What each server logs when a stop begins, and when its worker has finished stopping.
# The sanic CLI (25.12) sometimes let a SIGTERM that came soon after start-up go unnoticed, and
# its main process sometimes kept running, busy, after its worker completed: a stop sends
# SIGTERM again only while no stop has begun, and waits for the worker, not the process.
STOP_BEGINS = {"flask": "Handling signal: term", "sanic": "Received signal SIGTERM"}
WORKER_DONE = {"flask": "Shutting down: Master", "sanic": "Worker complete"}


@dataclass
class RunningServer:
    framework: str
    url: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> str:
        """SIGTERM, as a supervisor sends; answer everything the server printed.

        Once the worker is done (or after STOP_SECONDS), whatever is left of the server's
        process group (it leads one of its own) is killed, so nothing outlives the test.
        """
        deadline = time.monotonic() + STOP_SECONDS
        signalled = 0.0
        while self.process.poll() is None and time.monotonic() < deadline:
            output = self.output()
            if WORKER_DONE[self.framework] in output:
                break
            if STOP_BEGINS[self.framework] not in output and time.monotonic() - signalled > 1:
                self.process.send_signal(signal.SIGTERM)
                signalled = time.monotonic()
            time.sleep(0.05)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return self.output()

    def output(self) -> str:
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
    server = RunningServer(framework, f"127.0.0.1:{port}", process, log_path)
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
