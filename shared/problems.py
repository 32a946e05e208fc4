"""RFC 9457 problem details as a small exception hierarchy.

Like h11's ``error_status_hint``, each exception knows its HTTP status and problem type
without knowing any web framework; the apps only turn them into responses.
"""

from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote

from shared.settings import (
    MAX_BODY_BYTES,
    MAX_FIELD_LINE_BYTES,
    MAX_HEAD_BYTES,
    MAX_HEADER_FIELDS,
    MAX_REQUEST_LINE_BYTES,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://pyaday.dev/problems/"

# The order in which 405's Allow header lists methods (API.md).
METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class Problem(Exception):
    """An error the client can read: status, type and title are per class, detail per case."""

    status = 500
    slug = "internal-error"
    title = "Internal server error"
    default_detail = "The server could not complete the request."

    def __init__(self, detail: str | None = None):
        self.detail = detail or self.default_detail
        super().__init__(self.detail)

    @property
    def type(self) -> str:
        return PROBLEM_TYPE_BASE + self.slug

    def headers(self) -> dict[str, str]:
        """Extra response headers this problem needs (Allow, WWW-Authenticate)."""
        return {}

    def extra_members(self) -> dict:
        """Members beyond the five every problem carries."""
        return {}


class InvalidBody(Problem):
    status = 400
    slug = "invalid-body"
    title = "Invalid request body"
    default_detail = "The request could not be read."


class BadRequest(Problem):
    """A request that is not well-formed HTTP: its target, its framing or its header fields."""

    status = 400
    slug = "bad-request"
    title = "Bad request"
    default_detail = "The request is not well-formed HTTP/1.1."


class Unauthorized(Problem):
    status = 401
    slug = "unauthorized"
    title = "Unauthorized"
    default_detail = "This request needs a curator token: Authorization: Bearer <token>."

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class ResourceNotFound(Problem):
    status = 404
    slug = "not-found"
    title = "Not found"
    default_detail = "There is no such resource."


class MethodNotAllowed(Problem):
    status = 405
    slug = "method-not-allowed"
    title = "Method not allowed"

    def __init__(self, method: str, allowed: "list[str] | set[str] | tuple[str, ...]"):
        self.allowed = ordered_methods(allowed)
        super().__init__(f"{method} is not allowed here; use one of {', '.join(self.allowed)}.")

    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allowed)}


class Conflict(Problem):
    status = 409
    slug = "already-exists"
    title = "Package already exists"
    default_detail = "A package with this normalized name already exists."


class PreconditionFailed(Problem):
    status = 412
    slug = "precondition-failed"
    title = "Precondition failed"
    default_detail = "If-Match matches none of the current ETags: the package has changed."


class PayloadTooLarge(Problem):
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"
    default_detail = f"The body is over the limit of {MAX_BODY_BYTES} bytes (64 KiB)."


class UriTooLong(Problem):
    status = 414
    slug = "uri-too-long"
    title = "URI too long"
    default_detail = f"The request line is over the limit of {MAX_REQUEST_LINE_BYTES} bytes."


class UnsupportedMediaType(Problem):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"


class ValidationFailed(Problem):
    status = 422
    slug = "validation-error"
    title = "Validation error"

    def __init__(self, errors: list["FieldError"]):
        self.errors = errors
        count = len(errors)
        super().__init__(f"{count} field{' is' if count == 1 else 's are'} invalid")

    def extra_members(self) -> dict:
        return {"errors": [{"field": e.field, "message": e.message} for e in self.errors]}


class HeaderFieldsTooLarge(Problem):
    status = 431
    slug = "header-fields-too-large"
    title = "Request header fields too large"
    default_detail = (
        f"The header fields are over a limit: at most {MAX_HEADER_FIELDS} fields of at most "
        f"{MAX_FIELD_LINE_BYTES} bytes each, in a head under {MAX_HEAD_BYTES} bytes."
    )


class StoreUnavailable(Problem):
    status = 503
    slug = "store-unavailable"
    title = "Service unavailable"
    default_detail = "The package store is unreachable; the request changed nothing."


class BadGateway(Problem):
    status = 502
    slug = "bad-gateway"
    title = "Bad gateway"
    default_detail = "The package index did not give a usable answer."


class GatewayTimeout(Problem):
    status = 504
    slug = "gateway-timeout"
    title = "Gateway timeout"
    default_detail = "The package index did not answer in time."


class InternalError(Problem):
    """What a client sees of an unexpected exception: nothing of the traceback."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def no_such_package(normalized_name: str) -> ResourceNotFound:
    return ResourceNotFound(f"There is no package named {normalized_name!r}.")


def already_exists(normalized_name: str) -> Conflict:
    return Conflict(f"A package named {normalized_name!r} already exists.")


def method_not_allowed(method: str, allowed) -> Problem:
    """405 for a path that exists with other methods; 404 when no method serves the path.

    Sanic raises MethodNotAllowed for ``PUT /packages/`` although no route serves that path
    (its router matches the slash loosely before the method): no allowed method means no route.
    """
    if not ordered_methods(allowed):
        return ResourceNotFound()
    return MethodNotAllowed(method, allowed)


def empty_catalogue() -> ResourceNotFound:
    return ResourceNotFound("The catalogue is empty: there is no package to pick.")


class HttpError(Problem):
    """Any other error a framework raises on its own (a malformed header, ``Expect: foo``...).

    It keeps the framework's status; ``about:blank`` says the status is all there is to know
    (RFC 9457, section 4.2.1).
    """

    slug = ""

    def __init__(self, status: int):
        self.status = status
        self.title = HTTPStatus(status).phrase
        super().__init__(f"The server answered {status} {self.title}.")

    @property
    def type(self) -> str:
        return "about:blank"


# Statuses the frameworks raise themselves with a meaning of the contract's own.
_BY_STATUS = {
    cls.status: cls
    for cls in (BadRequest, ResourceNotFound, PayloadTooLarge, UriTooLong, HeaderFieldsTooLarge)
}


def problem_for_status(status: int) -> Problem:
    """The problem for an error a framework raised on its own (404, 413, any other)."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]()
    return HttpError(status if 400 <= status < 600 else 500)


def ordered_methods(methods) -> tuple[str, ...]:
    """Methods in the contract's order; OPTIONS and anything else are outside the contract."""
    wanted = {m.upper() for m in methods}
    return tuple(m for m in METHOD_ORDER if m in wanted)


def instance_for(path: str) -> str:
    """The problem's ``instance``: the request path as both apps route it (``shared.paths``).

    That path is normalized already (RFC 3986 section 6.2.2: ``%2F`` stays encoded, so it
    still names the same resource); what it may still hold outside the URI grammar (``"``,
    ``{``...) is percent-encoded here, so ``instance`` is a valid URI reference.
    """
    return quote(path, safe="/:@!$&'()*+,;=-._~%")


def problem_body(problem: Problem, path: str) -> dict:
    """The RFC 9457 body: all five members always, then any extra ones."""
    return {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": instance_for(path),
        **problem.extra_members(),
    }
