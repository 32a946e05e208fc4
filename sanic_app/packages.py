"""The routes of API.md. Each handler parses (shared), awaits the store, and responds."""

from contextlib import aclosing

from sanic import Blueprint, Request

from sanic_app.auth import curator_only
from sanic_app.web import (
    codec,
    empty_response,
    header,
    index_client,
    json_response,
    off_the_loop,
    package_response,
    raw_json_response,
    store,
    streamed_head,
)
from shared import bodies, export, releases, routes, writes
from shared.conditional import if_none_match_hits
from shared.model import normalize_name, package_from_body
from shared.picks import daily_number, random_draw, utc_today
from shared.problems import empty_catalogue, no_such_package
from shared.query import parse_daily_date, parse_page_query
from shared.requests import MERGE_PATCH_OR_JSON, parse_json_write

FRAMEWORK = "sanic"

# region: blueprint
# Sanic serves "/packages/" too unless told otherwise, and adds no HEAD route by itself.
blueprint = Blueprint("packages", strict_slashes=True)
GET = ["GET", "HEAD"]


# endregion


# region: route-index
@blueprint.route(routes.INDEX, methods=GET)
async def index(request: Request):
    return json_response(request, bodies.index_body(FRAMEWORK))


# endregion


# region: route-health
@blueprint.route(routes.HEALTH, methods=GET)
async def health(request: Request):
    await store(request).ping()
    return json_response(request, bodies.health_body(store(request).kind))


# endregion


# region: route-openapi
@blueprint.route(routes.OPENAPI, methods=GET)
async def openapi(request: Request):
    return json_response(request, bodies.openapi_document())


# endregion


# region: route-list
@blueprint.route(routes.PACKAGES, methods=GET)
async def list_packages(request: Request):
    query = parse_page_query(request.query_string)
    packages, total = await store(request).search(query)
    return json_response(request, bodies.page_body(packages, query, total))


# endregion


# region: route-create
@blueprint.post(routes.PACKAGES)
@curator_only
async def create_package(request: Request, body: bytes):
    fields = parse_json_write(codec(request), header(request, "Content-Type"), body)
    package = await store(request).create(package_from_body(fields))
    return package_response(request, package, 201)


# endregion


# region: route-get
# unquote=True: Sanic hands route parameters over still percent-encoded otherwise.
@blueprint.route(routes.PACKAGE, methods=GET, unquote=True)
async def get_package(request: Request, name: str):
    key = normalize_name(name)
    package = await store(request).get(key)
    if package is None:
        raise no_such_package(key)
    payload, etag = bodies.package_representation(codec(request), package)
    if if_none_match_hits(header(request, "If-None-Match"), etag):
        return empty_response(304, {"ETag": etag})
    return raw_json_response(payload, headers={"ETag": etag})


# endregion


# region: route-replace
@blueprint.put(routes.PACKAGE, unquote=True)
@curator_only
async def replace_package(request: Request, body: bytes, name: str):
    fields = parse_json_write(codec(request), header(request, "Content-Type"), body)
    change = writes.replace_with(codec(request), fields, header(request, "If-Match"))
    return package_response(request, await store(request).update(normalize_name(name), change))


# endregion


# region: route-patch
@blueprint.patch(routes.PACKAGE, unquote=True)
@curator_only
async def patch_package(request: Request, body: bytes, name: str):
    content_type = header(request, "Content-Type")
    patch = parse_json_write(codec(request), content_type, body, MERGE_PATCH_OR_JSON)
    change = writes.patch_with(codec(request), patch, header(request, "If-Match"))
    return package_response(request, await store(request).update(normalize_name(name), change))


# endregion


# region: route-delete
@blueprint.delete(routes.PACKAGE, unquote=True)
@curator_only
async def delete_package(request: Request, body: bytes, name: str):
    check = writes.delete_if_match(codec(request), header(request, "If-Match"))
    await store(request).delete(normalize_name(name), check)
    return empty_response(204)


# endregion


# region: route-rand
@blueprint.route(routes.RANDOM, methods=GET)
async def random_package(request: Request):
    package = await store(request).pick_random(random_draw())
    if package is None:
        raise empty_catalogue()
    return json_response(request, package.to_dict(), headers=bodies.RANDOM_CACHE_CONTROL)


# endregion


# region: route-daily
@blueprint.route(routes.DAILY, methods=GET)
async def daily_package(request: Request):
    day = parse_daily_date(request.query_string) or utc_today()
    package = await store(request).pick_by_name_order(daily_number(day))
    if package is None:
        raise empty_catalogue()
    return json_response(request, package.to_dict(), headers=bodies.daily_cache_headers())


# endregion


# region: route-releases
@blueprint.route(routes.PACKAGE_RELEASES, methods=GET, unquote=True)
async def package_releases(request: Request, name: str):
    key = normalize_name(name)
    # Only a package of this catalogue is worth a question to the index.
    if await store(request).get(key) is None:
        raise no_such_package(key)
    body = await index_client(request).releases(key)
    return json_response(request, body, headers=releases.CACHE_HEADERS)


# endregion


# region: route-export
@blueprint.route(routes.EXPORT, methods=GET)
async def export_catalogue(request: Request):
    if request.method == "HEAD":  # the headers alone: the export does not start
        return await streamed_head(request, export.HEADERS)
    encoder = export.GzipNdjson(codec(request))
    # Closing ``batches`` ends the snapshot: at the end, or when the client goes away (Sanic
    # cancels the handler, and the cancellation comes out of an await below).
    async with aclosing(store(request).export_batches()) as batches:
        # The first batch, before the headers go out, takes the snapshot: a store that fails
        # answers 503, where a failure once the response streams could only cut it short.
        batch = await anext(batches, None)
        response = await request.respond(headers=export.HEADERS)
        while batch is not None:
            # 13 ms of CPU a batch: at once, on the loop, they would hold up every other
            # request of this worker meanwhile.
            await response.send(await off_the_loop(request, encoder, batch))
            batch = await anext(batches, None)
    await response.send(encoder.finish())
    await response.eof()


# endregion
