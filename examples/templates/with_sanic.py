"""Templates in Sanic: Jinja through sanic-ext, the same template files.

Run: sanic examples.templates.with_sanic:create_app --factory
"""

from pathlib import Path

from sanic import Request, Sanic
from sanic_ext import render


def create_app() -> Sanic:
    # region: setup
    # sanic-ext attaches itself when installed (AUTO_EXTEND) and looks in templates/ under the
    # current working directory, not beside this module: say where.
    app = Sanic("cookbook-templates")
    app.config.TEMPLATING_PATH_TO_TEMPLATES = Path(__file__).parent / "templates"
    # endregion
    app.add_route(greet, "/hello")
    return app


# region: render
async def greet(request: Request):
    name = request.args.get("name", "world")
    # app= matters: without it render() looks the app up by name, and fails when the process
    # holds more than one Sanic app.
    return await render("greeting.html", context={"name": name}, app=request.app)


# endregion
