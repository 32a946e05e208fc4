"""Curator tokens: from a file (``PYADAY_CURATOR_TOKENS_FILE``), and never in a log line.

The file keeps tokens out of process listings and environment dumps. Its tokens are accepted
beside those of ``PYADAY_CURATOR_TOKENS``. The log test starts both real servers at debug level
with access logs on, sends writes that succeed and writes that fail in every way, and searches
every line either server logged for any token that was configured or sent. (Tokens travel in
the Authorization header only: an access log records URLs, so a token must never go in one.)
"""

import logging
import os
import sys
from pathlib import Path

import httpx
import pytest

from benchmarks.servers import free_port, started
from shared.settings import Settings

BIN = Path(sys.executable).parent


def tokens_file(folder: Path, text: str, mode: int = 0o600) -> Path:
    path = folder / "curator-tokens"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_tokens_come_from_the_file_one_a_line(tmp_path):
    path = tokens_file(tmp_path, "# curators\nfirst-token\n\n  second-token  \n")
    settings = Settings.from_env({"PYADAY_CURATOR_TOKENS_FILE": str(path)})
    assert settings.curator_tokens == ("first-token", "second-token")


def test_file_tokens_are_accepted_beside_the_variables(tmp_path):
    path = tokens_file(tmp_path, "from-file\n")
    env = {"PYADAY_CURATOR_TOKENS": "from-env", "PYADAY_CURATOR_TOKENS_FILE": str(path)}
    assert Settings.from_env(env).curator_tokens == ("from-env", "from-file")


@pytest.mark.parametrize("problem", ["missing", "a folder", "empty", "not UTF-8"])
def test_a_file_that_cannot_give_tokens_stops_start_up(tmp_path, problem):
    path = {
        "missing": tmp_path / "no-such-file",
        "a folder": tmp_path,
        "empty": tokens_file(tmp_path, "# no token yet\n"),
        "not UTF-8": tmp_path / "latin-1",
    }[problem]
    if problem == "not UTF-8":
        path.write_bytes(b"caf\xe9\n")
    with pytest.raises(ValueError, match="PYADAY_CURATOR_TOKENS_FILE=") as refused:
        Settings.from_env({"PYADAY_CURATOR_TOKENS_FILE": str(path)})
    assert "caf" not in str(refused.value)  # the file's content is never echoed


def test_a_file_other_users_may_read_gets_a_warning(tmp_path, caplog):
    path = tokens_file(tmp_path, "secret-token\n", mode=0o644)
    with caplog.at_level(logging.WARNING):
        Settings.from_env({"PYADAY_CURATOR_TOKENS_FILE": str(path)})
    assert "chmod 600" in caplog.text and "secret-token" not in caplog.text


GOOD = "file-token-6c1f0e"
OTHER = "env-token-93ab2d"
WRONG = "wrong-token-5e77aa"
DEBUG_LOGS = {
    "flask": ["--log-level", "debug", "--access-logfile", "-"],
    "sanic": ["--debug", "--access-logs"],
}
LAUNCHES = {
    "flask": ["gunicorn", "-c", "python:flask_app.server", *DEBUG_LOGS["flask"]],
    "sanic": [
        "sanic",
        "sanic_app:create_app",
        "--factory",
        "--port",
        "{port}",
        *DEBUG_LOGS["sanic"],
    ],
}


def writes(client: httpx.Client) -> list[int]:
    """Successful and failed writes, each carrying a token (right, wrong or mangled)."""
    good = {"Authorization": f"Bearer {GOOD}"}
    not_json = {**good, "Content-Type": "application/json"}
    body = {"name": "logged-package", "version": "1.0", "summary": "s"}
    sent = [
        client.post("/packages", json=body, headers=good),
        client.post("/packages", json=body, headers={"Authorization": f"Bearer {OTHER}"}),
        client.patch("/packages/logged-package", json={"summary": 5}, headers=good),
        client.put("/packages/no-such-package", json=body, headers=good),
        client.delete("/packages/logged-package", headers={**good, "If-Match": '"stale"'}),
        client.post("/packages", content=b"{not json", headers=not_json),
        client.post("/packages", content=b"x" * 70_000, headers=good),
        client.post("/packages", json=body, headers={"Authorization": f"Bearer {WRONG}"}),
        client.post("/packages", json=body, headers={"Authorization": f"Basic {WRONG}"}),
        client.post("/packages", json=body, headers={"Authorization": f"Bearer {GOOD} {WRONG}"}),
        client.delete("/packages/logged-package", headers=good),
    ]
    return [response.status_code for response in sent]


@pytest.mark.parametrize("served_by", ["flask", "sanic"])
def test_no_token_appears_in_any_log_line(served_by, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PYADAY_PORT": str(port),
        "PYADAY_CURATOR_TOKENS": OTHER,
        "PYADAY_CURATOR_TOKENS_FILE": str(tokens_file(tmp_path, f"{GOOD}\n")),
    }
    program, *args = LAUNCHES[served_by]
    command = [str(BIN / program), *(arg.format(port=port) for arg in args)]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with (
        started(command, log, url, env=env),
        httpx.Client(base_url=url) as client,
    ):
        statuses = writes(client)
    assert statuses == [201, 409, 422, 404, 412, 400, 413, 401, 401, 401, 204]
    lines = log.read_text(errors="replace").splitlines()
    assert sum("/packages" in line for line in lines) >= len(statuses)  # the writes were logged
    for token in (GOOD, OTHER, WRONG):
        assert not [line for line in lines if token in line], f"{token} was logged"
