"""Start the production servers (gunicorn for Flask, Sanic's own) and stop them for sure.

Used by the benchmark runner and by the live-server tests, so both run exactly what a
deployment runs: the committed ``server.py`` of each app.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("flask", "sanic")
SERVER_COMMANDS = {
    "flask": [sys.executable, "-m", "gunicorn", "-c", "python:flask_app.server"],
    "sanic": [sys.executable, "-m", "sanic_app.server"],
}
# The bare apps the benchmark compares pyaday against, served by the same server configs.
FLOOR_COMMANDS = {
    "flask": [*SERVER_COMMANDS["flask"], "benchmarks.floor_flask:app"],
    "sanic": [sys.executable, "-m", "benchmarks.floor_sanic"],
}


# Sanic's manager polls its workers' start-up acknowledgements every 0.1 s; a SIGTERM that lands
# before it has seen them all (a worker acknowledges just before it serves) waits out its 30 s
# start-up threshold (Sanic 25.12, WorkerManager.wait_for_ack). Nothing outside shows when it
# has: a test that stops Sanic soon after start waits for each worker's "Worker ready" line,
# then this long.
SANIC_ACK_SETTLE_S = 0.3


@dataclass(frozen=True)
class RunningServer:
    framework: str
    url: str
    process: subprocess.Popen
    log_path: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(
    framework: str, cpus: Sequence[int] | None = None, floor: bool = False
) -> list[str]:
    return pinned((FLOOR_COMMANDS if floor else SERVER_COMMANDS)[framework], cpus)


def pinned(command: Sequence[str], cpus: Sequence[int] | None) -> list[str]:
    """``command`` run on ``cpus`` only (all of them when None)."""
    if cpus:
        return ["taskset", "-c", ",".join(map(str, cpus)), *command]
    return list(command)


def wait_until_healthy(
    url: str, process: subprocess.Popen, timeout: float, log_path: Path | None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(errors="replace")[-4000:] if log_path else "(on the terminal)"
            raise RuntimeError(f"the server exited with {process.returncode}; its log:\n{log}")
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"no healthy answer from {url}/health within {timeout:.0f} s; log: {log_path}"
    )


def settle_sanic(log_path: Path, workers: int, timeout: float = 30.0) -> None:
    """Return once every Sanic worker is ready and its manager has seen it (see above)."""
    deadline = time.monotonic() + timeout
    while log_path.read_text(errors="replace").count("Worker ready") < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"fewer than {workers} Sanic workers ready; log: {log_path}")
        time.sleep(0.05)
    time.sleep(SANIC_ACK_SETTLE_S)


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM to the whole process group (master and workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def running_server(
    framework: str,
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
    cpus: Sequence[int] | None = None,
    port: int | None = None,
    startup_timeout: float = 30.0,
    floor: bool = False,
    command: Sequence[str] | None = None,
) -> Iterator[RunningServer]:
    """Run one framework's production server on a free local port until the block ends.

    ``floor=True`` serves the framework's bare floor app (``benchmarks/floor_*.py``) instead;
    ``command`` any other server that reads the ``PYADAY_*`` settings (``benchmarks/setups.py``).
    """
    port = port or free_port()
    server_env = {
        **os.environ,
        **(env or {}),
        "PYADAY_HOST": "127.0.0.1",
        "PYADAY_PORT": str(port),
        "PYADAY_WORKERS": str(workers),
    }
    url = f"http://127.0.0.1:{port}"
    command = pinned(command, cpus) if command else server_command(framework, cpus, floor)
    with started(
        command, log_path, url, env=server_env, startup_timeout=startup_timeout
    ) as process:
        yield RunningServer(framework, url, process, log_path)


@contextmanager
def running_index(
    log_path: Path,
    *,
    delay_ms: int = 0,
    cpus: Sequence[int] | None = None,
    port: int | None = None,
    startup_timeout: float = 30.0,
) -> Iterator[str]:
    """Run the local package index (``benchmarks/index.py``) until the block ends: its URL."""
    port = port or free_port()
    index = [sys.executable, "-m", "benchmarks.index", "--port", str(port)]
    command = pinned([*index, "--delay-ms", str(delay_ms)], cpus)
    url = f"http://127.0.0.1:{port}"
    with started(command, log_path, url, env=os.environ, startup_timeout=startup_timeout):
        yield url


@contextmanager
def started(
    command: Sequence[str],
    log_path: Path | None,
    url: str,
    *,
    env: Mapping[str, str],
    cwd: Path = PROJECT_ROOT,
    startup_timeout: float = 30.0,
) -> Iterator[subprocess.Popen]:
    """Run any server command until the block ends, once ``url`` answers ``/health``.

    Its output goes to ``log_path`` (None: this process's terminal); it runs in a process group
    of its own, so that ``stop()`` reaches every process it started, even after an error.
    """
    if log_path is None:
        process = _spawn(command, cwd, env, output=None)
    else:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log:
            process = _spawn(command, cwd, env, output=log)
    try:
        wait_until_healthy(url, process, startup_timeout, log_path)
        yield process
    finally:
        stop(process)


def _spawn(command, cwd, env, output) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
        start_new_session=True,
        preexec_fn=_interruptible,
    )


def _interruptible() -> None:
    """In the child: Ctrl-C (SIGINT) stops it as on a terminal, even where this process was
    started ignoring SIGINT, as a shell's background job is, which its children inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
