"""``GET /packages/{name}/releases``: the question to the package index and its answer, once.

The IO lives in the twin clients, ``index_client.py`` (Flask) and ``index_client_async.py``
(Sanic); everything they share is here: the URL, the httpx options, the size and time limits,
the mapping of failures to problems, and the parsing of the answer into the route's body.

The index speaks the JSON API of the Python Package Index, ``GET /pypi/<name>/json``: ``info``
describes the project, ``releases`` maps each version to the list of its files, and each file
carries ``upload_time_iso_8601`` and (PEP 592) ``yanked``. Where API.md is silent:

- the index is asked for the normalized name and its redirects are followed: PyPI redirects
  ``/pypi/flask-sqlalchemy/json`` to the project's display name, ``/pypi/Flask-SQLAlchemy/json``;
- a version without files is left out: nothing can be installed from it and it has no date;
- a version that is not valid PEP 440 is left out, as pip leaves it out: it has no place in
  the order;
- ``uploaded_at`` is the earliest upload among the version's files (when the release appeared),
  in UTC, cut to the second;
- ``yanked`` is true when every file of the version is yanked: pip still installs one that is
  not; a file without ``yanked`` (an index older than PEP 592) is not yanked, and a file
  without ``upload_time_iso_8601`` is dated by ``upload_time`` (UTC, as PyPI writes it);
- an answer about another project, over 32 MiB, or not in that shape is 502, and so is an index
  that cannot be reached; an index that does not finish answering within the timeout is 504.
"""

import json
import logging
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import quote

import httpx
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from shared import __version__
from shared.problems import BadGateway, GatewayTimeout, Problem, ResourceNotFound
from shared.settings import Settings

log = logging.getLogger(__name__)

CACHE_HEADERS = {"Cache-Control": "public, max-age=300"}
# A guard against an index that never stops sending; PyPI's largest answers are a few MiB.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
# The async client decodes larger answers off the event loop: json.loads of 256 KiB already
# holds the loop for a few milliseconds, and every other request waits meanwhile.
OFFLOAD_ANSWER_BYTES = 256 * 1024
# PyPI needs one (to the display name); more than a few means a loop or a misconfiguration.
MAX_REDIRECTS = 3
# httpcore 1.0's pool walks all its connections and waiting requests each time a request
# starts or ends (encode/httpcore#1035): its CPU per request grows with the requests in flight.
# With 100 in flight, one pool of 100 connections cost 12.3 ms of CPU a request, 25 pools of 4
# 0.73 ms (``python -m benchmarks.index_clients``, docs/benchmarks.md). So each worker has
# several small pools, one client each, taken in turn.
CONNECTIONS_PER_POOL = 4


def project_url(index_url: str, normalized_name: str) -> str:
    return f"{index_url}/pypi/{quote(normalized_name, safe='')}/json"


def pool_sizes(settings: Settings) -> list[int]:
    """A worker's ``PYADAY_INDEX_POOL_SIZE`` connections, split into pools of at most
    ``CONNECTIONS_PER_POOL``: the connections of each of its clients."""
    full, rest = divmod(settings.index_pool_size, CONNECTIONS_PER_POOL)
    return [CONNECTIONS_PER_POOL] * full + ([rest] if rest else [])


def client_options(settings: Settings, connections: int) -> dict[str, Any]:
    """How each client is built: a pool of ``connections``, every wait bounded.

    Waiting for a free connection of the pool counts against the same timeout as connecting
    and reading, so a saturated pool answers 504 rather than queueing requests without end.
    """
    return {
        "timeout": httpx.Timeout(settings.index_timeout),
        "limits": httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        "follow_redirects": True,
        "max_redirects": MAX_REDIRECTS,
        "verify": tls_context(),
        # PyPI asks API clients to say who they are.
        "headers": {"User-Agent": f"pyaday/{__version__}", "Accept": "application/json"},
    }


@cache
def tls_context() -> ssl.SSLContext:
    """The CA certificates, loaded once per process: that takes ~20 ms, which every new client
    would pay again, on the event loop for Sanic."""
    return httpx.create_ssl_context()


class Answer:
    """The index's answer as it arrives, refused once it grows past the size or time limit.

    httpx bounds each wait (connect, every read); the deadline bounds the whole, so an index
    that sends a byte now and then cannot hold a worker forever.
    """

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_ANSWER_BYTES:
            raise BadGateway(f"The package index answered more than {MAX_ANSWER_BYTES} bytes.")
        if time.monotonic() > self.deadline:
            raise self.too_late()
        self.chunks.append(chunk)

    def body(self) -> bytes:
        return b"".join(self.chunks)

    def too_late(self) -> GatewayTimeout:
        return GatewayTimeout(f"The package index did not answer within {self.timeout:g} s.")


@contextmanager
def index_errors(normalized_name: str, answer: Answer) -> Iterator[None]:
    """httpx's exceptions as problems: no answer in time is 504, any other failure 502."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise logged(normalized_name, answer.too_late(), error) from None
    except httpx.ConnectError as error:
        problem = BadGateway("The package index is unreachable.")
        raise logged(normalized_name, problem, error) from None
    except httpx.HTTPError as error:
        problem = BadGateway(f"The package index gave no usable answer ({type(error).__name__}).")
        raise logged(normalized_name, problem, error) from None
    except Problem as problem:
        raise logged(normalized_name, problem) from None


def logged(normalized_name: str, problem: Problem, cause: Exception | None = None) -> Problem:
    """The operator learns why the index failed; the client only that it did."""
    because = f" ({cause!r})" if cause else ""
    log.warning("package index, %s: %s%s", normalized_name, problem.detail, because)
    return problem


class NotTheApi(ValueError):
    """The index answered 200 with something other than the JSON API of the package index."""


def releases_body(normalized_name: str, status: int, body: bytes) -> dict[str, Any]:
    """The route's body from the index's answer, or the problem the answer means."""
    if status == 404:
        raise ResourceNotFound(f"The package index has no package named {normalized_name!r}.")
    if status != 200:
        raise logged(normalized_name, BadGateway(f"The package index answered {status}."))
    try:
        releases = parse_releases(normalized_name, body)
    except NotTheApi as error:
        detail = f"The package index answered with something other than its JSON API: {error}."
        raise logged(normalized_name, BadGateway(detail)) from None
    return {"normalized_name": normalized_name, "releases": releases}


def parse_releases(normalized_name: str, body: bytes) -> list[dict[str, Any]]:
    """Every installable PEP 440 version of the project, newest first."""
    project = decoded(body)
    info = member(project, "info", dict)
    if canonicalize_name(member(info, "name", str)) != normalized_name:
        raise NotTheApi("info.name names another project")
    releases = []
    for text, files in member(project, "releases", dict).items():
        if not isinstance(files, list):
            raise NotTheApi("a release is not a list of files")
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if files:
            releases.append((version, text, release(text, files)))
    # Equal versions spelled differently (1.0, 1.0.0) are ordered by their text, so both apps
    # and every run agree.
    releases.sort(key=lambda entry: entry[:2], reverse=True)
    return [entry for _, _, entry in releases]


def decoded(body: bytes) -> dict:
    try:
        project = json.loads(body)
    except (ValueError, RecursionError):
        raise NotTheApi("the body is not JSON") from None
    if not isinstance(project, dict):
        raise NotTheApi("the body is not a JSON object")
    return project


def member(container: dict, key: str, kind: type) -> Any:
    value = container.get(key)
    if not isinstance(value, kind):
        raise NotTheApi(f"{key} is missing or not {'an object' if kind is dict else 'a string'}")
    return value


def release(text: str, files: list) -> dict[str, Any]:
    if not all(isinstance(file, dict) for file in files):
        raise NotTheApi("a file is not an object")
    uploaded = min(upload_time(file) for file in files)
    return {
        "version": text,
        "uploaded_at": uploaded.replace(tzinfo=None).isoformat() + "Z",
        "yanked": all(yanked(file) for file in files),
    }


def upload_time(file: dict) -> datetime:
    """When the file was uploaded, in UTC, to the second."""
    text = file.get("upload_time_iso_8601", file.get("upload_time"))
    if not isinstance(text, str):
        raise NotTheApi("a file has no upload time")
    try:
        moment = datetime.fromisoformat(text)
        # PyPI's older upload_time has no offset and is UTC.
        return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC).replace(microsecond=0)
    except (ValueError, OverflowError):
        raise NotTheApi("an upload time is not an ISO 8601 date and time") from None


def yanked(file: dict) -> bool:
    value = file.get("yanked", False)
    if not isinstance(value, bool):
        raise NotTheApi("a file's yanked is not a boolean")
    return value
