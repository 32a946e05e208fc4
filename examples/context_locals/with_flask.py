"""g, current_app and the global request, in Flask.

Run: flask --app examples.context_locals.with_flask run
"""

from flask import Flask, current_app, g, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["GREETING"] = "Hello"
    app.before_request(identify_caller)
    app.add_url_rule("/greet", view_func=greet)
    return app


# region: per-request-state
def identify_caller() -> None:
    """Runs before every view: what it learns about the caller lives as long as the request."""
    g.caller = request.headers.get("X-Caller", "stranger")


# endregion


# region: handler
def greet():
    greeting = current_app.config["GREETING"]
    return jsonify(greeting=f"{greeting}, {g.caller}", seen_as=describe_request())


# endregion


# region: deep-in-the-call-stack
def describe_request() -> str:
    """A helper far from the view, with no request argument: it finds the request itself."""
    return f"{request.method} {request.path}"


# endregion
