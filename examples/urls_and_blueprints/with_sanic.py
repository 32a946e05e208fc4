"""url_for, static files and blueprint groups in Sanic.

Run: sanic examples.urls_and_blueprints.with_sanic:create_app --factory
"""

from pathlib import Path

from sanic import Blueprint, Request, Sanic, json


def create_app() -> Sanic:
    # region: static
    # Sanic serves no folder until told; a relative path is taken from the current working
    # directory, not from this module.
    app = Sanic("cookbook-urls-and-blueprints")
    app.static("/static", Path(__file__).parent / "static", name="static")
    # endregion
    # region: blueprints
    v1 = Blueprint("v1", url_prefix="/v1")
    v1.add_route(show_item, "/items/<item_id:int>")
    api = Blueprint.group(
        v1, url_prefix="/api"
    )  # a group adds a prefix, not a name: "v1.<handler>"
    app.blueprint(api)
    # endregion
    return app


# region: url-for
async def show_item(request: Request, item_id: int):
    return json(
        {
            "id": item_id,
            "path": request.app.url_for("v1.show_item", item_id=item_id),
            # app.url_for(..., _external=True) needs SERVER_NAME; request.url_for takes the host
            # the request came to, as Flask's _external does.
            "url": request.url_for("v1.show_item", item_id=item_id),
            "stylesheet": request.app.url_for("static", name="static", filename="site.css"),
        }
    )


# endregion
