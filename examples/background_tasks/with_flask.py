"""Work after the response in Flask: a thread pool per worker process.

Run: gunicorn 'examples.background_tasks.with_flask:create_app()'
"""

from concurrent.futures import ThreadPoolExecutor

from flask import Flask, abort, current_app, jsonify, request

from examples.background_tasks.mail import send_welcome

WAIT_SECONDS = 10


def create_app() -> Flask:
    app = Flask(__name__)
    # region: setup
    # The pool's threads are joined when the worker process exits, so a graceful stop
    # (gunicorn's SIGTERM) still sends what was queued.
    app.extensions["mailer"] = ThreadPoolExecutor(max_workers=2)
    app.extensions["mails"] = {}  # address → Future
    # endregion
    app.add_url_rule("/welcome", view_func=queue_welcome, methods=["POST"])
    app.add_url_rule("/welcome/<address>", view_func=welcome_status)
    return app


# region: start-a-task
def queue_welcome():
    address = request.get_json()["email"]
    mailer = current_app.extensions["mailer"]
    current_app.extensions["mails"][address] = mailer.submit(send_welcome, address)
    return jsonify(queued=address), 202


# endregion


# region: find-a-task
def welcome_status(address: str):
    """Answers once the mail is sent (or after WAIT_SECONDS)."""
    future = current_app.extensions["mails"].get(address)
    if future is None:
        abort(404)
    future.result(timeout=WAIT_SECONDS)
    return jsonify(email=address, sent=True)


# endregion


# region: shutdown
# Nothing to write: see setup.
# endregion
