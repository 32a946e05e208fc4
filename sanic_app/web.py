"""Request and response helpers: where Sanic's request argument meets the shared code."""

import asyncio

from sanic import HTTPResponse, Request
from sanic.response import empty, json, raw

from shared import bodies, export
from shared.bodies import JSON_MEDIA_TYPE
from shared.codec import JsonCodec
from shared.http1 import check_head
from shared.index_client_async import AsyncIndexClient
from shared.model import Package
from shared.paths import NO_PATH, read_target
from shared.requests import octets_as_latin1, require_body_size
from shared.settings import Settings
from shared.stores import AsyncStore


# region: target-request
class TargetRequest(Request):
    """Route on the request target as ``shared.paths`` reads it, after checking the raw head.

    Sanic routes the raw path (``/%70ackages/flask`` would be no route, ``GET //`` an
    IndexError in its router), and its HTTP/1 parser lets through what gunicorn refuses (a
    NUL, ``Host : x``, a method of ``G\\xffT``): the head is held to gunicorn's rules here, as
    the request is built, so Sanic answers the problem and closes the connection. Under ASGI
    there is no raw head to check: the ASGI server parsed it.

    A target that names no path, or a path with an empty segment, routes nowhere; the error
    handler answers its problem (400 or 404). A target that names no path is built on ``/``:
    Sanic's URL parser would raise on ``host:port`` here, and again on the stand-in request
    Sanic builds to answer with, dropping the connection.
    """

    __slots__ = ("target",)

    def __init__(self, url_bytes: bytes, *args, head: bytes = b"", **kwargs):
        if head:
            check_head(head)
        self.target = read_target(url_bytes.decode("latin-1"))
        usable = self.target.path != NO_PATH
        super().__init__(url_bytes if usable else b"/", *args, head=head, **kwargs)
        if "transfer-encoding" in self.headers:
            # Sanic frames only the exact value "chunked"; the coding is case-insensitive.
            self.headers["transfer-encoding"] = "chunked"

    @property
    def path(self) -> str:
        return self.target.route


# endregion


# region: app-state
def settings(request: Request) -> Settings:
    return request.app.ctx.settings


def codec(request: Request) -> JsonCodec:
    return request.app.ctx.codec


def store(request: Request) -> AsyncStore:
    return request.app.ctx.store


def index_client(request: Request) -> AsyncIndexClient:
    return request.app.ctx.index_client


# endregion


# region: header
def header(request: Request, name: str) -> str | None:
    """A request header, its repeated lines joined with commas as RFC 9110 reads them.

    ``request.headers.get`` gives the first line only (gunicorn joins them for Flask). Sanic
    decodes header bytes as UTF-8, gunicorn as Latin-1: read them as gunicorn does, one
    character an octet, so the same bytes are the same token in both apps.
    """
    lines = [octets_as_latin1(line) for line in request.headers.getall(name, [])]
    return ", ".join(lines) if lines else None


# endregion


# region: read-body
def read_body(request: Request) -> bytes:
    """The request body, at most 64 KiB.

    Sanic's own server refuses a larger body before the handler runs (REQUEST_MAX_SIZE), but
    under ASGI the body arrives unchecked, so check its length here as well.
    """
    require_body_size(len(request.body))
    return request.body


# endregion


# region: refuse-large-body
async def refuse_large_body(request: Request) -> None:
    """Every routed request is held to 64 KiB, whatever its method: Sanic's server does it
    itself, an ASGI server does not."""
    read_body(request)


# endregion


# region: responses
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


async def off_the_loop(request: Request, encoder: export.GzipNdjson, batch: list[Package]) -> bytes:
    """The export's next chunk, made without holding the loop: the encoding (which holds the
    GIL) on the loop, a slice at a time with other requests served between slices; the
    compression (which does not) in a thread of the loop's executor. ``PYADAY_EXPORT_OFFLOAD=0``
    does all of it on the loop at once, blocking it: what the benchmark compares."""
    if not settings(request).export_offload:
        return encoder.compress(batch)
    lines = []
    for start in range(0, len(batch), export.ENCODE_SLICE):
        lines.append(encoder.encode(batch[start : start + export.ENCODE_SLICE]))
        await asyncio.sleep(0)  # the loop's other callbacks run here
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, encoder.compress_lines, b"".join(lines))


async def streamed_head(request: Request, headers: dict) -> None:
    """HEAD of a streamed route: the headers GET sends, no body, and nothing run to make one.
    ``empty()`` would say Content-Length: 0; an empty chunk sends them as a stream's, chunked
    (Sanic sends no body to a HEAD)."""
    response = await request.respond(headers=headers)
    await response.send(b"")
    await response.eof()


def empty_response(status: int, headers: dict | None = None) -> HTTPResponse:
    return empty(status, headers)


# endregion
