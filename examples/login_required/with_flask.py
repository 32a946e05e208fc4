"""Logged-in users in Flask: Flask-Login's request_loader, current_user, @login_required.

Run: flask --app examples.login_required.with_flask run
"""

from flask import Flask, jsonify
from flask_login import LoginManager, current_user, login_required

from examples.login_required.users import user_for


def create_app() -> Flask:
    app = Flask(__name__)
    # region: setup
    login_manager = LoginManager(app)
    login_manager.request_loader(load_user)
    # endregion
    app.add_url_rule("/me", view_func=me)
    app.add_url_rule("/hello", view_func=hello)
    return app


# region: load-the-user
def load_user(request):
    return user_for(request.headers.get("Authorization"))


# endregion


# region: login-required
# Flask-Login's @login_required answers 401 (or redirects to login_view, when set).
# endregion


# region: handlers
@login_required
def me():
    return jsonify(id=current_user.id, name=current_user.name)


def hello():
    # Flask-Login's current_user is an AnonymousUserMixin when nobody is logged in.
    name = current_user.name if current_user.is_authenticated else "stranger"
    return jsonify(greeting=f"Hello, {name}")


# endregion
