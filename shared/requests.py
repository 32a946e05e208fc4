"""Checks on a write request that come before the store: size, token, media type, JSON.

API.md fixes their order (413, 401, 415, 400); each app calls them in that order.
"""

import hmac

from shared.codec import JsonCodec, parse_json_object
from shared.problems import PayloadTooLarge, Unauthorized, UnsupportedMediaType
from shared.settings import MAX_BODY_BYTES

PLAIN_JSON = ("application/json",)
MERGE_PATCH_OR_JSON = ("application/merge-patch+json", "application/json")


def require_body_size(length: int | None) -> None:
    if length is not None and length > MAX_BODY_BYTES:
        raise PayloadTooLarge()


def require_curator(authorization: str | None, tokens: tuple[str, ...]) -> None:
    """Accept ``Bearer <token>`` (scheme case-insensitive) for a configured token.

    Every configured token is compared, in constant time, so timing tells nothing; the token
    itself never appears in an error or a log line.
    """
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    presented = token.encode("utf-8")
    matched = False
    for known in tokens:
        matched |= hmac.compare_digest(presented, known.encode("utf-8"))
    if not matched:
        raise Unauthorized("The curator token is not valid.")


def media_type(content_type: str | None) -> str:
    """``application/JSON; charset=utf-8`` → ``application/json``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_json_write(
    codec: JsonCodec, content_type: str | None, body: bytes, accepted: tuple[str, ...] = PLAIN_JSON
) -> dict:
    """A write's body as a JSON object: 415 for another media type, then 400 for bad JSON."""
    received = media_type(content_type)
    if received not in accepted:
        raise UnsupportedMediaType(
            f"Send the body as {' or '.join(accepted)}, not {received or 'no Content-Type'}."
        )
    return parse_json_object(codec, body)
