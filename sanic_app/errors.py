"""Every error as RFC 9457 problem details, the framework's own 404, 405 and 413 included."""

import logging

from sanic import Request, Sanic
from sanic.exceptions import MethodNotAllowed, NotFound, PayloadTooLarge, SanicException

from sanic_app.web import json_response
from shared.logs import EscapeControlCharacters
from shared.problems import (
    METHOD_ORDER,
    PROBLEM_MEDIA_TYPE,
    HeaderFieldsTooLarge,
    InternalError,
    Problem,
    UriTooLong,
    method_not_allowed,
    problem_body,
    problem_for_status,
)
from shared.settings import MAX_REQUEST_LINE_BYTES

log = logging.getLogger(__name__)
log.addFilter(EscapeControlCharacters())


def problem_response(request: Request, problem: Problem):
    # The path the app routed on (TargetRequest): Sanic's raw request.path would not be it.
    body = problem_body(problem, request.target.path)
    response = json_response(request, body, problem.status, problem.headers())
    response.content_type = PROBLEM_MEDIA_TYPE
    return response


async def handle_problem(request: Request, problem: Problem):
    return problem_response(request, problem)


# region: framework-errors
async def handle_framework_error(request: Request, error: SanicException):
    if isinstance(error, NotFound) and request.target.problem is not None:
        # A target that routes nowhere on purpose (TargetRequest): its own problem answers.
        return problem_response(request, request.target.problem)
    if isinstance(error, MethodNotAllowed):
        allowed = allowed_methods(request.app, request.path)
        return problem_response(request, method_not_allowed(request.method, allowed))
    if isinstance(error, PayloadTooLarge) and not request.head:
        return problem_response(request, oversized_head(request))
    if error.status_code == 500:
        # Sanic's own internal error (a handler that returns no HTTPResponse): its cause goes
        # to the log, as an unexpected error's does.
        log.error("error on %s %s", request.method, request.target.path, exc_info=error)
    return problem_response(request, problem_for_status(error.status_code))


# endregion


async def handle_unexpected_error(request: Request, error: Exception):
    # The traceback goes to the log, never to the client.
    log.exception("unhandled error on %s %s", request.method, request.target.path)
    return problem_response(request, InternalError())


# region: register-error-handlers
def register_error_handlers(app: Sanic) -> None:
    app.error_handler.add(Problem, handle_problem)
    app.error_handler.add(SanicException, handle_framework_error)
    app.error_handler.add(Exception, handle_unexpected_error)


# endregion


# region: allowed-methods
def allowed_methods(app: Sanic, path: str) -> list[str]:
    """Ask the router for each method: MethodNotAllowed.allowed_methods can be None in Sanic."""
    allowed = []
    for method in METHOD_ORDER:
        try:
            app.router.get(path, method, None)
        except (MethodNotAllowed, NotFound):
            continue
        allowed.append(method)
    return allowed


# endregion


def oversized_head(request: Request) -> Problem:
    """Sanic refuses a head over REQUEST_MAX_HEADER_SIZE with a 413 before it reads a request
    line (the request here is its stand-in, without a head): tell a request line too long
    (414) from header fields too large (431), as gunicorn does, from the bytes received."""
    received = request.transport.get_protocol().recv_buffer
    line_end = received.find(b"\r\n")
    too_long = line_end == -1 or line_end > MAX_REQUEST_LINE_BYTES
    return UriTooLong() if too_long else HeaderFieldsTooLarge()
