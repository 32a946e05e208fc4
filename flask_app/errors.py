"""Every error as RFC 9457 problem details, the framework's own 404, 405 and 413 included."""

import logging

from flask import Flask, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from flask_app.web import json_response
from shared.logs import EscapeControlCharacters
from shared.problems import (
    PROBLEM_MEDIA_TYPE,
    InternalError,
    Problem,
    method_not_allowed,
    problem_body,
    problem_for_status,
)

log = logging.getLogger(__name__)
log.addFilter(EscapeControlCharacters())


def problem_response(problem: Problem):
    # The path the app routed on (TargetRequest): Werkzeug's request.path is decoded.
    body = problem_body(problem, request.target.path)
    response = json_response(body, problem.status, problem.headers())
    response.content_type = PROBLEM_MEDIA_TYPE
    return response


def handle_problem(problem: Problem):
    return problem_response(problem)


# region: framework-errors
def handle_framework_error(error: HTTPException):
    if isinstance(error, NotFound) and request.target.problem is not None:
        # A target that routes nowhere on purpose (TargetRequest): its own problem answers.
        return problem_response(request.target.problem)
    if isinstance(error, MethodNotAllowed):
        allowed = allowed_methods(error)
        return problem_response(method_not_allowed(request.method, allowed))
    if error.code == 500:
        # Werkzeug's own internal error (abort(500)): its cause goes to the log, as an
        # unexpected error's does.
        log.error("error on %s %s", request.method, request.target.path, exc_info=error)
    return problem_response(problem_for_status(error.code))


# endregion


def handle_unexpected_error(error: Exception):
    # The traceback goes to the log, never to the client.
    log.exception("unhandled error on %s %s", request.method, request.target.path)
    return problem_response(InternalError())


# region: register-error-handlers
def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(Problem, handle_problem)
    app.register_error_handler(HTTPException, handle_framework_error)
    app.register_error_handler(Exception, handle_unexpected_error)


# endregion


# region: allowed-methods
def allowed_methods(error: MethodNotAllowed) -> list[str]:
    """Werkzeug's MethodNotAllowed carries the methods of the route that matched the path."""
    return error.valid_methods or []


# endregion
