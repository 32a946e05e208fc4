"""Helpers for the API contract suite (``tests/test_api_*.py``).

Every helper asserts the contract (API.md) on a response of any adapter: Flask's or Sanic's
test client, or real HTTP with ``--live``. Nothing here reads the apps' own code, so a test
that uses these helpers fails when an app breaks a rule, not when it changes its internals.
"""

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

from packaging.utils import canonicalize_name

PACKAGE_FIELDS = [
    "name",
    "normalized_name",
    "version",
    "summary",
    "license",
    "home_page",
    "author",
    "requires_python",
    "keywords",
    "download_rank",
    "updated_at",
]
PAGE_FIELDS = ["items", "page", "per_page", "total"]
PROBLEM_FIELDS = ["type", "title", "status", "detail", "instance"]
JSON_TYPE = "application/json"
PROBLEM_TYPE = "application/problem+json"
VALIDATION_TYPE = "https://pyaday.dev/problems/validation-error"
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
STRONG_ETAG = re.compile(r'"[\x21\x23-\x7e]+"')
DAILY_CACHE_CONTROL = re.compile(r"public, max-age=([0-9]+)")
SEED_TOTAL = 5000
BIG_BODY = b"{" + b" " * (66 * 1024) + b"}"  # 66 KiB of valid JSON: only its size is wrong


def compact(value) -> bytes:
    """What the contract says a body is: compact UTF-8 JSON, non-ASCII written as itself."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_body(response, status: int = 200, content_type: str = JSON_TYPE):
    """The decoded body, after checking status, media type and the exact compact encoding."""
    assert response.status == status, (response.status, response.body[:600])
    assert response.headers.get("Content-Type") == content_type
    body = json.loads(response.body.decode("utf-8"))
    # Re-encoding compactly, in the order received, gives back the exact bytes sent.
    assert response.body == compact(body)
    return body


def assert_package(body: dict) -> dict:
    assert list(body) == PACKAGE_FIELDS
    assert body["normalized_name"] == canonicalize_name(body["name"])
    assert TIMESTAMP.fullmatch(body["updated_at"]), body["updated_at"]
    assert isinstance(body["keywords"], list)
    return body


def package_body(response, status: int = 200) -> dict:
    """A package response: the package, in contract order, with a strong ETag."""
    body = assert_package(json_body(response, status))
    assert STRONG_ETAG.fullmatch(response.headers.get("ETag", "")), response.headers.get("ETag")
    return body


def problem(response, status: int, instance: str) -> dict:
    """An RFC 9457 problem: all five members, ``status`` = HTTP status, ``instance`` = path."""
    body = json_body(response, status, PROBLEM_TYPE)
    expected_members = [*PROBLEM_FIELDS, "errors"] if status == 422 else PROBLEM_FIELDS
    assert list(body) == expected_members
    assert body["status"] == status
    assert body["instance"] == instance
    for member in ("type", "title", "detail"):
        assert isinstance(body[member], str) and body[member], member
    return body


def validation_errors(response, instance: str) -> list[str]:
    """The fields a 422 names, sorted; each broken field once, each with a message."""
    body = problem(response, 422, instance)
    assert body["type"] == VALIDATION_TYPE
    assert body["title"] == "Validation error"
    count = len(body["errors"])
    assert body["detail"] == f"{count} field{' is' if count == 1 else 's are'} invalid"
    for error in body["errors"]:
        assert list(error) == ["field", "message"]
        assert isinstance(error["message"], str) and error["message"]
    fields = [error["field"] for error in body["errors"]]
    assert len(fields) == len(set(fields)), fields
    return sorted(fields)


def empty(response, status: int) -> None:
    assert response.status == status, (response.status, response.body[:600])
    assert response.body == b""


def unique_name(prefix: str = "Pyaday_Test") -> str:
    """A display name that is not normalized yet (``Pyaday_Test.ab12`` → ``pyaday-test-ab12``)."""
    return f"{prefix}.{uuid.uuid4().hex[:12]}"


def minimal(name: str, **fields) -> dict:
    return {
        "name": name,
        "version": "1.0.0",
        "summary": "A package made by the API tests.",
        **fields,
    }


def full(name: str, **fields) -> dict:
    return {
        "name": name,
        "version": "2.1.0rc1",
        "summary": "Every field set: café ☕ ünïcode",
        "license": "MIT",
        "home_page": "https://example.org/pyaday",
        "author": "Zoë Tester",
        "requires_python": ">=3.9,<4",
        "keywords": ["testing", "ça", "☕"],
        "download_rank": 123456,
        **fields,
    }


def total(api) -> int:
    return json_body(api.get("/packages?per_page=1"))["total"]


class Scratch:
    """Packages a test creates under unique names, deleted when the test ends (live-safe)."""

    def __init__(self, api):
        self.api = api
        self.normalized: list[str] = []

    def name(self, prefix: str = "Pyaday_Test") -> str:
        name = unique_name(prefix)
        self.normalized.append(canonicalize_name(name))
        return name

    def create(self, body: dict | None = None, **fields) -> tuple[dict, str]:
        """POST a package (``minimal`` unless a body is given): its body and its ETag."""
        body = body or minimal(self.name(), **fields)
        self.normalized.append(canonicalize_name(body["name"]))
        response = self.api.post("/packages", json=body, curator=True)
        return package_body(response, 201), response.headers["ETag"]

    def cleanup(self) -> None:
        for normalized in dict.fromkeys(self.normalized):
            self.api.delete(f"/packages/{normalized}", curator=True)


class Snapshot:
    """The catalogue's total and one package's exact response, to prove a write changed nothing."""

    def __init__(self, api, path: str):
        self.api = api
        self.path = path
        self.total = total(api)
        self.response = api.get(path)

    def assert_unchanged(self) -> None:
        assert total(self.api) == self.total
        after = self.api.get(self.path)
        assert after.status == self.response.status
        assert after.body == self.response.body
        assert after.headers.get("ETag") == self.response.headers.get("ETag")


def seconds_to_utc_midnight(now: datetime) -> float:
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return (midnight - now).total_seconds()


def utc_now() -> datetime:
    return datetime.now(UTC)
