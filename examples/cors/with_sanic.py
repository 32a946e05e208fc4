"""Cross-origin requests in Sanic: sanic-ext's CORS, which is modelled on Flask-CORS.

Run: sanic examples.cors.with_sanic:create_app --factory
"""

from sanic import Request, Sanic, json

FRONTEND = "https://app.example"


def create_app() -> Sanic:
    app = Sanic("cookbook-cors")
    # region: cors
    # Read by sanic-ext, which attaches itself when installed (AUTO_EXTEND) and answers the
    # preflight OPTIONS requests itself. @sanic_ext.cors(...) sets them for one route.
    app.config.update(
        CORS_ORIGINS=FRONTEND,
        CORS_METHODS="GET,POST",
        CORS_ALLOW_HEADERS="Content-Type",
        CORS_MAX_AGE=600,
    )
    # endregion
    app.add_route(list_items, "/api/items")
    app.add_route(add_item, "/api/items", methods=["POST"])
    return app


async def list_items(request: Request):
    return json({"items": ["tea", "scones"]})


async def add_item(request: Request):
    return json({"added": request.json["item"]}, status=201)
