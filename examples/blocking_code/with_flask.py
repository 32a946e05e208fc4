"""Calling blocking and CPU-heavy code from Flask: just call it.

Each gunicorn worker (process or thread) serves one request at a time, so a call that blocks
holds up only its own request.

Run: flask --app examples.blocking_code.with_flask run
"""

from flask import Flask, jsonify, request

from examples.blocking_code.legacy import fetch_rate, hash_password


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/rates/<currency>", view_func=rate)
    app.add_url_rule("/password-hashes", view_func=password_hash, methods=["POST"])
    return app


# region: blocking-library
def rate(currency: str):
    return jsonify(currency=currency, rate=fetch_rate(currency))


# endregion


# region: cpu-heavy
def password_hash():
    password = request.get_json()["password"]
    return jsonify(hash=hash_password(password))


# endregion
