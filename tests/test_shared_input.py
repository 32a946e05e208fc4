"""Hostile input at the shared layer: request targets, request heads, JSON bodies, headers,
entity tags and log lines, each read one way for both apps (no framework here)."""

import logging

import pytest
from httptools import parse_url

from shared.codec import CODECS, MAX_JSON_DEPTH, OutOfRangeNumber, get_codec, parse_json_object
from shared.conditional import etag_for, if_match_allows, if_none_match_hits
from shared.http1 import check_head, check_message, parse_size
from shared.logs import EscapeControlCharacters, escape_control_characters
from shared.model import MAX_DOWNLOAD_RANK, package_from_body
from shared.paths import NO_PATH, read_target
from shared.problems import (
    BadRequest,
    HeaderFieldsTooLarge,
    HttpError,
    InvalidBody,
    ResourceNotFound,
    Unauthorized,
    UnsupportedMediaType,
    UriTooLong,
    ValidationFailed,
)
from shared.requests import media_type, octets_as_latin1, parse_json_write, require_curator

ETAG = etag_for(b'{"name":"x"}')
VALID = {"name": "x", "version": "1.0", "summary": "s"}

# --- request targets (shared/paths.py) -----------------------------------------------------


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("/packages/flask?q=x", "/packages/flask"),
        ("/%70ackages/fl%61sk", "/packages/flask"),  # unreserved escapes are the characters
        ("/packages/a%2fb", "/packages/a%2Fb"),  # %2F stays an escape, in upper case
        ("/packages/%7e%2D%5F%2E", "/packages/~-_."),
        ("/packages/bot%256f3", "/packages/bot%256f3"),  # decoded once, later, by the route
        ("/packages/caf%c3%a9", "/packages/caf%C3%A9"),
        ("http://example.org/packages/flask?x", "/packages/flask"),
        ("HTTPS://example.org", "/"),
        ("/packages/..", "/packages/.."),  # dot-segments are not removed
    ],
)
def test_targets_are_normalized_as_rfc_3986_says(target, path):
    assert read_target(target).path == path
    assert read_target(target).problem is None


@pytest.mark.parametrize("target", ["//", "//packages/flask", "/packages//flask", "/a%2F/%2F//"])
def test_an_empty_segment_names_no_resource(target):
    assert isinstance(read_target(target).problem, ResourceNotFound)


@pytest.mark.parametrize(
    "target",
    [
        "",
        "*",
        "packages/flask",
        "127.0.0.1:80",
        "ftp://example.org/packages/flask",
        "/packages/flask%",
        "/packages/fl%zzask",
        "/packages/flask#fragment",
        "/caf\u00e9",
        "/a\x01b",
        "/a\x7fb",
        "/a b",
    ],
)
def test_a_target_that_names_no_path_is_400(target):
    read = read_target(target)
    assert isinstance(read.problem, BadRequest) and read.path == NO_PATH


def test_every_target_the_apps_accept_is_one_sanics_url_parser_accepts():
    # The Sanic app builds a request on "/" for a target it refuses; any other target reaches
    # httptools' parser, which must not raise (it would drop the connection).
    for code in range(0x21, 0x7F):
        target = f"/a{chr(code)}b?c{chr(code)}d"
        if read_target(target).problem is None:
            parse_url(target.encode("ascii"))


# --- request heads (shared/http1.py) -------------------------------------------------------

HEAD = b"GET / HTTP/1.1\r\nHost: example.org"


@pytest.mark.parametrize(
    "head",
    [
        HEAD,
        HEAD + b"\r\nX-Tab: a\tb\r\nX-Octets: \xff\xfe",
        HEAD + b"\r\nTransfer-Encoding: Chunked ",
        HEAD + b"\r\nExpect: 100-Continue",
        b"M-SEARCH * HTTP/1.1",
    ],
)
def test_well_formed_heads_pass(head):
    check_head(head)


@pytest.mark.parametrize(
    "head",
    [
        b"get / HTTP/1.1",
        b"G\xffT / HTTP/1.1",
        b"GE / HTTP/1.1",
        b"ABCDEFGHIJKLMNOPQRSTU / HTTP/1.1",
        b"G#T / HTTP/1.1",
        HEAD + b"\r\nHost : x",
        HEAD + b"\r\nX@Y: v",
        HEAD + b"\r\nX\xff: v",
        HEAD + b"\r\n: v",
        HEAD + b"\r\nX: a\x00b",
        HEAD + b"\r\nX: a\rb",
        HEAD + b"\r\nX: a\x7fb",
        HEAD + b"\r\nX: a\x1bb",
        HEAD + b"\r\nHost: other",
        HEAD + b"\r\nContent-Type: a/b\r\nContent-Type: a/b",
        HEAD + b"\r\nTransfer-Encoding: gzip, chunked",
        HEAD + b"\r\nTransfer-Encoding: identity",
        b"GET / HTTP/1.0\r\nTransfer-Encoding: chunked",
        b"GET / HTTP/1.2",
    ],
)
def test_malformed_heads_are_400(head):
    with pytest.raises(BadRequest):
        check_head(head)


def test_head_limits_are_414_and_431_at_gunicorns_bounds():
    check_head(b"GET /" + b"a" * (4094 - 14) + b" HTTP/1.1")
    with pytest.raises(UriTooLong):
        check_head(b"GET /" + b"a" * (4095 - 14) + b" HTTP/1.1")
    check_head(HEAD + b"\r\nX: " + b"v" * (8188 - 3))
    with pytest.raises(HeaderFieldsTooLarge):
        check_head(HEAD + b"\r\nX: " + b"v" * (8189 - 3))
    check_head(b"GET / HTTP/1.1" + b"".join(b"\r\nX-%d: v" % i for i in range(100)))
    with pytest.raises(HeaderFieldsTooLarge):
        check_head(b"GET / HTTP/1.1" + b"".join(b"\r\nX-%d: v" % i for i in range(101)))
    check_message("HTTP/1.1", None, 16383)
    with pytest.raises(HeaderFieldsTooLarge):
        check_message("HTTP/1.1", None, 16384)


@pytest.mark.parametrize("coding", [b"br", b"br, chunked", b"chunked, x-foo", b"chunked,"])
def test_a_transfer_coding_gunicorn_does_not_know_is_501(coding):
    with pytest.raises(HttpError) as caught:
        check_head(HEAD + b"\r\nTransfer-Encoding: " + coding)
    assert caught.value.status == 501


def test_an_expectation_other_than_100_continue_is_417():
    with pytest.raises(HttpError) as caught:
        check_head(HEAD + b"\r\nExpect: something-else")
    assert caught.value.status == 417


@pytest.mark.parametrize(
    ("digits", "base", "size"),
    [("0", 10, 0), ("65536", 10, 65536), ("2d", 16, 45), ("FF", 16, 255)],
)
def test_sizes_are_ascii_digits(digits, base, size):
    assert parse_size(digits, base) == size


@pytest.mark.parametrize("digits", ["", "-2d", "+2", "0x2d", "1_0", " 2", "2 ", "\u0662", "zz"])
def test_sizes_int_would_take_are_refused(digits):
    with pytest.raises(ValueError):
        parse_size(digits, 16)


# --- header values, tokens, media types ----------------------------------------------------


def test_sanics_reading_of_header_bytes_becomes_gunicorns():
    raw = b"Bearer t\xc3\xb6k\xff"
    sanic_reading = raw.decode("utf-8", "surrogateescape")
    assert octets_as_latin1(sanic_reading) == raw.decode("latin-1")


def test_a_token_is_its_octets():
    utf8_token = "tökén"
    require_curator("Bearer " + utf8_token.encode().decode("latin-1"), (utf8_token,))
    with pytest.raises(Unauthorized):
        require_curator("Bearer " + utf8_token.encode("latin-1").decode("latin-1"), (utf8_token,))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer good\xa0",
        "Bearer\tgood",
        "Bearer\xa0good",
        "Bearer good\x85",
        "Bearer good extra",
        "Bearer good, Bearer good",
        "Bearer 'good'",
        "Bearer\x00good",
    ],
)
def test_only_spaces_and_tabs_are_whitespace_around_a_token(header):
    with pytest.raises(Unauthorized):
        require_curator(header, ("good",))


def test_malformed_media_types_are_415_without_echoing_them():
    assert media_type("text/\xff") is None and media_type("json") is None
    codec = get_codec("simplejson")
    with pytest.raises(UnsupportedMediaType) as caught:
        parse_json_write(codec, "text/\xff\n[forged]", b"{}")
    assert caught.value.detail == "Send the body as application/json, not a malformed Content-Type."


# --- entity tags (shared/conditional.py) ---------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        f"junk{ETAG}",
        f"w/{ETAG}",
        f'"nope", x{ETAG}',
        f"{ETAG} x",
        f"{ETAG}{ETAG}",
        f"*, {ETAG}",
        ETAG[:-1],
        ETAG.strip('"'),
        f"W /{ETAG}",
    ],
)
def test_a_malformed_list_matches_nothing(header):
    assert if_match_allows(header, ETAG) is False
    assert if_none_match_hits(header, ETAG) is False


@pytest.mark.parametrize(
    "header", [ETAG, f", ,{ETAG},", f'"a,b", {ETAG}', f'"\xff" ,\t{ETAG}', f" {ETAG} "]
)
def test_a_well_formed_list_matches_its_member(header):
    assert if_match_allows(header, ETAG) is True
    assert if_none_match_hits(header, ETAG) is True


# --- JSON bodies (shared/codec.py) ---------------------------------------------------------


@pytest.mark.parametrize("codec_name", sorted(CODECS))
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 20_000 + b"]" * 20_000,
        b'{"a":' * 4_000 + b"1" + b"}" * 4_000,
        b'{"keywords": ' + b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH + b"}",
        b'{"a": 1, "a": 2}',
        b'{"a": {"b": 1, "b": 1}}',
        b"\xef\xbb\xbf{}",
        b'{"a": -Infinity}',
    ],
)
def test_bodies_that_would_crash_or_mislead_a_decoder_are_400(codec_name, body):
    with pytest.raises(InvalidBody) as caught:
        parse_json_object(get_codec(codec_name), body)
    assert "Recursion" not in caught.value.detail and "sys." not in caught.value.detail


@pytest.mark.parametrize("codec_name", sorted(CODECS))
def test_numbers_no_python_number_holds_stay_json(codec_name):
    body = b'{"a": 1e400, "b": -1e999, "c": 1' + b"0" * 5_000 + b', "d": 12345678901234567890}'
    decoded = parse_json_object(get_codec(codec_name), body)
    assert [type(decoded[key]) for key in "abc"] == [OutOfRangeNumber] * 3
    assert decoded["d"] == 12345678901234567890
    strings = b'{"s": "[[[[{{{{\\"]]]"}'
    assert parse_json_object(get_codec(codec_name), strings) == {"s": '[[[[{{{{"]]]'}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("download_rank", 2**53, f"is too large: at most {MAX_DOWNLOAD_RANK}"),
        ("download_rank", OutOfRangeNumber("1e400"), f"is too large: at most {MAX_DOWNLOAD_RANK}"),
        ("summary", OutOfRangeNumber("-1e999"), "must be a string"),
        ("version", "1" * 4_301, "must be at most 100 characters"),
    ],
)
def test_numbers_and_versions_too_large_are_422_that_say_so(field, value, message):
    assert package_from_body({**VALID, "download_rank": MAX_DOWNLOAD_RANK, "version": "1" * 100})
    with pytest.raises(ValidationFailed) as caught:
        package_from_body({**VALID, field: value})
    assert [(e.field, e.message) for e in caught.value.errors] == [(field, message)]


# --- log lines (shared/logs.py) ------------------------------------------------------------

FORGED = "\n[1999-12-31 23:59:59 +0000] [1] [CRITICAL] forged"


def test_control_characters_are_escaped_onto_one_line():
    escaped = escape_control_characters("/x" + FORGED + "\r\x1b[31m\u2028\x85\x00")
    assert (
        escaped
        == "/x\\n[1999-12-31 23:59:59 +0000] [1] [CRITICAL] forged\\r\\x1b[31m\\u2028\\x85\\x00"
    )


def test_a_logged_record_and_its_traceback_keep_to_their_lines(caplog):
    log = logging.getLogger("tests.hostile.logs")
    log.addFilter(EscapeControlCharacters())
    try:
        try:
            raise ValueError("inner" + FORGED)
        except ValueError:
            raise KeyError("outer" + FORGED) from None
    except KeyError:
        log.exception("unhandled error on %s %s", "GET", "/x" + FORGED)
    text = caplog.text
    assert "forged" in text
    assert not any(line.lstrip().startswith("[1999-12-31") for line in text.splitlines())
