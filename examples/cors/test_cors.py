"""The same CORS answers from Flask-CORS and from sanic-ext."""

FRONTEND = "https://app.example"
PREFLIGHT = {
    "Origin": FRONTEND,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


def cors_headers(response) -> dict[str, str]:
    return {
        name.lower(): value
        for name, value in response.headers
        if name.lower().startswith("access-control-")
    }


def test_preflight_from_the_frontend(client, framework):
    response = client.options("/api/items", headers=PREFLIGHT)
    # Flask-CORS answers 200, sanic-ext 204: both are what a browser expects.
    assert response.status == (200 if framework == "flask" else 204)
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == FRONTEND
    methods = headers["access-control-allow-methods"].replace(" ", "").split(",")
    assert set(methods) == {"GET", "POST"}
    assert headers["access-control-allow-headers"].lower() == "content-type"
    assert headers["access-control-max-age"] == "600"


def test_a_request_from_the_frontend(client):
    response = client.get("/api/items", headers={"Origin": FRONTEND})
    assert response.json == {"items": ["tea", "scones"]}
    assert cors_headers(response) == {"access-control-allow-origin": FRONTEND}


def test_a_post_from_the_frontend(client):
    response = client.post("/api/items", json={"item": "jam"}, headers={"Origin": FRONTEND})
    assert response.status == 201
    assert cors_headers(response) == {"access-control-allow-origin": FRONTEND}


def test_another_origin_gets_no_cors_headers(client):
    elsewhere = {**PREFLIGHT, "Origin": "https://elsewhere.example"}
    assert cors_headers(client.options("/api/items", headers=elsewhere)) == {}
    response = client.get("/api/items", headers={"Origin": "https://elsewhere.example"})
    assert response.status == 200  # the browser, not the server, withholds the answer
    assert cors_headers(response) == {}
