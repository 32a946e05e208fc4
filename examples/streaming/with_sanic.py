"""A streamed response in Sanic: request.respond(), then send() each piece.

Run: sanic examples.streaming.with_sanic:create_app --factory
"""

from sanic import Request, Sanic


def create_app() -> Sanic:
    app = Sanic("cookbook-streaming")
    app.add_route(countdown, "/countdown")
    return app


# region: stream
async def countdown(request: Request):
    # respond() sends the status and headers at once (the response middleware runs then, before
    # any body): an error after it can no longer change the status.
    response = await request.respond(content_type="text/plain; charset=utf-8")
    start = int(request.args.get("from", "3"))
    for number in range(start, 0, -1):
        await response.send(f"{number}\n")
    await response.send("liftoff\n")
    await response.eof()


# endregion
