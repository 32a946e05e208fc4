"""A cart kept in a signed session cookie: the same cookie from both apps, valid in either."""

from http.cookies import SimpleCookie

import pytest

from examples.clients import serving
from examples.sessions import with_flask, with_sanic


def session_cookie(response) -> str:
    """The session cookie a response sets, as a Cookie request header."""
    cookie = SimpleCookie(response.headers["Set-Cookie"])
    return f"session={cookie['session'].value}"


def attributes(response) -> set[str]:
    """Set-Cookie's attributes, without the value: {"httponly", "path=/", ...}."""
    parts = response.headers["Set-Cookie"].split(";")[1:]
    return {part.strip().lower() for part in parts}


def test_the_session_lives_in_the_cookie(client):
    first = client.post("/cart/tea")
    assert first.json == {"cart": ["tea"]}
    second = client.post("/cart/scones", headers={"Cookie": session_cookie(first)})
    assert second.json == {"cart": ["tea", "scones"]}
    shown = client.get("/cart", headers={"Cookie": session_cookie(second)})
    assert shown.json == {"cart": ["tea", "scones"]}
    assert "Set-Cookie" not in shown.headers  # nothing changed, nothing sent


def test_the_cookie_is_httponly_secure_and_samesite(client):
    assert attributes(client.post("/cart/tea")) == {"httponly", "secure", "samesite=lax", "path=/"}


def tampered(cookie: str) -> str:
    """The cookie with a character of its signature changed.

    Not the last one: its low bits are base64 padding, so some changes there decode to the same
    signature (a test that failed 1 run in 16).
    """
    changed = "A" if cookie[-5] != "A" else "B"
    return cookie[:-5] + changed + cookie[-4:]


def test_a_forged_cookie_is_an_empty_session(client):
    cookie = session_cookie(client.post("/cart/tea"))
    assert client.get("/cart", headers={"Cookie": tampered(cookie)}).json == {"cart": []}
    assert client.get("/cart", headers={"Cookie": "session=garbage"}).json == {"cart": []}


def test_another_key_is_an_empty_session(client, framework):
    module = with_flask if framework == "flask" else with_sanic
    with serving(module, secret_key="another-secret") as other:
        cookie = session_cookie(other.post("/cart/tea"))
    assert client.get("/cart", headers={"Cookie": cookie}).json == {"cart": []}


@pytest.mark.parametrize(("before", "after"), [(with_flask, with_sanic), (with_sanic, with_flask)])
def test_sessions_survive_the_cut_over(before, after):
    """A cookie signed by one app is read by the other: users stay logged in across the switch."""
    with serving(before) as old, serving(after) as new:
        cookie = session_cookie(old.post("/cart/tea"))
        response = new.post("/cart/scones", headers={"Cookie": cookie})
        assert response.json == {"cart": ["tea", "scones"]}
        back = old.get("/cart", headers={"Cookie": session_cookie(response)})
        assert back.json == {"cart": ["tea", "scones"]}
