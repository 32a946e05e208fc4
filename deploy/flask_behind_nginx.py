"""The Flask app as deployed: gunicorn's sync workers behind nginx (``make run-flask``).

``python -m deploy.flask_behind_nginx`` starts gunicorn with ``flask_app/server.py`` on a free
port of 127.0.0.1, and nginx with ``deploy/nginx.conf`` on ``PYADAY_HOST:PYADAY_PORT``, and stops
both on Ctrl-C or SIGTERM. The other settings are the ``PYADAY_*`` variables, as always.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.servers import PROJECT_ROOT, SERVER_COMMANDS, free_port, started
from benchmarks.system import find_or_install
from shared.settings import Settings

NGINX_CONF = Path(__file__).with_name("nginx.conf")
NGINX_MISSING_HELP = (
    "nginx is not installed. Install it (`sudo apt-get install nginx` on Debian or Ubuntu, "
    "`brew install nginx` on macOS), or run gunicorn alone with `make run-gunicorn`, which is "
    "not safe against slow clients."
)


@dataclass(frozen=True)
class Deployment:
    url: str
    gunicorn: subprocess.Popen
    nginx: subprocess.Popen


def find_nginx() -> str | None:
    """nginx on PATH or in /usr/sbin; as root on Debian or Ubuntu, installed first if missing."""
    return find_or_install("nginx", "nginx")


def render_config(listen: str, gunicorn: str) -> str:
    return NGINX_CONF.read_text().replace("@LISTEN@", listen).replace("@GUNICORN@", gunicorn)


@contextmanager
def flask_behind_nginx(
    runtime_dir: Path, env: Mapping[str, str], log_dir: Path | None = None
) -> Iterator[Deployment]:
    """gunicorn and nginx until the block ends, nginx on ``PYADAY_HOST:PYADAY_PORT``.

    nginx's files go to ``runtime_dir``; the output of both to ``log_dir`` (None: the terminal).
    """
    nginx = find_nginx()
    if nginx is None:
        raise RuntimeError(NGINX_MISSING_HELP)
    settings = Settings.from_env(env)
    public = f"{settings.host}:{settings.port}"
    gunicorn_port = free_port()
    runtime_dir.mkdir(parents=True, exist_ok=True)
    (runtime_dir / "tmp").mkdir(exist_ok=True)
    config = runtime_dir / "nginx.conf"
    config.write_text(render_config(public, f"127.0.0.1:{gunicorn_port}"))
    nginx_command = [nginx, "-p", str(runtime_dir), "-c", str(config), "-g", "daemon off;"]
    if os.geteuid() == 0:
        # Started by root, nginx hands its workers to `nobody`, who may not enter the runtime
        # folder (a 0700 temporary folder, say); keep them as the user who started it, as
        # nginx does for anyone else.
        nginx_command[-1] += " user root;"
    gunicorn_env = {**env, "PYADAY_HOST": "127.0.0.1", "PYADAY_PORT": str(gunicorn_port)}

    def log(name: str) -> Path | None:
        return log_dir / f"{name}.log" if log_dir else None

    with (
        started(
            SERVER_COMMANDS["flask"],
            log("gunicorn"),
            f"http://127.0.0.1:{gunicorn_port}",
            env=gunicorn_env,
        ) as gunicorn,
        started(nginx_command, log("nginx"), f"http://{public}", env=env) as proxy,
    ):
        yield Deployment(f"http://{public}", gunicorn, proxy)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runtime-dir",
        type=Path,
        default=PROJECT_ROOT / "var" / "nginx",
        help="where nginx keeps its configuration, pid and temporary files (default: var/nginx)",
    )
    options = parser.parse_args(argv)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        with flask_behind_nginx(options.runtime_dir.resolve(), os.environ) as deployment:
            print(f"pyaday (Flask) on {deployment.url}: nginx in front of gunicorn", flush=True)
            while not stopping.wait(0.5):
                if deployment.gunicorn.poll() is not None or deployment.nginx.poll() is not None:
                    print("gunicorn or nginx exited: stopping", file=sys.stderr)
                    return 1
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
