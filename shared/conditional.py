"""ETags and the conditional headers If-Match and If-None-Match (RFC 9110 section 13)."""

import hashlib
import re

from shared.problems import PreconditionFailed

# One member of the list (RFC 9110 sections 5.6.1 and 8.8.3), anchored where the previous one
# ended: optional whitespace, an entity-tag or nothing (empty members are allowed), optional
# whitespace, then a comma or the end. entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, where etagc
# is a visible character other than DQUOTE, or obs-text (header values are read one character
# an octet, so obs-text is U+0080 to U+00FF). A comma may sit inside a tag, so the list is
# scanned, not split.
_LIST_MEMBER = re.compile(r'[ \t]*(?:(W/)?("[\x21\x23-\x7e\x80-\xff]*"))?[ \t]*(?:,|\Z)')


def etag_for(body: bytes) -> str:
    """A strong validator from the package's JSON body, so both apps compute the same one."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _entity_tags(header: str) -> list[tuple[bool, str]] | None:
    """``(weak, opaque-tag)`` pairs of a header value, or None for ``*``.

    A value that is neither ``*`` nor a list of entity tags (``junk"x"``, ``w/"x"``, an
    unquoted tag) is malformed and gives no tags: it matches nothing.
    """
    value = header.strip(" \t")
    if value == "*":
        return None
    tags = []
    position = 0
    while position < len(value):
        member = _LIST_MEMBER.match(value, position)
        if member is None or member.end() == position:
            return []
        if member[2]:
            tags.append((bool(member[1]), member[2]))
        position = member.end()
    return tags


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
