"""Request and response helpers: where Sanic's request argument meets the shared code."""

from sanic import HTTPResponse, Request
from sanic.response import empty, json, raw

from shared import bodies
from shared.bodies import JSON_MEDIA_TYPE
from shared.codec import JsonCodec
from shared.http1 import check_head
from shared.model import Package
from shared.paths import NO_PATH, read_target
from shared.requests import octets_as_latin1, require_body_size
from shared.settings import Settings
from shared.stores import AsyncStore


class TargetRequest(Request):
    """Route on the request target as ``shared.paths`` reads it: Sanic routes the raw path,
    so ``/%70ackages/flask`` would be no route and ``GET //`` an IndexError in its router.

    A target that names no path at all (``host:port``, ``*``, a control character) would make
    Sanic's URL parser raise while it builds the request, and again while it builds a stand-in
    to answer the error with, dropping the connection: such a request is built on ``/`` and
    refused before routing (``refuse_bad_target``).
    """

    __slots__ = ("target",)

    def __init__(self, url_bytes: bytes, *args, **kwargs):
        self.target = read_target(url_bytes.decode("latin-1"))
        super().__init__(b"/" if self.target.path == NO_PATH else url_bytes, *args, **kwargs)

    @property
    def path(self) -> str:
        return self.target.path


def settings(request: Request) -> Settings:
    return request.app.ctx.settings


def codec(request: Request) -> JsonCodec:
    return request.app.ctx.codec


def store(request: Request) -> AsyncStore:
    return request.app.ctx.store


def header(request: Request, name: str) -> str | None:
    """A request header, its repeated lines joined with commas as RFC 9110 reads them.

    ``request.headers.get`` gives the first line only (gunicorn joins them for Flask). Sanic
    decodes header bytes as UTF-8, gunicorn as Latin-1: read them as gunicorn does, one
    character an octet, so the same bytes are the same token in both apps.
    """
    lines = [octets_as_latin1(line) for line in request.headers.getall(name, [])]
    return ", ".join(lines) if lines else None


def read_body(request: Request) -> bytes:
    """The request body, at most 64 KiB.

    Sanic's own server refuses a larger body before the handler runs (REQUEST_MAX_SIZE), but
    under ASGI the body arrives unchecked, so check its length here as well.
    """
    require_body_size(len(request.body))
    return request.body


async def refuse_malformed_head(request: Request) -> None:
    """Hold the raw head to the rules gunicorn applies (``shared.http1``): Sanic's own parser
    lets a NUL, ``Host : x`` or a method of ``G\\xffT`` through. Raised here, as the head is
    read, Sanic answers and closes the connection. Under ASGI there is no raw head: the ASGI
    server parsed it.
    """
    if request.head:
        check_head(request.head)
        if "transfer-encoding" in request.headers:
            # Sanic frames only the exact value "chunked"; the coding is case-insensitive.
            request.headers["transfer-encoding"] = "chunked"


async def refuse_bad_target(request: Request) -> None:
    """A target that names no path (400) or a path with an empty segment (404): before
    routing, as no route could match it."""
    if request.target.problem is not None:
        raise request.target.problem


async def refuse_large_body(request: Request) -> None:
    """Every routed request is held to 64 KiB, whatever its method: Sanic's server does it
    itself, an ASGI server does not."""
    read_body(request)


def json_response(
    request: Request, body, status: int = 200, headers: dict | None = None
) -> HTTPResponse:
    # dumps= on each response: Sanic(dumps=...) would set one codec for every app in the process.
    return json(body, status, headers, dumps=codec(request).dumps)


def raw_json_response(body: bytes, status: int = 200, headers: dict | None = None) -> HTTPResponse:
    return raw(body, status, headers, content_type=JSON_MEDIA_TYPE)


def package_response(request: Request, package: Package, status: int = 200) -> HTTPResponse:
    """A package with its strong ETag (and, for a 201, where it now lives)."""
    payload, etag = bodies.package_representation(codec(request), package)
    return raw_json_response(payload, status, bodies.package_headers(package, etag, status))


def empty_response(status: int, headers: dict | None = None) -> HTTPResponse:
    return empty(status, headers)
