"""ETags and the conditional headers If-Match and If-None-Match (RFC 9110 section 13)."""

import hashlib
import re

from shared.problems import PreconditionFailed

_ENTITY_TAG = re.compile(r'\s*(W/)?("[^"]*")\s*(?:,|$)')


def etag_for(body: bytes) -> str:
    """A strong validator from the package's JSON body, so both apps compute the same one."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _entity_tags(header: str) -> list[tuple[bool, str]] | None:
    """``(weak, opaque-tag)`` pairs of a header value, or None for ``*``."""
    if header.strip() == "*":
        return None
    return [(bool(match[1]), match[2]) for match in _ENTITY_TAG.finditer(header)]


def if_match_allows(header: str | None, current_etag: str) -> bool:
    """Strong comparison: a weak tag never matches. No header lets the write through."""
    if header is None:
        return True
    tags = _entity_tags(header)
    return tags is None or any(not weak and tag == current_etag for weak, tag in tags)


def require_if_match(header: str | None, current_etag: str) -> None:
    if not if_match_allows(header, current_etag):
        raise PreconditionFailed()


def if_none_match_hits(header: str | None, current_etag: str) -> bool:
    """Weak comparison: ``W/"x"`` and ``"x"`` match. A hit answers 304 Not Modified."""
    if header is None:
        return False
    tags = _entity_tags(header)
    return tags is None or any(tag == current_etag for _weak, tag in tags)
