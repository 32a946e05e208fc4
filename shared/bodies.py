"""Response bodies and headers both apps send, built once."""

import json
from functools import cache
from pathlib import Path

from shared import __version__
from shared.codec import JsonCodec
from shared.conditional import etag_for
from shared.model import Package
from shared.picks import seconds_until_utc_midnight
from shared.query import PageQuery

JSON_MEDIA_TYPE = "application/json"

OPENAPI_FILE = Path(__file__).parent / "openapi.json"
RANDOM_CACHE_CONTROL = {"Cache-Control": "no-store"}


def index_body(framework: str) -> dict:
    return {"app": "pyaday", "framework": framework, "version": __version__}


def health_body(store_kind: str) -> dict:
    return {"status": "ok", "store": store_kind}


def page_body(packages: list[Package], query: PageQuery, total: int) -> dict:
    return {
        "items": [package.to_dict() for package in packages],
        "page": query.page,
        "per_page": query.per_page,
        "total": total,
    }


def package_representation(codec: JsonCodec, package: Package) -> tuple[bytes, str]:
    """The package's JSON body and the strong ETag computed from exactly those bytes."""
    body = codec.dumps(package.to_dict()).encode("utf-8")
    return body, etag_for(body)


def package_etag(codec: JsonCodec, package: Package) -> str:
    return package_representation(codec, package)[1]


def package_headers(package: Package, etag: str, status: int) -> dict[str, str]:
    """Every package response carries its ETag; a 201 also says where the package lives."""
    if status == 201:
        return {"Location": f"/packages/{package.normalized_name}", "ETag": etag}
    return {"ETag": etag}


def daily_cache_headers() -> dict[str, str]:
    return {"Cache-Control": f"public, max-age={seconds_until_utc_midnight()}"}


@cache
@cache
def openapi_document() -> dict:
    """The contract in machine-readable form (OpenAPI 3.1), served at ``/openapi.json``.

    Read once per process: reading and parsing the file on every request held Sanic's event
    loop for over 10 ms under the loop guard (``tests/test_loop_guard.py``)."""
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
