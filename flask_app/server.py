"""gunicorn's configuration, as a deployment uses it: ``gunicorn -c python:flask_app.server``.

Host, port and worker count come from the same ``PYADAY_*`` settings as everything else.
In production, put nginx in front (``deploy/nginx.conf``, ``make run-flask``): a sync worker
serves one connection at a time, so a few clients sending slowly would hold every worker.
"""

import errno

from gunicorn.workers.sync import SyncWorker

from shared.settings import (
    MAX_FIELD_LINE_BYTES,
    MAX_HEADER_FIELDS,
    MAX_REQUEST_LINE_BYTES,
    Settings,
)

settings = Settings.from_env()


class DrainingSyncWorker(SyncWorker):
    """gunicorn's sync worker, which serves the connections already queued before it exits.

    On SIGTERM the sync worker finishes its request and exits, and the kernel resets every
    connection still waiting in the listen backlog, requests already sent (gunicorn issue
    #3397). This one accepts until the backlog is empty, then closes the socket, so a
    connection is either served or refused at connect time. The master kills it after
    ``graceful_timeout`` all the same.
    """

    def run(self) -> None:
        super().run()  # returns once SIGTERM has stopped the accept loop
        for listener in self.sockets:
            self.drain(listener)
            listener.close()

    def drain(self, listener) -> None:
        while True:
            try:
                self.accept(listener)
            except OSError as error:
                if error.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                    return
                if error.errno != errno.ECONNABORTED:
                    raise


# region: launch
wsgi_app = "flask_app:create_app()"
bind = f"{settings.host}:{settings.port}"
workers = settings.workers
# Sync workers: one request at a time per process, no keep-alive. The classic deployment the
# talk measured; the benchmark report says so beside every Flask figure.
worker_class = DrainingSyncWorker
# Seconds a worker may spend on one request before the master kills it: the same as Sanic's
# RESPONSE_TIMEOUT (sanic_app/__init__.py).
timeout = 30
# Seconds the requests in flight get to finish after SIGTERM (Sanic: GRACEFUL_SHUTDOWN_TIMEOUT).
graceful_timeout = settings.graceful_timeout
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


# endregion
