"""g, current_app and the global request, in Sanic: request.ctx, request.app, get_current().

Run: sanic examples.context_locals.with_sanic:create_app --factory
"""

from sanic import Request, Sanic, json


def create_app() -> Sanic:
    app = Sanic("cookbook-context-locals")
    app.config["GREETING"] = "Hello"
    app.on_request(identify_caller)
    app.add_route(greet, "/greet")
    return app


# region: per-request-state
async def identify_caller(request: Request) -> None:
    """Runs before every handler: what it learns about the caller lives as long as the request."""
    request.ctx.caller = request.headers.get("X-Caller", "stranger")


# endregion


# region: handler
async def greet(request: Request):
    greeting = request.app.config["GREETING"]
    return json({"greeting": f"{greeting}, {request.ctx.caller}", "seen_as": describe_request()})


# endregion


# region: deep-in-the-call-stack
def describe_request() -> str:
    """A helper far from the handler, with no request argument: it finds the request itself."""
    request = Request.get_current()
    return f"{request.method} {request.path}"


# endregion
