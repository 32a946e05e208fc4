"""g → request.ctx, current_app → request.app, the global request → Request.get_current()."""

import pytest
from sanic.exceptions import ServerError

from examples.context_locals import with_flask, with_sanic


def test_state_set_before_the_handler_reaches_it(client):
    response = client.get("/greet", headers={"X-Caller": "Ada"})
    assert response.status == 200
    assert response.json == {"greeting": "Hello, Ada", "seen_as": "GET /greet"}


def test_state_does_not_leak_into_the_next_request(client):
    client.get("/greet", headers={"X-Caller": "Ada"})
    assert client.get("/greet").json["greeting"] == "Hello, stranger"


def test_the_app_config_is_read_through_the_app_serving_the_request(app, client):
    app.config["GREETING"] = "Welcome"
    assert client.get("/greet").json["greeting"] == "Welcome, stranger"


@pytest.mark.parametrize(
    ("describe_request", "error"),
    [(with_flask.describe_request, RuntimeError), (with_sanic.describe_request, ServerError)],
    ids=["flask", "sanic"],
)
def test_outside_a_request_there_is_no_current_request(describe_request, error):
    # Flask: "Working outside of request context."; Sanic: "No current request" (a 500 if
    # it ever escapes into a response).
    with pytest.raises(error):
        describe_request()
