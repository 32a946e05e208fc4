"""gunicorn's configuration, as a deployment uses it: ``gunicorn -c python:flask_app.server``.

Host, port and worker count come from the same ``PYADAY_*`` settings as everything else.
"""

from shared.settings import Settings

settings = Settings.from_env()

wsgi_app = "flask_app:create_app()"
bind = f"{settings.host}:{settings.port}"
workers = settings.workers
# Sync workers: one request at a time per process, no keep-alive. The classic deployment the
# talk measured; the benchmark report says so beside every Flask figure.
worker_class = "sync"
# No access log: at thousands of requests a second it would measure the log, not the app.
accesslog = None
# gunicorn 25+ opens a control socket at one fixed path per user; several servers side by side
# (tests, benchmarks) would fight over it, and nothing here uses it.
control_socket_disable = True
errorlog = "-"
loglevel = "info"


def worker_exit(server, worker) -> None:
    """Close the worker's store and index client (their pools) as it stops, as Sanic does."""
    state = getattr(worker.wsgi, "extensions", {}).get("pyaday", {})
    for resource in ("store", "index_client"):
        if resource in state:
            state[resource].close()
