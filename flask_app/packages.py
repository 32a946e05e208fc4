"""The routes of API.md. Each handler parses (shared), calls the store, and responds."""

from flask import Blueprint, request

from flask_app.auth import curator_only
from flask_app.web import (
    codec,
    empty_response,
    header,
    index_client,
    json_response,
    package_response,
    raw_json_response,
    store,
    stream_response,
    streamed_head,
)
from shared import bodies, export, releases, routes, writes
from shared.conditional import if_none_match_hits
from shared.model import normalize_name, package_from_body
from shared.picks import daily_number, random_draw, utc_today
from shared.problems import empty_catalogue, no_such_package
from shared.query import parse_daily_date, parse_page_query
from shared.requests import MERGE_PATCH_OR_JSON, parse_json_write

FRAMEWORK = "flask"

# region: blueprint
blueprint = Blueprint("packages", __name__)


# endregion


# region: route-index
@blueprint.get(routes.INDEX)
def index():
    return json_response(bodies.index_body(FRAMEWORK))


# endregion


# region: route-health
@blueprint.get(routes.HEALTH)
def health():
    store().ping()
    return json_response(bodies.health_body(store().kind))


# endregion


# region: route-openapi
@blueprint.get(routes.OPENAPI)
def openapi():
    return json_response(bodies.openapi_document())


# endregion


# region: route-list
@blueprint.get(routes.PACKAGES)
def list_packages():
    query = parse_page_query(request.query_string)
    packages, total = store().search(query)
    return json_response(bodies.page_body(packages, query, total))


# endregion


# region: route-create
@blueprint.post(routes.PACKAGES)
@curator_only
def create_package(body: bytes):
    fields = parse_json_write(codec(), header("Content-Type"), body)
    package = store().create(package_from_body(fields))
    return package_response(package, 201)


# endregion


# region: route-get
@blueprint.get(routes.PACKAGE)
def get_package(name: str):
    key = normalize_name(name)
    package = store().get(key)
    if package is None:
        raise no_such_package(key)
    payload, etag = bodies.package_representation(codec(), package)
    if if_none_match_hits(header("If-None-Match"), etag):
        return empty_response(304, {"ETag": etag})
    return raw_json_response(payload, headers={"ETag": etag})


# endregion


# region: route-replace
@blueprint.put(routes.PACKAGE)
@curator_only
def replace_package(body: bytes, name: str):
    fields = parse_json_write(codec(), header("Content-Type"), body)
    change = writes.replace_with(codec(), fields, header("If-Match"))
    return package_response(store().update(normalize_name(name), change))


# endregion


# region: route-patch
@blueprint.patch(routes.PACKAGE)
@curator_only
def patch_package(body: bytes, name: str):
    content_type = header("Content-Type")
    patch = parse_json_write(codec(), content_type, body, MERGE_PATCH_OR_JSON)
    change = writes.patch_with(codec(), patch, header("If-Match"))
    return package_response(store().update(normalize_name(name), change))


# endregion


# region: route-delete
@blueprint.delete(routes.PACKAGE)
@curator_only
def delete_package(body: bytes, name: str):
    check = writes.delete_if_match(codec(), header("If-Match"))
    store().delete(normalize_name(name), check)
    return empty_response(204)


# endregion


# region: route-rand
@blueprint.get(routes.RANDOM)
def random_package():
    package = store().pick_random(random_draw())
    if package is None:
        raise empty_catalogue()
    return json_response(package.to_dict(), headers=bodies.RANDOM_CACHE_CONTROL)


# endregion


# region: route-daily
@blueprint.get(routes.DAILY)
def daily_package():
    day = parse_daily_date(request.query_string) or utc_today()
    package = store().pick_by_name_order(daily_number(day))
    if package is None:
        raise empty_catalogue()
    return json_response(package.to_dict(), headers=bodies.daily_cache_headers())


# endregion


# region: route-releases
@blueprint.get(routes.PACKAGE_RELEASES)
def package_releases(name: str):
    key = normalize_name(name)
    # Only a package of this catalogue is worth a question to the index.
    if store().get(key) is None:
        raise no_such_package(key)
    body = index_client().releases(key)
    return json_response(body, headers=releases.CACHE_HEADERS)


# endregion


# region: route-export
@blueprint.get(routes.EXPORT)
def export_catalogue():
    if request.method == "HEAD":  # Flask runs the GET view for HEAD: stop before the export
        return streamed_head(export.HEADERS)
    encoder = export.GzipNdjson(codec())
    batches = store().export_batches()
    # The first batch, here in the view, takes the snapshot: a store that fails answers 503,
    # where a failure once the response streams could only cut it short.
    first = next(batches, None)

    # Runs as the server sends the response, after the view has returned; it needs nothing
    # of the request, so no stream_with_context.
    def chunks(batch):
        while batch is not None:
            yield encoder.compress(batch)
            batch = next(batches, None)
        yield encoder.finish()

    # The server closes the response at its end, or when the client goes away: closing
    # ``batches`` then ends the snapshot.
    return stream_response(chunks(first), export.HEADERS, on_close=batches.close)


# endregion
