"""The one JSON codec both apps encode and decode with.

The talk ran Flask with simplejson; Flask 2.0 and later no longer pick it up by themselves, so
it is plugged in through Flask's JSON provider and, in Sanic, handed to each JSON response
(``dumps=``). Both apps use the same codec object, so a benchmark compares frameworks, not
serializers. ``PYADAY_JSON_CODEC`` picks another implementation of the same interface.

Decoding a request body is where hostile input meets the parser, so it is bounded here: depth,
number size, repeated members and lone surrogates are refused or marked before any rule runs.
"""

import json
import math
import re
from itertools import accumulate
from typing import Any, Protocol

import simplejson

from shared.problems import InvalidBody

# A request body nests objects and arrays at most this deep (a package needs 2). Checked before
# decoding: the decoders recurse once per level and would reach Python's recursion limit.
MAX_JSON_DEPTH = 32
# An integer literal longer than this is never a number of the contract (the largest, 2**53 - 1,
# has 16 digits), and int() refuses 4,300 digits and more (Python's int-string limit).
MAX_INTEGER_DIGITS = 20

_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class JsonCodec(Protocol):
    name: str

    def dumps(self, obj: Any) -> str: ...

    def loads(self, data: bytes | str) -> Any: ...


class OutOfRangeNumber:
    """A JSON number no Python int or float holds (``1e400``, 5,000 digits): valid JSON that
    validation reports as too large, rather than a decoder error or an infinity."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _reject_constant(token: str):
    # NaN and Infinity are JavaScript, not JSON (RFC 8259).
    raise ValueError(f"{token} is not valid JSON")


def _integer(text: str) -> int | OutOfRangeNumber:
    return int(text) if len(text.lstrip("-")) <= MAX_INTEGER_DIGITS else OutOfRangeNumber(text)


def _real(text: str) -> float | OutOfRangeNumber:
    value = float(text)
    return value if math.isfinite(value) else OutOfRangeNumber(text)


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> dict:
    """RFC 8259 leaves a repeated member's meaning open (first wins? last?); refuse it."""
    names = set()
    for name, _value in pairs:
        if name in names:
            raise ValueError(f"the member {name!r} appears twice in one object")
        names.add(name)
    return dict(pairs)


# How both codecs decode a request body: no NaN or Infinity, numbers that stay numbers, no
# repeated members.
_DECODING = {
    "parse_constant": _reject_constant,
    "parse_int": _integer,
    "parse_float": _real,
    "object_pairs_hook": _object_without_repeats,
}


class SimplejsonCodec:
    """Compact UTF-8 JSON, fields in insertion order, non-ASCII written as itself."""

    name = "simplejson"
    # Built once: simplejson.dumps() with options builds a new encoder on every call.
    _encoder = simplejson.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

    def dumps(self, obj: Any) -> str:
        return self._encoder.encode(obj)

    def loads(self, data: bytes | str) -> Any:
        return simplejson.loads(data, **_DECODING)


class StdlibJsonCodec:
    """The standard library's ``json``, with the same output as ``SimplejsonCodec``."""

    name = "json"

    _encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

    def dumps(self, obj: Any) -> str:
        return self._encoder.encode(obj)

    def loads(self, data: bytes | str) -> Any:
        return json.loads(data, **_DECODING)


CODECS: dict[str, JsonCodec] = {c.name: c for c in (SimplejsonCodec(), StdlibJsonCodec())}


def get_codec(name: str) -> JsonCodec:
    try:
        return CODECS[name]
    except KeyError:
        raise ValueError(f"unknown JSON codec {name!r}; choose one of {sorted(CODECS)}") from None


def parse_json_object(codec: JsonCodec, body: bytes) -> dict:
    """Decode a request body that must be a JSON object, or raise the 400 problem."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        detail = f"The body is not valid UTF-8: {error.reason} at byte {error.start}."
        raise InvalidBody(detail) from None
    if text.startswith("\ufeff"):
        # RFC 8259 section 8.1: senders must not add one. simplejson would skip it, json not.
        raise InvalidBody("The body starts with a byte order mark (U+FEFF).")
    if _nesting_depth(text) > MAX_JSON_DEPTH:
        raise InvalidBody(f"The body nests arrays and objects over {MAX_JSON_DEPTH} levels deep.")
    try:
        value = codec.loads(text)
    except ValueError as error:
        raise InvalidBody(f"The body is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise InvalidBody(f"The body must be a JSON object, not {_json_kind(value)}.")
    # A \ud800 escape is JSON syntax but no Unicode character: it could never be written back
    # out as UTF-8, so refuse it here rather than store it and fail on every read.
    if any(_is_lone_surrogate_text(string) for string in _strings(value)):
        raise InvalidBody("The body holds a lone UTF-16 surrogate (\\ud800 to \\udfff).")
    return value


def _nesting_depth(text: str) -> int:
    """How deep the brackets outside strings nest (valid JSON or not: the decoder judges)."""
    brackets = [token for token in _STRING_OR_BRACKET.findall(text) if token[0] != '"']
    return max(accumulate(1 if b in "[{" else -1 for b in brackets), default=0)


def _strings(value: Any):
    """Every string of a decoded value, member names included (its depth is bounded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for name, member in value.items():
            yield name
            yield from _strings(member)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _is_lone_surrogate_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
