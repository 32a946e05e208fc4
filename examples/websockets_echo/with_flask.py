"""A websocket in Flask: Flask-Sock, one thread per connection.

Run: gunicorn --threads 4 'examples.websockets_echo.with_flask:create_app()'
(each open websocket holds a thread: give gunicorn as many as connections you expect)
"""

from flask import Flask, request
from flask_sock import Sock


def create_app() -> Flask:
    app = Flask(__name__)
    # region: route
    Sock(app).route("/echo")(echo)
    # endregion
    return app


# region: handler
def echo(ws):
    ws.send(f"welcome, {request.args.get('name', 'stranger')}")
    while True:
        message = ws.receive()  # blocks this thread; raises ConnectionClosed when the client goes
        ws.send(message.upper())


# endregion
