"""Request and response helpers: where Flask's request globals meet the shared code."""

from collections.abc import Callable, Iterator
from urllib.parse import quote, unquote

from flask import Request, Response, current_app, g, jsonify, request
from gunicorn.http.errors import ParseException
from werkzeug.routing import UnicodeConverter

from shared import bodies
from shared.bodies import JSON_MEDIA_TYPE
from shared.codec import JsonCodec
from shared.http1 import check_message
from shared.index_client import IndexClient
from shared.model import Package
from shared.paths import read_target
from shared.problems import BadRequest, PayloadTooLarge
from shared.requests import require_body_size
from shared.settings import MAX_BODY_BYTES, Settings
from shared.stores import Store


# region: target-request
class TargetRequest(Request):
    """Route on the request target as the client sent it, read by ``shared.paths``.

    A WSGI server hands Flask a decoded ``PATH_INFO``: ``%2F`` has become a separator there,
    so ``/packages%2Fname`` would reach ``/packages/<name>``, and Werkzeug drops leading
    slashes (``//`` is ``/``). gunicorn and Werkzeug keep the raw target in ``RAW_URI``; the
    normalized path goes into ``PATH_INFO`` before Flask matches a route (``<name>`` is
    decoded by the app's converter, once).
    """

    def __init__(self, environ, *args, **kwargs):
        # A server without RAW_URI or REQUEST_URI leaves only the decoded path to read.
        decoded = quote((environ.get("PATH_INFO") or "/").encode("latin-1"), safe="/")
        self.target = read_target(environ.get("RAW_URI") or environ.get("REQUEST_URI") or decoded)
        # A target that names no path, or holds an empty segment, routes nowhere; the error
        # handler answers its problem (400 or 404).
        environ["PATH_INFO"] = self.target.route
        super().__init__(environ, *args, **kwargs)


# endregion


class DecodedSegmentConverter(UnicodeConverter):
    """``<name>`` decoded once: Flask routes the still-encoded path of ``TargetRequest``,
    where Sanic's routes take ``unquote=True``."""

    def to_python(self, value: str) -> str:
        return unquote(value)


# region: app-state
def settings() -> Settings:
    return current_app.extensions["pyaday"]["settings"]


def codec() -> JsonCodec:
    return current_app.extensions["pyaday"]["codec"]


def store() -> Store:
    return current_app.extensions["pyaday"]["store"]


def index_client() -> IndexClient:
    return current_app.extensions["pyaday"]["index_client"]


# endregion


# region: header
def header(name: str) -> str | None:
    """A request header, its repeated lines joined with commas as RFC 9110 reads them.

    A WSGI environ holds one value a header: gunicorn, Werkzeug's server and its test client
    join repeated lines with commas before Flask sees them, so ``getlist`` would give one.
    """
    return request.headers.get(name)


# endregion


# region: read-body
def read_body() -> bytes:
    """The request body, at most 64 KiB, read once per request.

    Werkzeug raises 413 only when the body is read and silently cuts a chunked body at the
    limit, so check Content-Length first and read one byte past the limit to catch the rest.
    The server de-chunks while Flask reads: a malformed chunk raises there, as gunicorn's
    ParseException or, under Werkzeug's server, an OSError. Either is the client's 400.
    """
    if "body" not in g:
        require_body_size(request.content_length)
        try:
            body = request.stream.read(MAX_BODY_BYTES + 1)
        except (ParseException, OSError):
            raise BadRequest("The chunked body is malformed (a chunk size or its CRLF).") from None
        if len(body) > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        g.body = body
    return g.body


# endregion


def refuse_malformed_head() -> None:
    """What gunicorn lets through and Sanic's server refuses (``shared.http1``).

    Flask sees the fields gunicorn parsed, not the raw head, so their size is summed up as
    ``Name: value`` lines (repeated lines arrive joined).
    """
    environ = request.environ
    protocol = environ.get("SERVER_PROTOCOL", "")
    head_size = len(f"{request.method} {environ.get('RAW_URI', '')} {protocol}")
    for name, value in environ.items():
        if name.startswith("HTTP_"):  # HTTP_X_NAME is the line "X-Name: value" CRLF, less 1
            head_size += len(name) - 1 + len(value)
        elif name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            head_size += len(name) + 4 + len(value)
    check_message(protocol, environ.get("HTTP_TRANSFER_ENCODING"), head_size)


# region: refuse-large-body
def refuse_large_body() -> None:
    """Every routed request is held to 64 KiB, whatever its method, as Sanic's server holds
    it; a request that matched no route gets its 404 or 405 first."""
    environ = request.environ
    has_body = environ.get("CONTENT_LENGTH") or "HTTP_TRANSFER_ENCODING" in environ
    if has_body and request.routing_exception is None:
        read_body()


# endregion


# region: responses
def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


# endregion


def raw_json_response(body: bytes, status: int = 200, headers: dict | None = None) -> Response:
    return Response(body, status, headers, content_type=JSON_MEDIA_TYPE)


def package_response(package: Package, status: int = 200) -> Response:
    """A package with its strong ETag (and, for a 201, where it now lives)."""
    payload, etag = bodies.package_representation(codec(), package)
    return raw_json_response(payload, status, bodies.package_headers(package, etag, status))


def stream_response(
    chunks: Iterator[bytes], headers: dict, on_close: Callable[[], None]
) -> Response:
    """A body sent as ``chunks`` yields it, without a Content-Length (chunked), and
    ``on_close`` run when the server closes the response: at its end, or when the client goes
    away (WSGI servers close every response, PEP 3333)."""
    response = Response(chunks, headers=headers)
    response.call_on_close(on_close)
    return response


def streamed_head(headers: dict) -> Response:
    """HEAD of a streamed route: the headers GET sends (no Content-Length), no body, and
    nothing run to make one."""
    return Response(iter(()), headers=headers)


def empty_response(status: int, headers: dict | None = None) -> Response:
    # A bare Flask Response is text/html; a 204 or 304 carries no body, so no type either.
    response = Response(status=status, headers=headers)
    del response.headers["Content-Type"]
    return response
