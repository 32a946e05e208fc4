"""A streamed response in Flask: a generator, wrapped in stream_with_context.

Run: flask --app examples.streaming.with_flask run
"""

from flask import Flask, Response, request, stream_with_context


def create_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/countdown", view_func=countdown)
    return app


# region: stream
def countdown():
    # stream_with_context keeps the request alive while the generator runs, after the view
    # has returned; without it, request.args below raises "Working outside of request context".
    @stream_with_context
    def lines():
        start = int(request.args.get("from", "3"))
        for number in range(start, 0, -1):
            yield f"{number}\n"
        yield "liftoff\n"

    return Response(lines(), content_type="text/plain; charset=utf-8")


# endregion
