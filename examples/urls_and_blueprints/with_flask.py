"""url_for, static files and nested blueprints in Flask.

Run: flask --app examples.urls_and_blueprints.with_flask run
"""

from flask import Blueprint, Flask, jsonify, url_for


def create_app() -> Flask:
    # region: static
    # Flask serves static/ beside this module at /static/<filename> by itself.
    app = Flask(__name__)
    # endregion
    # region: blueprints
    v1 = Blueprint("v1", __name__, url_prefix="/v1")
    v1.add_url_rule("/items/<int:item_id>", view_func=show_item)
    api = Blueprint("api", __name__, url_prefix="/api")
    api.register_blueprint(v1)  # nested: its endpoints are named "api.v1.<view>"
    app.register_blueprint(api)
    # endregion
    return app


# region: url-for
def show_item(item_id: int):
    return jsonify(
        id=item_id,
        path=url_for("api.v1.show_item", item_id=item_id),
        url=url_for("api.v1.show_item", item_id=item_id, _external=True),
        stylesheet=url_for("static", filename="site.css"),
    )


# endregion
