"""Checks on a write request that come before the store: size, token, media type, JSON.

API.md fixes their order (413, 401, 415, 400); each app calls them in that order.

Header values arrive here read one way in both apps: one character an octet (Latin-1), as
WSGI and gunicorn read them (``octets_as_latin1`` turns Sanic's reading into that). RFC 9110
makes field values octets and non-ASCII octets opaque, so the same bytes are the same token,
the same media type and the same entity tag in both apps.
"""

import hmac
import re

from shared.codec import JsonCodec, parse_json_object
from shared.problems import PayloadTooLarge, Unauthorized, UnsupportedMediaType
from shared.settings import MAX_BODY_BYTES

PLAIN_JSON = ("application/json",)
MERGE_PATCH_OR_JSON = ("application/merge-patch+json", "application/json")

# RFC 9110 section 11.4: credentials = auth-scheme [ 1*SP token68 ], after the server has
# trimmed the value's leading and trailing spaces and tabs; only SP and HTAB are whitespace.
_CREDENTIALS = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+) +([^ \t]+)")
# RFC 9110 section 8.3.1: media-type = type "/" subtype parameters; both are tokens.
_MEDIA_TYPE = re.compile(r"[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*")


def octets_as_latin1(value: str) -> str:
    """A header value as Sanic decodes it (UTF-8, other bytes as surrogate escapes) read again
    as WSGI does: each octet one character from U+0000 to U+00FF."""
    return value.encode("utf-8", "surrogateescape").decode("latin-1")


def require_body_size(length: int | None) -> None:
    if length is not None and length > MAX_BODY_BYTES:
        raise PayloadTooLarge()


def require_curator(authorization: str | None, tokens: tuple[str, ...]) -> None:
    """Accept ``Bearer <token>`` (scheme case-insensitive) for a configured token.

    The presented token is its octets exactly (a configured token is its UTF-8 bytes): no
    other whitespace is trimmed, nothing is decoded. Every configured token is compared, in
    constant time, so timing tells nothing; the token itself never appears in an error or a
    log line.
    """
    credentials = _CREDENTIALS.fullmatch((authorization or "").strip(" \t"))
    if credentials is None or credentials[1].lower() != "bearer":
        raise Unauthorized()
    presented = credentials[2].encode("latin-1")
    matched = False
    for known in tokens:
        matched |= hmac.compare_digest(presented, known.encode("utf-8"))
    if not matched:
        raise Unauthorized("The curator token is not valid.")


def media_type(content_type: str | None) -> str | None:
    """``application/JSON; charset=utf-8`` → ``application/json``; None if malformed."""
    match = _MEDIA_TYPE.fullmatch((content_type or "").split(";", 1)[0])
    return match[1].lower() if match else None


def parse_json_write(
    codec: JsonCodec, content_type: str | None, body: bytes, accepted: tuple[str, ...] = PLAIN_JSON
) -> dict:
    """A write's body as a JSON object: 415 for another media type, then 400 for bad JSON."""
    received = media_type(content_type)
    if received not in accepted:
        # Only a well-formed media type (tokens: visible ASCII) is echoed back.
        if content_type is None:
            received = "no Content-Type"
        elif received is None:
            received = "a malformed Content-Type"
        raise UnsupportedMediaType(f"Send the body as {' or '.join(accepted)}, not {received}.")
    return parse_json_object(codec, body)
