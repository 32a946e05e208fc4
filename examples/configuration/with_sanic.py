"""Configuration in Sanic: defaults and COOKBOOK_* environment variables in one Config.

Run: COOKBOOK_PAGE_SIZE=50 sanic examples.configuration.with_sanic:create_app --factory
"""

from sanic import Request, Sanic, json
from sanic.config import Config

BODY_LIMIT = 1_000_000


def create_app() -> Sanic:
    # region: from-environment
    # Sanic reads the environment while it creates the config (SANIC_* unless env_prefix says
    # otherwise), so defaults go in first: set after, they would override the environment.
    # Values are tried as int, float, then bool: "50" → 50, "true" and "yes" → True,
    # "1" → 1, "[1, 2]" stays a string.
    config = Config(defaults={"PAGE_SIZE": 20, "SEARCH": False}, env_prefix="COOKBOOK_")
    app = Sanic("cookbook-configuration", config=config)
    # endregion
    # region: silent-defaults
    # Sanic caps a request body at 100 MB by default (REQUEST_MAX_SIZE), and holds it in memory.
    app.config["REQUEST_MAX_SIZE"] = BODY_LIMIT
    # endregion
    # region: auto-extend
    # Installed sanic-ext attaches itself at start-up, adding OPTIONS and HEAD routes, CORS
    # and /docs. Off, app.extend() raises "Sanic Extensions is not installed" (it is):
    # sanic_ext.Extend(app) still works, when you want it after all.
    app.config["AUTO_EXTEND"] = False
    # endregion
    app.add_route(show_settings, "/settings")
    app.add_route(upload, "/uploads", methods=["POST"])
    return app


async def show_settings(request: Request):
    config = request.app.config
    return json(
        {
            "page_size": config["PAGE_SIZE"],
            "search": config["SEARCH"],
            "body_limit": config["REQUEST_MAX_SIZE"],
        }
    )


async def upload(request: Request):
    return json({"received": len(request.body)})
