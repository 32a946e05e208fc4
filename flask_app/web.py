"""Request and response helpers: where Flask's request globals meet the shared code."""

from flask import Response, current_app, jsonify, request

from shared import bodies
from shared.bodies import JSON_MEDIA_TYPE
from shared.codec import JsonCodec
from shared.index_client import IndexClient
from shared.model import Package
from shared.problems import PayloadTooLarge
from shared.requests import require_body_size
from shared.settings import MAX_BODY_BYTES, Settings
from shared.stores import Store


def settings() -> Settings:
    return current_app.extensions["pyaday"]["settings"]


def codec() -> JsonCodec:
    return current_app.extensions["pyaday"]["codec"]


def store() -> Store:
    return current_app.extensions["pyaday"]["store"]


def index_client() -> IndexClient:
    return current_app.extensions["pyaday"]["index_client"]


def header(name: str) -> str | None:
    """A request header, its repeated lines joined with commas as RFC 9110 reads them."""
    lines = request.headers.getlist(name)
    return ", ".join(lines) if lines else None


def read_body() -> bytes:
    """The request body, at most 64 KiB.

    Werkzeug raises 413 only when the body is read and silently cuts a chunked body at the
    limit, so check Content-Length first and read one byte past the limit to catch the rest.
    """
    require_body_size(request.content_length)
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    return body


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def raw_json_response(body: bytes, status: int = 200, headers: dict | None = None) -> Response:
    return Response(body, status, headers, content_type=JSON_MEDIA_TYPE)


def package_response(package: Package, status: int = 200) -> Response:
    """A package with its strong ETag (and, for a 201, where it now lives)."""
    payload, etag = bodies.package_representation(codec(), package)
    return raw_json_response(payload, status, bodies.package_headers(package, etag, status))


def empty_response(status: int, headers: dict | None = None) -> Response:
    # A bare Flask Response is text/html; a 204 or 304 carries no body, so no type either.
    response = Response(status=status, headers=headers)
    del response.headers["Content-Type"]
    return response
