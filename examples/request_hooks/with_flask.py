"""before_request, after_request and teardown_request in Flask: their order, returning early.

Run: flask --app examples.request_hooks.with_flask run
"""

from flask import Flask, current_app, g, jsonify

from examples.request_hooks.pool import Pool


def create_app(pool: Pool | None = None) -> Flask:
    app = Flask(__name__)
    app.config["MAINTENANCE"] = False
    app.extensions["pool"] = pool or Pool()
    # region: registration
    # before_request hooks run in the order registered, after_request hooks in reverse.
    app.before_request(borrow_connection)
    app.before_request(refuse_during_maintenance)
    app.after_request(send_trace)
    app.after_request(forbid_caching)
    app.teardown_request(return_connection)
    # endregion
    app.add_url_rule("/work", view_func=work)
    app.add_url_rule("/fail", view_func=fail)
    return app


# region: before
def borrow_connection() -> None:
    g.trace = ["before-1"]
    g.connection = current_app.extensions["pool"].acquire()


def refuse_during_maintenance():
    g.trace.append("before-2")
    if current_app.config["MAINTENANCE"]:
        # Returning a response skips the later before hooks and the view; after hooks still run.
        return jsonify(detail="down for maintenance"), 503
    return None


# endregion


def work():
    g.trace.append("handler")
    return jsonify(connection=g.connection)


def fail():
    g.trace.append("handler")
    raise RuntimeError("the handler failed")


# region: after
def send_trace(response):
    g.trace.append("after-1")
    response.headers["X-Trace"] = ",".join(g.trace)
    return response  # an after_request hook must return the response


def forbid_caching(response):
    g.trace.append("after-2")
    response.headers["Cache-Control"] = "no-store"
    return response


# endregion


# region: teardown
def return_connection(error: BaseException | None) -> None:
    """Runs last, after the response is made, even when the view raised."""
    if "connection" in g:
        current_app.extensions["pool"].release(g.connection)


# endregion
