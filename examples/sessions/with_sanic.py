"""A session in a signed cookie, in Sanic: middleware and itsdangerous, as Flask does it.

Sanic has no sessions. These few lines keep Flask's cookie format, so a session started
before the cut-over from Flask stays valid after it.

Run: sanic examples.sessions.with_sanic:create_app --factory
"""

import hashlib
from contextlib import suppress
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sanic import HTTPResponse, Request, Sanic, json

COOKIE = "session"
LIFETIME = timedelta(days=31)  # Flask's PERMANENT_SESSION_LIFETIME, which also caps the age


def create_app(secret_key: str = "dev-only-secret") -> Sanic:
    app = Sanic("cookbook-sessions")
    app.ctx.sessions = session_serializer(secret_key)
    # region: cookie-settings
    # Sanic's add_cookie defaults to Secure and SameSite=Lax, not HttpOnly: see save_session.
    app.on_request(open_session)
    app.on_response(save_session)
    # endregion
    app.add_route(add_to_cart, "/cart/<item>", methods=["POST"])
    app.add_route(show_cart, "/cart")
    return app


# region: signed-cookie-session
def session_serializer(secret_key: str) -> URLSafeTimedSerializer:
    """Flask's session signer: the same salt, key derivation and digest."""
    return URLSafeTimedSerializer(
        secret_key,
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )


async def open_session(request: Request) -> None:
    request.ctx.session = {}
    cookie = request.cookies.get(COOKIE)
    # A forged cookie, one signed with another key or one too old: start afresh, as Flask does.
    with suppress(BadSignature):
        if cookie:
            sessions = request.app.ctx.sessions
            request.ctx.session = sessions.loads(cookie, max_age=LIFETIME.total_seconds())
    request.ctx.session_at_start = dict(request.ctx.session)


async def save_session(request: Request, response: HTTPResponse) -> None:
    session = getattr(request.ctx, "session", None)
    if session is None or session == request.ctx.session_at_start:
        return
    value = request.app.ctx.sessions.dumps(session)
    response.add_cookie(COOKIE, value, httponly=True, secure=True, samesite="Lax")


# endregion


# region: handlers
async def add_to_cart(request: Request, item: str):
    session = request.ctx.session
    session["cart"] = [*session.get("cart", []), item]
    return json({"cart": session["cart"]})


async def show_cart(request: Request):
    return json({"cart": request.ctx.session.get("cart", [])})


# endregion
