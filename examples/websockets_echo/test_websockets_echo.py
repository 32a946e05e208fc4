"""One websocket conversation with each app, over a real server (test clients cannot)."""

import pytest
from websockets.sync.client import connect

from examples.servers import running


@pytest.mark.parametrize("framework", ["flask", "sanic"])
def test_a_conversation(framework, tmp_path):
    module = f"examples.websockets_echo.with_{framework}"
    with (
        running(framework, module, tmp_path / "server.log") as server,
        connect(f"ws://{server.url}/echo?name=Ada", open_timeout=10) as ws,
    ):
        assert ws.recv(timeout=10) == "welcome, Ada"
        for message in ("hello", "again"):
            ws.send(message)
            assert ws.recv(timeout=10) == message.upper()
