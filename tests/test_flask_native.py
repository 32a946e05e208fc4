"""Testing the Flask app the Flask way: ``app.test_client()``, synchronous.

Twin of ``test_sanic_native.py``: read the two side by side to see how testing changes.
"""

import gzip
import json

import pytest
from flask import abort

from flask_app import create_app
from shared.codec import CODECS
from shared.settings import Settings

TOKEN = "native-test-token"
CURATOR = {"Authorization": f"Bearer {TOKEN}"}
NEW_PACKAGE = {"name": "Native_Pkg", "version": "1.0", "summary": "made by a native test"}


# region: fixtures
@pytest.fixture
def app():
    return create_app(Settings(curator_tokens=(TOKEN,)))


@pytest.fixture
def client(app):
    return app.test_client()


# endregion


def test_index_names_the_framework(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.json == {"app": "pyaday", "framework": "flask", "version": "1.0.0"}


# region: a-test
def test_create_then_read_back(client):
    created = client.post("/packages", json=NEW_PACKAGE, headers=CURATOR)
    assert created.status_code == 201
    assert created.headers["Location"] == "/packages/native-pkg"

    response = client.get("/packages/native_pkg")
    assert response.status_code == 200
    assert response.headers["ETag"] == created.headers["ETag"]
    assert response.json["summary"] == NEW_PACKAGE["summary"]


# endregion


def test_errors_are_problem_details(client):
    response = client.get("/no/such/route")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.json["instance"] == "/no/such/route"


def test_the_store_is_reachable_from_the_app(app, client):
    client.post("/packages", json=NEW_PACKAGE, headers=CURATOR)
    # Flask keeps per-app state in app.extensions; a test can reach it directly.
    assert app.extensions["pyaday"]["store"].get("native-pkg").version == "1.0"


def test_an_unexpected_error_is_a_500_problem_without_traceback(app, client, monkeypatch):
    store = app.extensions["pyaday"]["store"]
    monkeypatch.setattr(store, "pick_random", lambda draw: 1 / 0)
    response = client.get("/rand")
    assert response.status_code == 500
    assert response.json["detail"] == "The server could not complete the request."
    assert b"ZeroDivisionError" not in response.data


def test_a_client_cannot_forge_a_log_line(app, client, monkeypatch, caplog):
    # An exception message can carry a client's text: its line feeds are escaped in the log.
    forged = "\n[1999-12-31 23:59:59 +0000] [1] [CRITICAL] forged"
    store = app.extensions["pyaday"]["store"]

    def broken_pick(draw):
        raise ValueError("client text" + forged)

    monkeypatch.setattr(store, "pick_random", broken_pick)
    assert client.get("/rand").status_code == 500
    assert "client text\\n[1999-12-31" in caplog.text
    assert not any(line.startswith("[1999-12-31") for line in caplog.text.splitlines())


def test_the_export_streams_and_ends_its_snapshot_when_the_client_goes(app, client, monkeypatch):
    # Werkzeug's test client gives the body as the app sent it: gzip, undone here.
    response = client.get("/export")
    assert response.is_streamed and response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data).count(b"\n") == 5000
    store = app.extensions["pyaday"]["store"]
    export_batches, ended, kept = store.export_batches, [], []

    def batches(*args):
        try:
            yield from export_batches(*args)
        finally:
            ended.append(True)

    def watched(*args):
        # Kept here, so that only an explicit close ends it, not CPython dropping the last
        # reference to it (other Pythons collect it later).
        kept.append(batches(*args))
        return kept[-1]

    monkeypatch.setattr(store, "export_batches", watched)
    # Not buffered: the app's generator runs as the body is read. Closing the response, as a
    # WSGI server does when the client goes away, closes it: its finally runs.
    response = client.get("/export", buffered=False)
    next(iter(response.response))
    assert not ended
    response.close()
    assert ended == [True]


def test_head_does_not_run_the_export(app, client, monkeypatch):
    # Flask answers HEAD with the GET view: this one stops before the export.
    store = app.extensions["pyaday"]["store"]
    monkeypatch.setattr(store, "export_batches", lambda *args: pytest.fail("HEAD exported"))
    response = client.head("/export")
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"


def test_the_frameworks_own_500_is_logged_not_shown(app, client, caplog):
    def broken():
        abort(500, "the disk is full")

    app.add_url_rule("/broken", view_func=broken)
    response = client.get("/broken")
    assert response.status_code == 500
    assert b"disk" not in response.data
    assert "the disk is full" in caplog.text


class SpacedCodec:
    """A codec whose output tells it apart from the compact one."""

    name = "spaced"

    def dumps(self, obj) -> str:
        return json.dumps(obj, separators=(", ", ": "), ensure_ascii=False)

    def loads(self, data):
        return json.loads(data)


def test_two_apps_with_different_settings_in_one_process(monkeypatch):
    monkeypatch.setitem(CODECS, "spaced", SpacedCodec())
    spaced = create_app(Settings(curator_tokens=("first",), json_codec="spaced"))
    compact = create_app(Settings(curator_tokens=("second",), seed_catalogue=False))
    # Each app answers with its own codec, its own tokens and its own store.
    response = spaced.test_client().get("/")
    assert response.data == b'{"app": "pyaday", "framework": "flask", "version": "1.0.0"}'
    response = compact.test_client().get("/")
    assert response.data == b'{"app":"pyaday","framework":"flask","version":"1.0.0"}'
    headers = {"Authorization": "Bearer second"}
    assert spaced.test_client().delete("/packages/boto3", headers=headers).status_code == 401
    assert spaced.test_client().get("/packages/boto3").status_code == 200
    assert compact.test_client().get("/packages/boto3").status_code == 404
