"""Request and response helpers: where Sanic's request argument meets the shared code."""

from sanic import HTTPResponse, Request
from sanic.response import empty, json, raw

from shared import bodies
from shared.bodies import JSON_MEDIA_TYPE
from shared.codec import JsonCodec
from shared.index_client_async import AsyncIndexClient
from shared.model import Package
from shared.requests import require_body_size
from shared.settings import Settings
from shared.stores import AsyncStore


def settings(request: Request) -> Settings:
    return request.app.ctx.settings


def codec(request: Request) -> JsonCodec:
    return request.app.ctx.codec


def store(request: Request) -> AsyncStore:
    return request.app.ctx.store


def index_client(request: Request) -> AsyncIndexClient:
    return request.app.ctx.index_client


def header(request: Request, name: str) -> str | None:
    """A request header, its repeated lines joined with commas as RFC 9110 reads them.

    ``request.headers.get`` gives the first line only (gunicorn joins them for Flask).
    """
    lines = request.headers.getall(name, [])
    return ", ".join(lines) if lines else None


def read_body(request: Request) -> bytes:
    """The request body, at most 64 KiB.

    Sanic's own server refuses a larger body before the handler runs (REQUEST_MAX_SIZE), but
    under ASGI the body arrives unchecked, so check its length here as well.
    """
    require_body_size(len(request.body))
    return request.body


def json_response(body, status: int = 200, headers: dict | None = None) -> HTTPResponse:
    return json(body, status, headers)


def raw_json_response(body: bytes, status: int = 200, headers: dict | None = None) -> HTTPResponse:
    return raw(body, status, headers, content_type=JSON_MEDIA_TYPE)


def package_response(request: Request, package: Package, status: int = 200) -> HTTPResponse:
    """A package with its strong ETag (and, for a 201, where it now lives)."""
    payload, etag = bodies.package_representation(codec(request), package)
    return raw_json_response(payload, status, bodies.package_headers(package, etag, status))


def empty_response(status: int, headers: dict | None = None) -> HTTPResponse:
    return empty(status, headers)
