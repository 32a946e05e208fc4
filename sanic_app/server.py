"""Sanic's own server, as a deployment runs it: ``python -m sanic_app.server [--dev]``.

Host, port and worker count come from the same ``PYADAY_*`` settings as everything else.
``--dev`` turns on auto reload and debug logging.
"""

import sys

from sanic import Sanic
from sanic.worker.loader import AppLoader

from sanic_app import create_app
from shared.settings import Settings

settings = Settings.from_env()

# region: launch
# The loader lets each worker process build its own app with the factory.
loader = AppLoader(factory=create_app)
run_config = {
    "host": settings.host,
    "port": settings.port,
    "workers": settings.workers,
    # No access log: at thousands of requests a second it would measure the log, not the app.
    "access_log": False,
    "motd": False,
}


def main(argv: list[str]) -> None:
    app = loader.load()
    app.prepare(**run_config, dev="--dev" in argv)
    Sanic.serve(primary=app, app_loader=loader)


# endregion


if __name__ == "__main__":
    main(sys.argv[1:])
