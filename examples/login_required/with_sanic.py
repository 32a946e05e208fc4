"""Logged-in users in Sanic: middleware puts the user on request.ctx, a decorator checks it.

Run: sanic examples.login_required.with_sanic:create_app --factory
"""

from functools import wraps

from sanic import Request, Sanic, json
from sanic.exceptions import Unauthorized

from examples.login_required.users import user_for


def create_app() -> Sanic:
    app = Sanic("cookbook-login-required")
    # region: setup
    app.on_request(load_user)
    # endregion
    app.add_route(me, "/me")
    app.add_route(hello, "/hello")
    return app


# region: load-the-user
async def load_user(request: Request) -> None:
    request.ctx.user = user_for(request.headers.get("Authorization"))


# endregion


# region: login-required
def login_required(handler):
    """Answer 401 unless load_user found a user; the handler then reads request.ctx.user."""

    @wraps(handler)  # keeps the handler's name, which is its route's name
    async def checked(request: Request, *args, **kwargs):
        if request.ctx.user is None:
            raise Unauthorized("Log in first.")
        return await handler(request, *args, **kwargs)

    return checked


# endregion


# region: handlers
@login_required
async def me(request: Request):
    return json({"id": request.ctx.user.id, "name": request.ctx.user.name})


async def hello(request: Request):
    user = request.ctx.user
    name = user.name if user else "stranger"
    return json({"greeting": f"Hello, {name}"})


# endregion
