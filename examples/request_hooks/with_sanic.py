"""before_request, after_request and teardown_request in Sanic: on_request and on_response.

Run: sanic examples.request_hooks.with_sanic:create_app --factory
"""

from sanic import HTTPResponse, Request, Sanic, json

from examples.request_hooks.pool import Pool


def create_app(pool: Pool | None = None) -> Sanic:
    app = Sanic("cookbook-request-hooks")
    app.config["MAINTENANCE"] = False
    app.ctx.pool = pool or Pool()
    # region: registration
    # on_request middleware runs in the order registered, on_response middleware in reverse.
    # Sanic has no teardown: the middleware registered first on the response side runs last.
    app.on_response(return_connection)
    app.on_request(borrow_connection)
    app.on_request(refuse_during_maintenance)
    app.on_response(send_trace)
    app.on_response(forbid_caching)
    # endregion
    app.add_route(work, "/work")
    app.add_route(fail, "/fail")
    return app


# region: before
async def borrow_connection(request: Request) -> None:
    request.ctx.trace = ["before-1"]
    request.ctx.connection = request.app.ctx.pool.acquire()


async def refuse_during_maintenance(request: Request):
    request.ctx.trace.append("before-2")
    if request.app.config["MAINTENANCE"]:
        # Returning a response skips the later request middleware and the handler; the
        # response middleware still runs.
        return json({"detail": "down for maintenance"}, status=503)
    return None


# endregion


async def work(request: Request):
    request.ctx.trace.append("handler")
    return json({"connection": request.ctx.connection})


async def fail(request: Request):
    request.ctx.trace.append("handler")
    raise RuntimeError("the handler failed")


# region: after
async def send_trace(request: Request, response: HTTPResponse) -> None:
    request.ctx.trace.append("after-1")
    response.headers["X-Trace"] = ",".join(request.ctx.trace)
    # No return: returning a response from on_response middleware replaces the response and
    # skips the response middleware still to run (here return_connection).


async def forbid_caching(request: Request, response: HTTPResponse) -> None:
    request.ctx.trace.append("after-2")
    response.headers["Cache-Control"] = "no-store"


# endregion


# region: teardown
async def return_connection(request: Request, response: HTTPResponse) -> None:
    """Runs last on the response side; Sanic turns a failing handler into a response first."""
    if hasattr(request.ctx, "connection"):
        request.app.ctx.pool.release(request.ctx.connection)


# endregion
