"""A session in a signed cookie, in Flask: session and SECRET_KEY.

Run: flask --app examples.sessions.with_flask run
"""

from flask import Flask, jsonify, session


def create_app(secret_key: str = "dev-only-secret") -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secret_key
    # region: cookie-settings
    # Flask's defaults are HttpOnly, not Secure, no SameSite; ask for both.
    app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="Lax")
    # endregion
    app.add_url_rule("/cart/<item>", view_func=add_to_cart, methods=["POST"])
    app.add_url_rule("/cart", view_func=show_cart)
    return app


# region: signed-cookie-session
# Flask signs the session into a cookie itself (SecureCookieSessionInterface, itsdangerous).
# endregion


# region: handlers
def add_to_cart(item: str):
    session["cart"] = [*session.get("cart", []), item]
    return jsonify(cart=session["cart"])


def show_cart():
    return jsonify(cart=session.get("cart", []))


# endregion
