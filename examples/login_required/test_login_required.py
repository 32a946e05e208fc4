"""A route for logged-in users only, and one for anyone: the same answers from both apps."""

import pytest

ADA = {"Authorization": "Bearer token-of-ada"}


def test_a_logged_in_user(client):
    response = client.get("/me", headers=ADA)
    assert response.status == 200
    assert response.json == {"id": "1", "name": "Ada"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer no-such-token"}, {"Authorization": "Basic token-of-ada"}],
    ids=["none", "unknown", "not-bearer"],
)
def test_nobody_logged_in_is_401(client, headers):
    assert client.get("/me", headers=headers).status == 401


def test_a_route_for_anyone_sees_who_is_there(client):
    assert client.get("/hello", headers=ADA).json == {"greeting": "Hello, Ada"}
    assert client.get("/hello").json == {"greeting": "Hello, stranger"}
