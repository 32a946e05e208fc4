"""Templates in Flask: render_template, with Jinja built in.

Run: flask --app examples.templates.with_flask run
"""

from flask import Flask, render_template, request


def create_app() -> Flask:
    # region: setup
    # Flask looks in templates/ beside this module.
    app = Flask(__name__)
    # endregion
    app.add_url_rule("/hello", view_func=greet)
    return app


# region: render
def greet():
    name = request.args.get("name", "world")
    return render_template("greeting.html", name=name)


# endregion
