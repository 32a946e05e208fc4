"""Parsed request bodies in Sanic: request.json, request.form and request.files.

Run: sanic examples.request_bodies.with_sanic:create_app --factory
"""

import hashlib

from sanic import Request, Sanic, json
from sanic.exceptions import BadRequest, SanicException


def create_app() -> Sanic:
    app = Sanic("cookbook-request-bodies")
    app.add_route(add_note, "/notes", methods=["POST"])
    app.add_route(sign_up, "/signups", methods=["POST"])
    app.add_route(upload, "/uploads", methods=["POST"])
    return app


# region: json
async def add_note(request: Request):
    note = json_body(request)
    return json({"title": note["title"]}, status=201)


def json_body(request: Request):
    """What Flask's get_json() checks and Sanic's request.json does not.

    request.json parses any body whatever its Content-Type, and is None for an empty one.
    """
    mimetype = request.content_type.partition(";")[0].strip().lower()
    json_suffix = mimetype.startswith("application/") and mimetype.endswith("+json")
    if mimetype != "application/json" and not json_suffix:
        raise SanicException("The body is not declared as JSON.", status_code=415)
    if request.json is None:  # a malformed body raised BadRequest already
        raise BadRequest("The body is empty.")
    return request.json


# endregion


# region: form
async def sign_up(request: Request):
    # The same calls as Werkzeug's; but request.form["name"] would be a list here: ["Ada"].
    name = request.form.get("name")
    tags = request.form.getlist("tag")
    return json({"name": name, "tags": tags})


# endregion


# region: files
async def upload(request: Request):
    upload = request.files.get("upload")
    if upload is None:
        raise BadRequest("No file named upload.")
    body = upload.body  # Sanic holds the whole request body in memory (up to REQUEST_MAX_SIZE)
    return json(
        {
            "filename": upload.name,
            "content_type": upload.type,
            "sha256": hashlib.sha256(body).hexdigest(),
        }
    )


# endregion
