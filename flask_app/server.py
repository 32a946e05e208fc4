"""gunicorn's configuration, as a deployment uses it: ``gunicorn -c python:flask_app.server``.

Host, port and worker count come from the same ``PYADAY_*`` settings as everything else.
"""

from shared.settings import (
    MAX_FIELD_LINE_BYTES,
    MAX_HEADER_FIELDS,
    MAX_REQUEST_LINE_BYTES,
    Settings,
)

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
# The request head's limits, which the Sanic app applies too (414, 431). They are gunicorn's
# defaults, so a plain `gunicorn 'flask_app:create_app()'` keeps them; written out, they stay
# tied to the shared ones.
limit_request_line = MAX_REQUEST_LINE_BYTES
limit_request_fields = MAX_HEADER_FIELDS
limit_request_field_size = MAX_FIELD_LINE_BYTES


def worker_exit(server, worker) -> None:
    """Close the worker's store and index client (their pools) as it stops, as Sanic does."""
    state = getattr(worker.wsgi, "extensions", {}).get("pyaday", {})
    for resource in ("store", "index_client"):
        if resource in state:
            state[resource].close()
