"""Curator-only writes: the body-size check, then the bearer token, before the handler runs."""

from functools import wraps

from sanic import Request

from sanic_app.web import header, read_body, settings
from shared.requests import require_curator


# region: curator-only
def curator_only(handler):
    """Pass the handler the request body once the size (413) and token (401) checks pass."""

    @wraps(handler)
    async def checked(request: Request, *args, **kwargs):
        body = read_body(request)
        require_curator(header(request, "Authorization"), settings(request).curator_tokens)
        return await handler(request, body, *args, **kwargs)

    return checked


# endregion
