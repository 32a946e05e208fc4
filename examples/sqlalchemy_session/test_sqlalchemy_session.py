"""Notes in a SQLite file through SQLAlchemy: the same answers from both apps."""

import pytest


@pytest.fixture
def app_options(framework, tmp_path) -> dict:
    driver = "sqlite" if framework == "flask" else "sqlite+aiosqlite"
    return {"database_url": f"{driver}:///{tmp_path / 'notes.db'}"}


def test_add_then_read_back(client):
    created = client.post("/notes", json={"text": "buy tea"})
    assert created.status == 201
    assert created.json == {"id": 1, "text": "buy tea"}
    assert client.get("/notes/1").json == {"id": 1, "text": "buy tea"}


def test_list_in_order(client):
    for text in ("first", "second"):
        client.post("/notes", json={"text": text})
    assert client.get("/notes").json == [{"id": 1, "text": "first"}, {"id": 2, "text": "second"}]


def test_no_such_note(client):
    assert client.get("/notes/99").status == 404
