"""HTTP/1.1 request heads, held to one set of rules whichever server parsed them.

gunicorn refuses a malformed head itself, before Flask sees it: the grammar of RFC 9112 plus a
few rules of its own. Sanic's parser lets much of it through: a NUL in a field value,
``Host : x``, a method of ``G\\xffT``, Content-Length in Arabic-Indic digits. The Sanic app
checks its raw head with ``check_head``, by the rules gunicorn applies, so that both apps refuse
the same heads with the same status. ``check_message`` holds what Sanic's server refuses and
gunicorn lets through (a 16 KiB head in all, HTTP/1.2, a transfer coding other than chunked);
both apps apply it.
"""

import re

from shared.problems import BadRequest, HeaderFieldsTooLarge, HttpError, UriTooLong
from shared.settings import (
    MAX_FIELD_LINE_BYTES,
    MAX_HEAD_BYTES,
    MAX_HEADER_FIELDS,
    MAX_REQUEST_LINE_BYTES,
)

SERVED_VERSIONS = ("HTTP/1.0", "HTTP/1.1")
# gunicorn's rule for a method: an RFC 9110 token without lower case or "#", 3 to 20 long.
_METHOD = re.compile(rb"[!$%&'*+.^_`|~0-9A-Z-]{3,20}")
# field-name ":" OWS field-value OWS, the name a token, the value visible octets, SP and HTAB.
_FIELD_LINE = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([\t\x20-\x7e\x80-\xff]*)")
# Fields that hold one value: a second line makes the request ambiguous (gunicorn's list).
_SINGLETON_FIELDS = (b"host", b"content-type")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
# Transfer codings gunicorn knows: another one is 501 Not Implemented, a known one but chunked 400.
_KNOWN_CODINGS = frozenset({"chunked", "identity", "gzip", "deflate", "compress"})


def check_head(head: bytes) -> None:
    """Raise the problem for a malformed request head: request line and field lines, CRLF
    between them, without the empty line that ends it."""
    request_line, *field_lines = head.split(b"\r\n")
    if len(request_line) > MAX_REQUEST_LINE_BYTES:
        raise UriTooLong()
    method, _target, version = request_line.split(b" ")  # Sanic split it in three already
    if not _METHOD.fullmatch(method):
        raise BadRequest("The method must be 3 to 20 capital letters, digits or token signs.")
    seen = set()
    transfer_encoding = None
    for count, line in enumerate(field_lines):
        if count == MAX_HEADER_FIELDS:
            raise HeaderFieldsTooLarge()
        field = _FIELD_LINE.fullmatch(line)
        if field is None:
            raise BadRequest("A header field is malformed (its name, its colon or its value).")
        if len(line) + len(b"\r\n") > MAX_FIELD_LINE_BYTES:
            raise HeaderFieldsTooLarge()
        name, value = field[1].lower(), field[2].rstrip(b" \t")
        if name in _SINGLETON_FIELDS and name in seen:
            raise BadRequest(f"The {name.decode().title()} header field appears twice.")
        seen.add(name)
        if name == b"expect" and value.lower() != b"100-continue":
            raise HttpError(417)
        if name == b"transfer-encoding":
            transfer_encoding = value.decode("latin-1")
    check_message(version.decode("latin-1"), transfer_encoding, len(head))


def check_message(version: str, transfer_encoding: str | None, head_size: int) -> None:
    """Raise the problem for what one server lets through and the other refuses."""
    if head_size >= MAX_HEAD_BYTES:  # Sanic's server cannot read a head of 16 KiB
        raise HeaderFieldsTooLarge()
    if version not in SERVED_VERSIONS:
        raise BadRequest("This server speaks HTTP/1.0 and HTTP/1.1 only.")
    if transfer_encoding is None:
        return
    codings = [coding.strip(" \t").lower() for coding in transfer_encoding.split(",")]
    if not _KNOWN_CODINGS.issuperset(codings):
        raise HttpError(501)  # RFC 9112 section 6.1, and gunicorn's answer
    if codings != ["chunked"]:
        raise BadRequest("The only transfer coding served is 'chunked', alone.")
    if version == "HTTP/1.0":
        raise BadRequest("An HTTP/1.0 request cannot be chunked (RFC 9112 section 6.1).")


def parse_size(digits: str, base: int = 10) -> int:
    """Content-Length (``1*DIGIT``) or a chunk size (``1*HEXDIG``) as RFC 9112 writes them.

    int() alone would also take a sign, ``0x2d``, ``1_0``, spaces and non-ASCII digits.
    """
    allowed = _HEX_DIGITS if base == 16 else _HEX_DIGITS.intersection("0123456789")
    if not digits or not allowed.issuperset(digits):
        raise ValueError(f"not a size in base {base}: {digits!r}")
    return int(digits, base)
