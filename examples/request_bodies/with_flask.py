"""Parsed request bodies in Flask: get_json(), form and files.

Run: flask --app examples.request_bodies.with_flask run
"""

import hashlib

from flask import Flask, abort, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/notes", view_func=add_note, methods=["POST"])
    app.add_url_rule("/signups", view_func=sign_up, methods=["POST"])
    app.add_url_rule("/uploads", view_func=upload, methods=["POST"])
    return app


# region: json
def add_note():
    # 415 unless the body is declared JSON, 400 if it is empty or not JSON.
    note = request.get_json()
    return jsonify(title=note["title"]), 201


# endregion


# region: form
def sign_up():
    name = request.form.get("name")
    tags = request.form.getlist("tag")
    return jsonify(name=name, tags=tags)


# endregion


# region: files
def upload():
    upload = request.files.get("upload")
    if upload is None:
        abort(400)
    body = upload.read()  # Werkzeug spools a large upload to a temporary file
    return jsonify(
        filename=upload.filename,
        content_type=upload.mimetype,
        sha256=hashlib.sha256(body).hexdigest(),
    )


# endregion
