"""The one JSON codec both apps encode and decode with.

The talk ran Flask with simplejson; Flask 2.0 and later no longer pick it up by themselves, so
it is plugged in through Flask's JSON provider and Sanic's ``dumps=``. Both apps use the same
codec object, so a benchmark compares frameworks, not serializers. ``PYADAY_JSON_CODEC`` picks
another implementation of the same interface.
"""

import json
from typing import Any, Protocol

import simplejson

from shared.problems import InvalidBody


class JsonCodec(Protocol):
    name: str

    def dumps(self, obj: Any) -> str: ...

    def loads(self, data: bytes | str) -> Any: ...


def _reject_constant(token: str):
    # NaN and Infinity are JavaScript, not JSON (RFC 8259).
    raise ValueError(f"{token} is not valid JSON")


class SimplejsonCodec:
    """Compact UTF-8 JSON, fields in insertion order, non-ASCII written as itself."""

    name = "simplejson"
    # Built once: simplejson.dumps() with options builds a new encoder on every call.
    _encoder = simplejson.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

    def dumps(self, obj: Any) -> str:
        return self._encoder.encode(obj)

    def loads(self, data: bytes | str) -> Any:
        return simplejson.loads(data, parse_constant=_reject_constant)


class StdlibJsonCodec:
    """The standard library's ``json``, with the same output as ``SimplejsonCodec``."""

    name = "json"

    _encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)

    def dumps(self, obj: Any) -> str:
        return self._encoder.encode(obj)

    def loads(self, data: bytes | str) -> Any:
        return json.loads(data, parse_constant=_reject_constant)


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
        value = codec.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidBody(f"The body is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise InvalidBody(f"The body must be a JSON object, not {_json_kind(value)}.")
    try:
        # A \ud800 escape is JSON syntax but no Unicode character: it could never be written
        # back out as UTF-8, so refuse it here rather than store it and fail on every read.
        codec.dumps(value).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidBody("The body holds a lone UTF-16 surrogate (\\ud800 to \\udfff).") from None
    return value


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
