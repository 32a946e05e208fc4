"""Work after the response: queued, found again by name, and finished before a shutdown."""

import httpx
import pytest

from examples.servers import STOP_BEGINS, running


def test_queue_then_wait_for_the_mail(client):
    queued = client.post("/welcome", json={"email": "ada@example.com"})
    assert queued.status == 202
    assert queued.json == {"queued": "ada@example.com"}
    done = client.get("/welcome/ada@example.com")
    assert done.json == {"email": "ada@example.com", "sent": True}


def test_no_such_mail(client):
    assert client.get("/welcome/nobody@example.com").status == 404


@pytest.mark.parametrize("framework", ["flask", "sanic"])
def test_a_graceful_stop_sends_what_was_queued(framework, tmp_path, monkeypatch):
    """SIGTERM while a mail is being sent: it still goes (Sanic would cancel it undrained)."""
    monkeypatch.setenv("COOKBOOK_MAIL_SECONDS", "2")
    module = f"examples.background_tasks.with_{framework}"
    with running(framework, module, tmp_path / "server.log") as server:
        response = httpx.post(f"http://{server.url}/welcome", json={"email": "ada@example.com"})
        assert response.status_code == 202
        output = server.stop()
    sent = output.find("sent welcome mail to ada@example.com")
    assert sent != -1, output
    assert -1 < output.find(STOP_BEGINS[framework]) < sent, output  # the stop waited for it
