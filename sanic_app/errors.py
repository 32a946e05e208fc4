"""Every error as RFC 9457 problem details, the framework's own 404, 405 and 413 included."""

import logging
from urllib.parse import unquote

from sanic import Request, Sanic
from sanic.exceptions import MethodNotAllowed, NotFound, SanicException

from sanic_app.web import json_response
from shared.problems import (
    METHOD_ORDER,
    PROBLEM_MEDIA_TYPE,
    InternalError,
    Problem,
    method_not_allowed,
    problem_body,
    problem_for_status,
)

log = logging.getLogger(__name__)


def problem_response(request: Request, problem: Problem):
    # request.path is raw here (Flask's is decoded): decode it so both send the same instance.
    body = problem_body(problem, unquote(request.path))
    response = json_response(body, problem.status, problem.headers())
    response.content_type = PROBLEM_MEDIA_TYPE
    return response


async def handle_problem(request: Request, problem: Problem):
    return problem_response(request, problem)


async def handle_framework_error(request: Request, error: SanicException):
    if isinstance(error, MethodNotAllowed):
        # Ask about the decoded path, as Flask routes it: /packages/a%2Fb is /packages/a/b.
        allowed = allowed_methods(request.app, unquote(request.path))
        return problem_response(request, method_not_allowed(request.method, allowed))
    return problem_response(request, problem_for_status(error.status_code))


async def handle_unexpected_error(request: Request, error: Exception):
    # The traceback goes to the log, never to the client.
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(request, InternalError())


def register_error_handlers(app: Sanic) -> None:
    app.error_handler.add(Problem, handle_problem)
    app.error_handler.add(SanicException, handle_framework_error)
    app.error_handler.add(Exception, handle_unexpected_error)


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
