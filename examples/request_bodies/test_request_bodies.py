"""JSON, form and multipart bodies: the same answers from both apps, the same refusals."""

import hashlib

import pytest

from examples.request_bodies import with_sanic

JSON = {"Content-Type": "application/json"}


def test_json(client):
    response = client.post("/notes", json={"title": "migrate"})
    assert response.status == 201
    assert response.json == {"title": "migrate"}


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b'{"title": "x"}', {"Content-Type": "text/plain"}, 415),
        (b'{"title": "x"}', {}, 415),
        (b'{"title": ', JSON, 400),
        (b"", JSON, 400),
        (b'{"title": "x"}', {"Content-Type": "application/vnd.notes+json"}, 201),
    ],
)
def test_what_counts_as_json(client, body, headers, status):
    assert client.post("/notes", content=body, headers=headers).status == status


def test_form_fields_and_repeated_fields(client):
    response = client.post("/signups", data={"name": "Ada", "tag": ["math", "engines"]})
    assert response.json == {"name": "Ada", "tags": ["math", "engines"]}


def test_a_json_body_is_no_form(client):
    assert client.post("/signups", json={"name": "Ada"}).json == {"name": None, "tags": []}


def test_file_upload(client):
    body = b"first line\nsecond line\n"
    files = {"upload": ("notes.txt", body, "text/plain")}
    response = client.post("/uploads", data={"comment": "mine"}, files=files)
    assert response.json == {
        "filename": "notes.txt",
        "content_type": "text/plain",
        "sha256": hashlib.sha256(body).hexdigest(),
    }


def test_no_file(client):
    assert client.post("/uploads", data={"comment": "mine"}).status == 400


async def test_sanic_form_item_is_a_list():
    app = with_sanic.create_app()
    try:
        request, _response = await app.asgi_client.post("/signups", data={"name": "Ada"})
    finally:
        app.unregister_app(app)
    assert request.form["name"] == ["Ada"]
    assert request.form.get("name") == "Ada"
