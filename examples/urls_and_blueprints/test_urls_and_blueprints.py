"""Built URLs, a static file and routes under a blueprint prefix: the same from both apps."""

from pathlib import Path

STYLESHEET = (Path(__file__).parent / "static" / "site.css").read_bytes()


def test_urls_built_from_route_names(client):
    response = client.get("/api/v1/items/3", headers={"Host": "shop.example"})
    assert response.json == {
        "id": 3,
        "path": "/api/v1/items/3",
        "url": "http://shop.example/api/v1/items/3",
        "stylesheet": "/static/site.css",
    }


def test_the_static_file(client):
    response = client.get("/static/site.css")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.body == STYLESHEET


def test_outside_the_prefix_there_is_nothing(client):
    assert client.get("/v1/items/3").status == 404
