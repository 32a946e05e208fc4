"""Cross-origin requests in Flask: Flask-CORS.

Run: flask --app examples.cors.with_flask run
"""

from flask import Flask, jsonify, request
from flask_cors import CORS

FRONTEND = "https://app.example"


def create_app() -> Flask:
    app = Flask(__name__)
    # region: cors
    CORS(
        app,
        origins=[FRONTEND],
        methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    # endregion
    app.add_url_rule("/api/items", view_func=list_items)
    app.add_url_rule("/api/items", view_func=add_item, methods=["POST"])
    return app


def list_items():
    return jsonify(items=["tea", "scones"])


def add_item():
    return jsonify(added=request.get_json()["item"]), 201
