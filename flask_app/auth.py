"""Curator-only writes: the body-size check, then the bearer token, before the handler runs."""

from functools import wraps

from flask_app.web import header, read_body, settings
from shared.requests import require_curator


# region: curator-only
def curator_only(handler):
    """Pass the handler the request body once the size (413) and token (401) checks pass."""

    @wraps(handler)
    def checked(*args, **kwargs):
        body = read_body()
        require_curator(header("Authorization"), settings().curator_tokens)
        return handler(body, *args, **kwargs)

    return checked


# endregion
