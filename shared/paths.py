"""The request target, read one way in both apps: which path a request names.

WSGI servers hand Flask a percent-decoded path, where ``%2F`` has become a separator and
``//`` may have been merged away; Sanic routes the raw path, so ``/%70ackages`` is no route.
Both apps route on the path this module gives instead (RFC 3986, RFC 9112 section 3.2):

- percent-encoded unreserved characters are the characters themselves (``/%70ackages/flask``
  is ``/packages/flask``), every other escape stays an escape, in upper case;
- ``%2F`` is never a separator: it stays ``%2F``, and a route parameter decodes it to ``/``;
- empty segments are never merged away: a path holding ``//`` names no resource (404);
- the target is a path (origin-form) or an ``http``/``https`` URL (absolute-form); anything
  else (``*``, ``host:port``, a malformed escape, a fragment) is a bad request (400).
"""

import re
from dataclasses import dataclass
from string import ascii_letters, digits
from urllib.parse import urlsplit

from shared.problems import BadRequest, Problem, ResourceNotFound

UNRESERVED = frozenset(ascii_letters + digits + "-._~")
# What stands for the path when the target names none: it never matches a route.
NO_PATH = "*"

_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# RFC 9112 section 3.2: a request target is printable US-ASCII; anything else is escaped.
_OUTSIDE_TARGET = re.compile(r"[^\x21-\x7e]")
_ABSOLUTE_FORM = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class RequestTarget:
    """The normalized path, and the problem if the target is not usable."""

    path: str
    problem: Problem | None = None

    @property
    def route(self) -> str:
        """The path both apps route on. A target with a problem routes nowhere (no route of the
        API matches ``/*``), and the apps answer its problem instead of their 404."""
        return self.path if self.problem is None else "/*"


def read_target(target: str) -> RequestTarget:
    """Read a request target as it came on the request line (``/path?query``)."""
    if not target or _OUTSIDE_TARGET.search(target) or "#" in target:
        return _bad("The request target must be printable ASCII, without a fragment.")
    if target.startswith("/"):
        path = target.partition("?")[0]
    elif _ABSOLUTE_FORM.match(target):
        url = urlsplit(target)
        if url.scheme.lower() not in ("http", "https"):
            return _bad("An absolute request target must be an http or https URL.")
        path = url.path or "/"
    else:
        return _bad("The request target must be a path starting with '/'.")
    if "%" in path:
        if _STRAY_PERCENT.search(path):
            return _bad("The request path holds a '%' that is not a %XX escape.")
        path = _ESCAPE.sub(_normalized_escape, path)
    if "//" in path:
        return RequestTarget(
            path, ResourceNotFound("The path has an empty segment ('//'): no route.")
        )
    return RequestTarget(path)


def _normalized_escape(escape: re.Match) -> str:
    character = chr(int(escape[1], 16))
    return character if character in UNRESERVED else "%" + escape[1].upper()


def _bad(detail: str) -> RequestTarget:
    return RequestTarget(NO_PATH, BadRequest(detail))
