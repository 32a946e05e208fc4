"""The conditions a result holds under, recorded beside it: versions, machine, pins, servers."""

import os
import platform
from importlib import metadata

from gunicorn.workers.sync import SyncWorker
from sanic.config import DEFAULT_CONFIG as SANIC_DEFAULTS

from benchmarks.setups import SETUPS
from flask_app import server as flask_server
from shared.settings import Settings

PACKAGES = (
    *("flask", "werkzeug", "gunicorn", "sanic", "locust", "simplejson", "psycopg", "httpx"),
    *("asgiref", "quart", "hypercorn", "fastapi", "starlette", "uvicorn", "uvloop"),
)


def cpu_model() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def server_conditions(workers: int) -> dict:
    # flask_app/server.py's DrainingSyncWorker is gunicorn's sync worker, changed at shutdown only.
    sync = issubclass(flask_server.worker_class, SyncWorker)
    return {
        "flask": {
            "server": f"gunicorn {metadata.version('gunicorn')}",
            "config": "flask_app/server.py",
            "worker_class": "sync" if sync else flask_server.worker_class.__name__,
            "workers": workers,
            # gunicorn's sync workers close the connection after every response.
            "keep_alive": not sync,
        },
        "sanic": {
            "server": f"sanic {metadata.version('sanic')}",
            "config": "sanic_app/server.py",
            "workers": workers,
            "keep_alive": SANIC_DEFAULTS["KEEP_ALIVE"],
        },
    }


def collect(options, ab_version: str | None) -> dict:
    """Everything a reader needs to judge or repeat the run."""
    settings = Settings.from_env()
    return {
        "python": platform.python_version(),
        "packages": {name: metadata.version(name) for name in PACKAGES},
        "ab": ab_version,
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "server_cpus": options.server_cpus,
        "loadgen_cpus": options.loadgen_cpus,
        "users": options.users,
        "duration_s": options.duration,
        "warmup_s": options.warmup,
        "ab_duration_s": options.ab_duration,
        "locust_processes": options.processes,
        "stores": list(options.stores),
        "catalogue_sizes": list(options.sizes),
        "json_codec": settings.json_codec,
        "servers": server_conditions(options.workers),
        "setups": {name: setup.label for name, setup in SETUPS.items()},
        "client_keep_alive": {"locust": True, "ab -k": True, "ab": False},
    }
