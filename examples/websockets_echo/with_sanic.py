"""A websocket in Sanic: built in, one task per connection.

Run: sanic examples.websockets_echo.with_sanic:create_app --factory
"""

from sanic import Request, Sanic, Websocket


def create_app() -> Sanic:
    app = Sanic("cookbook-websockets-echo")
    # region: route
    app.add_websocket_route(echo, "/echo")
    # endregion
    return app


# region: handler
async def echo(request: Request, ws: Websocket):
    await ws.send(f"welcome, {request.args.get('name', 'stranger')}")
    async for message in ws:  # ends when the client closes
        await ws.send(message.upper())


# endregion
