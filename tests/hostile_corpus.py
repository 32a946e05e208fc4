"""The hostile-input corpus: raw request bytes and the status both apps must answer.

``tests/test_hostile_corpus.py`` sends each case over a raw socket to a real gunicorn and a
real Sanic server. The cases aim their writes at one package, ``TARGET``; ``{etag}`` in a case
stands for its current ETag on that server. The curator token is UTF-8 and not ASCII, so that
header bytes matter. ``gunicorn_page`` marks the requests gunicorn refuses itself, with its
own HTML page, before Flask sees them (docs/reliability.md lists them); every other refusal is a
problem+json from the app.

``python -m tests.hostile_corpus`` prints the summary kept in ``docs/reliability.md``.
"""

from collections import Counter
from dataclasses import dataclass

CURATOR_TOKEN = "corpus-tökén"
TARGET = "hostile-target"
# A line a client would like to see in the server's log, and the marker it is found by.
FORGED_PREFIX = b"[1999-12-31 23:59:59 +0000] [1] [CRITICAL]"
FORGED_LINE = FORGED_PREFIX + b" forged-by-client"
FORGED_IN_PATH = FORGED_LINE.replace(b" ", b"%20")


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    request: bytes
    status: int
    gunicorn_page: bool = False
    # Sent this many times at once, ``{n}`` the copy's number: one gets ``status``, the rest 412.
    race: int = 1


def http(method: bytes, target: bytes, *fields: bytes, body: bytes | None = None) -> bytes:
    """A request with a Host, the given fields, and a Content-Length when there is a body."""
    lines = [method + b" " + target + b" HTTP/1.1", b"Host: pyaday.test", *fields]
    if body is not None:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def chunked(method: bytes, target: bytes, *fields: bytes, chunks: bytes) -> bytes:
    lines = [method + b" " + target + b" HTTP/1.1", b"Host: pyaday.test", *fields]
    return b"\r\n".join([*lines, b"Transfer-Encoding: chunked"]) + b"\r\n\r\n" + chunks


TOKEN = CURATOR_TOKEN.encode("utf-8")
AUTH = b"Authorization: Bearer " + TOKEN
JSON = b"Content-Type: application/json"
ITEM = b"/packages/" + TARGET.encode()
SUMMARY = b'{"summary":"set by the corpus"}'
SUMMARY_CHUNK = b"%x\r\n%s\r\n" % (len(SUMMARY), SUMMARY)
BIG = b"{" + b" " * (70 * 1024) + b"}"


def field_line_of(length: int) -> bytes:
    """``X-Pad: vvv...`` of exactly ``length`` bytes."""
    return b"X-Pad: " + b"v" * (length - len(b"X-Pad: "))


def head_of(length: int) -> bytes:
    """A GET / whose head (request line and field lines) is exactly ``length`` bytes."""
    start = b"GET / HTTP/1.1\r\nHost: pyaday.test\r\nX-A: " + b"a" * 5000 + b"\r\nX-B: "
    start += b"b" * 5000 + b"\r\nX-C: "
    return start + b"c" * (length - len(start)) + b"\r\n\r\n"


def json_write(body: bytes, method: bytes = b"PATCH", *fields: bytes) -> bytes:
    return http(method, ITEM, AUTH, JSON, *fields, body=body)


CASES = [
    # --- chunked framing: gunicorn raised inside the app (500), Sanic read int() loosely ---
    *(
        Case(
            f"chunk size {size!r}",
            "chunked framing",
            chunked(b"PATCH", ITEM, AUTH, JSON, chunks=size + b"\r\n" + SUMMARY + b"\r\n0\r\n\r\n"),
            400,
        )
        for size in (b"zz", b"-1f", b"0x1f", b"+1f", b" 1f", b"1_f", b"\xd9\xa2", b"")
    ),
    Case(
        "chunk without its CRLF",
        "chunked framing",
        chunked(b"PATCH", ITEM, AUTH, JSON, chunks=SUMMARY_CHUNK[:-2] + b"0\r\n\r\n"),
        400,
    ),
    Case(
        "chunked body read right",
        "chunked framing",
        chunked(
            b"PATCH", ITEM, AUTH, JSON, chunks=b"%X\r\n%s\r\n0\r\n\r\n" % (len(SUMMARY), SUMMARY)
        ),
        200,
    ),
    Case(
        "chunk extension",
        "chunked framing",
        chunked(
            b"PATCH",
            ITEM,
            AUTH,
            JSON,
            chunks=SUMMARY_CHUNK.replace(b"\r\n", b";a=b\r\n", 1) + b"0\r\n\r\n",
        ),
        200,
    ),
    Case(
        "Transfer-Encoding: Chunked",
        "chunked framing",
        http(b"PATCH", ITEM, AUTH, JSON, b"Transfer-Encoding: Chunked")
        + SUMMARY_CHUNK
        + b"0\r\n\r\n",
        200,
    ),
    Case(
        "Transfer-Encoding: gzip, chunked",
        "chunked framing",
        http(b"PATCH", ITEM, AUTH, JSON, b"Transfer-Encoding: gzip, chunked") + b"0\r\n\r\n",
        400,
    ),
    *(
        Case(
            f"Transfer-Encoding: {coding.decode()}",
            "chunked framing",
            http(b"PATCH", ITEM, AUTH, JSON, b"Transfer-Encoding: " + coding) + b"0\r\n\r\n",
            400,
            gunicorn_page=True,
        )
        for coding in (b"chunked, gzip", b"identity", b"chunked, chunked")
    ),
    *(
        Case(
            f"Transfer-Encoding: {coding.decode()}",
            "chunked framing",
            http(b"PATCH", ITEM, AUTH, JSON, b"Transfer-Encoding: " + coding) + b"0\r\n\r\n",
            501,
            gunicorn_page=True,
        )
        for coding in (b"br", b"br, chunked", b"chunked,")
    ),
    Case(
        "Content-Length with chunked",
        "chunked framing",
        http(b"PATCH", ITEM, AUTH, JSON, b"Content-Length: 5", b"Transfer-Encoding: chunked")
        + b"0\r\n\r\n",
        400,
        gunicorn_page=True,
    ),
    Case(
        "chunked in HTTP/1.0",
        "chunked framing",
        b"PATCH " + ITEM + b" HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
        gunicorn_page=True,
    ),
    # --- log forging: a line feed from the client must not start a log line ------------------
    Case(
        "the audit's forged line",
        "log forging",
        chunked(b"PUT", b"/packages/x%0A" + FORGED_IN_PATH, AUTH, JSON, chunks=b"zz\r\n"),
        400,
    ),
    Case("forged line in a path", "log forging", http(b"GET", b"/x%0D%0A" + FORGED_IN_PATH), 404),
    Case(
        "forged line in a name",
        "log forging",
        http(b"DELETE", b"/packages/x%0A" + FORGED_IN_PATH, AUTH),
        404,
    ),
    Case(
        "forged line in a query",
        "log forging",
        http(b"GET", b"/packages?q=%0A" + FORGED_IN_PATH),
        200,
    ),
    Case(
        "forged line after a CR",
        "log forging",
        http(b"GET", b"/", b"X-Note: a\r" + FORGED_LINE),
        400,
        gunicorn_page=True,
    ),
    Case(
        "forged line in a body",
        "log forging",
        json_write(b'{"colour":"\\n' + FORGED_LINE + b'"}'),
        422,
    ),
    # --- header bytes: Latin-1 to gunicorn, UTF-8 to Sanic, octets to both now ---------------
    Case("token as UTF-8 octets", "header bytes", json_write(SUMMARY), 200),
    Case(
        "token as Latin-1 octets",
        "header bytes",
        http(
            b"PATCH",
            ITEM,
            "Authorization: Bearer corpus-tökén".encode("latin-1"),
            JSON,
            body=SUMMARY,
        ),
        401,
    ),
    Case(
        "Authorization: Bearer \\xff",
        "header bytes",
        http(b"DELETE", ITEM, b"Authorization: Bearer \xff"),
        401,
    ),
    Case(
        "Content-Type: text/\\xff",
        "header bytes",
        http(b"POST", b"/packages", AUTH, b"Content-Type: text/\xff", body=b"{}"),
        415,
    ),
    Case(
        'If-Match: "\\xff"', "header bytes", json_write(SUMMARY, b"PATCH", b'If-Match: "\xff"'), 412
    ),
    Case("a value of \\xff octets", "header bytes", http(b"GET", b"/", b"X-Note: \xff\xfe"), 200),
    Case("method G\\xffT", "header bytes", http(b"G\xffT", b"/"), 400, gunicorn_page=True),
    Case(
        "field name X\\xff",
        "header bytes",
        http(b"GET", b"/", b"X\xff: a"),
        400,
        gunicorn_page=True,
    ),
    # --- paths: RFC 3986, read the same way by both apps ---------------------------------------
    Case("GET //", "paths", http(b"GET", b"//"), 404),
    Case("POST //", "paths", http(b"POST", b"//", AUTH, JSON, body=b"{}"), 404),
    Case("GET //packages/flask", "paths", http(b"GET", b"//packages/flask"), 404),
    Case("GET /packages//flask", "paths", http(b"GET", b"/packages//flask"), 404),
    Case("GET /packages%2Fflask", "paths", http(b"GET", b"/packages%2Fflask"), 404),
    Case(
        "DELETE /packages%2F<target>",
        "paths",
        http(b"DELETE", ITEM.replace(b"/", b"%2F").replace(b"%2F", b"/", 1), AUTH),
        404,
    ),
    Case(
        "PUT /packages%2f<target>",
        "paths",
        http(b"PUT", ITEM.replace(b"/", b"%2f").replace(b"%2f", b"/", 1), AUTH, JSON, body=b"{}"),
        404,
    ),
    Case("GET /packages/a%2Fb", "paths", http(b"GET", b"/packages/a%2Fb"), 404),
    Case("GET /%70ackages/flask", "paths", http(b"GET", b"/%70ackages/flask"), 200),
    Case("GET /packages/fl%61sk", "paths", http(b"GET", b"/packages/fl%61sk"), 200),
    Case("GET /packages/bot%256f3", "paths", http(b"GET", b"/packages/bot%256f3"), 404),
    Case("GET /packages/../health", "paths", http(b"GET", b"/packages/../health"), 404),
    Case("GET /packages/%2e%2e/health", "paths", http(b"GET", b"/packages/%2e%2e/health"), 404),
    Case("GET /PACKAGES/flask", "paths", http(b"GET", b"/PACKAGES/flask"), 404),
    Case("GET /packages/flask%", "paths", http(b"GET", b"/packages/flask%"), 400),
    Case("GET /packages/fl%zzask", "paths", http(b"GET", b"/packages/fl%zzask"), 400),
    Case("GET /packages/flask#frag", "paths", http(b"GET", b"/packages/flask#frag"), 400),
    Case(
        "absolute-form http URL", "paths", http(b"GET", b"http://pyaday.test/packages/flask"), 200
    ),
    Case("absolute-form ftp URL", "paths", http(b"GET", b"ftp://pyaday.test/packages/flask"), 400),
    # --- the request line ----------------------------------------------------------------------
    Case(
        "no leading slash", "request line", http(b"GET", b"packages/flask"), 400, gunicorn_page=True
    ),
    Case("CONNECT host:port", "request line", http(b"CONNECT", b"127.0.0.1:80"), 400),
    Case("OPTIONS *", "request line", http(b"OPTIONS", b"*"), 400),
    Case("GET *", "request line", http(b"GET", b"*"), 400, gunicorn_page=True),
    Case("lower-case method", "request line", http(b"get", b"/"), 400, gunicorn_page=True),
    Case("method of 2 letters", "request line", http(b"GE", b"/"), 400, gunicorn_page=True),
    Case(
        "method of 21 letters",
        "request line",
        http(b"ABCDEFGHIJKLMNOPQRSTU", b"/"),
        400,
        gunicorn_page=True,
    ),
    Case("unknown method", "request line", http(b"PURGE", b"/"), 405),
    Case("HTTP/1.2", "request line", b"GET / HTTP/1.2\r\nHost: pyaday.test\r\n\r\n", 400),
    Case(
        "HTTP/2.0",
        "request line",
        b"GET / HTTP/2.0\r\nHost: pyaday.test\r\n\r\n",
        400,
        gunicorn_page=True,
    ),
    Case(
        "two spaces",
        "request line",
        b"GET  / HTTP/1.1\r\nHost: pyaday.test\r\n\r\n",
        400,
        gunicorn_page=True,
    ),
    Case(
        "control character in the target",
        "request line",
        http(b"GET", b"/a\x01b"),
        400,
        gunicorn_page=True,
    ),
    Case(
        "non-ASCII target", "request line", http(b"GET", b"/caf\xc3\xa9"), 400, gunicorn_page=True
    ),
    # --- limits: 414, 431 and 413, at the same bounds -------------------------------------------
    Case(
        "request line of 4094 bytes",
        "limits",
        http(b"GET", b"/" + b"a" * (4094 - len(b"GET / HTTP/1.1"))),
        404,
    ),
    Case(
        "request line of 4095 bytes",
        "limits",
        http(b"GET", b"/" + b"a" * (4095 - len(b"GET / HTTP/1.1"))),
        414,
        gunicorn_page=True,
    ),
    Case(
        "URL of 9,000 characters",
        "limits",
        http(b"GET", b"/" + b"a" * 9000),
        414,
        gunicorn_page=True,
    ),
    Case(
        "URL of 20,000 characters",
        "limits",
        http(b"GET", b"/" + b"a" * 20000),
        414,
        gunicorn_page=True,
    ),
    Case("field line of 8190 bytes", "limits", http(b"GET", b"/", field_line_of(8188)), 200),
    Case(
        "field line of 8191 bytes",
        "limits",
        http(b"GET", b"/", field_line_of(8189)),
        431,
        gunicorn_page=True,
    ),
    Case(
        "header of 9,000 characters",
        "limits",
        http(b"GET", b"/", field_line_of(9000)),
        431,
        gunicorn_page=True,
    ),
    Case(
        "100 header fields", "limits", http(b"GET", b"/", *(b"X-%d: v" % i for i in range(99))), 200
    ),
    Case(
        "101 header fields",
        "limits",
        http(b"GET", b"/", *(b"X-%d: v" % i for i in range(100))),
        431,
        gunicorn_page=True,
    ),
    Case("head of 16383 bytes", "limits", head_of(16383), 200),
    Case("head of 16384 bytes", "limits", head_of(16384), 431),
    Case("GET with a 70 KB body", "limits", http(b"GET", b"/", body=BIG), 413),
    Case(
        "GET with a 70 KB chunked body",
        "limits",
        chunked(b"GET", b"/", chunks=b"%x\r\n%s\r\n0\r\n\r\n" % (len(BIG), BIG)),
        413,
    ),
    Case("HEAD with a 70 KB body", "limits", http(b"HEAD", b"/health", body=BIG), 413),
    Case(
        "Content-Length over 64 KiB, no body sent",
        "limits",
        http(b"PUT", ITEM, AUTH, JSON, b"Content-Length: 70000"),
        413,
    ),
    Case(
        "body of 64 KiB exactly",
        "limits",
        json_write(SUMMARY[:-1] + b" " * (65536 - len(SUMMARY)) + b"}"),
        200,
    ),
    Case(
        "body of 64 KiB and 1 byte",
        "limits",
        json_write(SUMMARY[:-1] + b" " * (65537 - len(SUMMARY)) + b"}"),
        413,
    ),
    # --- header fields Sanic's parser let through ------------------------------------------------
    *(
        Case(f"field {label}", "header fields", http(b"GET", b"/", line), 400, gunicorn_page=True)
        for label, line in (
            ("with a space before its colon", b"Host : pyaday.test"),
            ("without a colon", b"X-Note"),
            ("with an empty name", b": a"),
            ("name X@Y", b"X@Y: a"),
            ("holding NUL", b"X-Note: a\x00b"),
            ("holding DEL", b"X-Note: a\x7fb"),
            ("holding ESC", b"X-Note: a\x1bb"),
            ("folded onto a second line", b"X-Note: a\r\n b"),
            ("Host twice", b"Host: other.test"),
        )
    ),
    Case(
        "Content-Type twice",
        "header fields",
        http(b"POST", b"/packages", AUTH, JSON, JSON, body=b"{}"),
        400,
        gunicorn_page=True,
    ),
    Case(
        "Expect: something-else",
        "header fields",
        http(b"GET", b"/", b"Expect: nothing"),
        417,
        gunicorn_page=True,
    ),
    *(
        Case(
            f"Content-Length: {label}",
            "header fields",
            http(b"POST", b"/packages", AUTH, JSON, b"Content-Length" + value) + b"{}",
            400,
            gunicorn_page=True,
        )
        for label, value in (
            ("+2", b": +2"),
            ("0x2", b": 0x2"),
            ("in Arabic-Indic digits", b": \xd9\xa2"),
            ("2, 2", b": 2, 2"),
            ("with a space before its colon", b" : 2"),
        )
    ),
    Case(
        "Content-Length twice",
        "header fields",
        http(b"POST", b"/packages", AUTH, JSON, b"Content-Length: 2", b"Content-Length: 2") + b"{}",
        400,
        gunicorn_page=True,
    ),
    # --- bodies that crashed the decoder, or that it read two ways -------------------------------
    Case("20,000 nested arrays", "JSON bodies", json_write(b"[" * 20000 + b"]" * 20000), 400),
    Case(
        "4,000 nested objects", "JSON bodies", json_write(b'{"a":' * 4000 + b"1" + b"}" * 4000), 400
    ),
    Case("download_rank 1e400", "JSON bodies", json_write(b'{"download_rank":1e400}'), 422),
    Case("a field of -1e999", "JSON bodies", json_write(b'{"license":-1e999}'), 422),
    Case(
        "download_rank of 5,001 digits",
        "JSON bodies",
        json_write(b'{"download_rank":1' + b"0" * 5000 + b"}"),
        422,
    ),
    Case(
        "download_rank of 2**53",
        "JSON bodies",
        json_write(b'{"download_rank":9007199254740992}'),
        422,
    ),
    Case(
        "version of 4,301 digits",
        "JSON bodies",
        json_write(b'{"version":"' + b"1" * 4301 + b'"}'),
        422,
    ),
    Case("NaN", "JSON bodies", json_write(b'{"download_rank":NaN}'), 400),
    Case("-Infinity", "JSON bodies", json_write(b'{"download_rank":-Infinity}'), 400),
    Case("a lone surrogate", "JSON bodies", json_write(b'{"summary":"\\ud800"}'), 400),
    Case("NUL in a string", "JSON bodies", json_write(b'{"summary":"a\\u0000b"}'), 422),
    Case("a byte order mark", "JSON bodies", json_write(b"\xef\xbb\xbf" + SUMMARY), 400),
    Case("a member twice", "JSON bodies", json_write(b'{"summary":"one","summary":"two"}'), 400),
    Case("bytes that are not UTF-8", "JSON bodies", json_write(b'{"summary":"\xc0\xaf"}'), 400),
    # --- If-Match and If-None-Match, by RFC 9110's list grammar -----------------------------------
    *(
        Case(
            f"If-Match: {value.decode()}",
            "conditional lists",
            json_write(SUMMARY, b"PATCH", b"If-Match: " + value),
            412,
        )
        for value in (b"junk{etag}", b"w/{etag}", b'"nope", x{etag}', b"*, {etag}", b"W/{etag}")
    ),
    Case(
        'If-Match: "nope", {etag}',
        "conditional lists",
        json_write(SUMMARY, b"PATCH", b'If-Match: "nope", {etag}'),
        200,
    ),
    Case(
        "If-None-Match: junk{etag}",
        "conditional lists",
        http(b"GET", ITEM, b"If-None-Match: junk{etag}"),
        200,
    ),
    Case(
        "If-None-Match: W/{etag}",
        "conditional lists",
        http(b"GET", ITEM, b"If-None-Match: W/{etag}"),
        304,
    ),
    # --- token tricks (the audit's list of what held) --------------------------------------------
    *(
        Case(f"Authorization: {label}", "token tricks", http(b"DELETE", ITEM, line), 401)
        for label, line in (
            ("none", b"X-Note: no token"),
            ("Bearer alone", b"Authorization: Bearer"),
            ("Basic", b"Authorization: Basic Y29ycHVzOg=="),
            ("a tab after Bearer", b"Authorization: Bearer\t" + TOKEN),
            ("an NBSP after the token", AUTH + b"\xa0"),
            ("a UTF-8 NBSP after the token", AUTH + b"\xc2\xa0"),
            ("the token in capitals", b"Authorization: Bearer " + TOKEN.upper()),
            ("one byte more", AUTH + b"x"),
            ("twice", AUTH + b"\r\n" + AUTH),
        )
    ),
    Case(
        "bearer in lower case",
        "token tricks",
        http(b"PATCH", ITEM, b"Authorization: bearer  " + TOKEN, JSON, body=SUMMARY),
        200,
    ),
    # --- the order of checks (the audit's list of what held) -------------------------------------
    Case(
        "route before size",
        "check order",
        http(b"POST", ITEM, b"Content-Type: text/plain", body=BIG),
        405,
    ),
    Case("size before token", "check order", http(b"PUT", ITEM, body=BIG), 413),
    Case(
        "token before content type",
        "check order",
        http(b"PUT", ITEM, b"Content-Type: text/plain", body=b"{nope"),
        401,
    ),
    Case(
        "content type before JSON",
        "check order",
        http(b"PUT", ITEM, AUTH, b"Content-Type: text/plain", body=b"{nope"),
        415,
    ),
    Case(
        "JSON before existence",
        "check order",
        http(b"PUT", b"/packages/no-such-package", AUTH, JSON, body=b"{nope"),
        400,
    ),
    Case(
        "existence before If-Match",
        "check order",
        http(
            b"PATCH", b"/packages/no-such-package", AUTH, JSON, b'If-Match: "stale"', body=SUMMARY
        ),
        404,
    ),
    Case(
        "If-Match before the rules",
        "check order",
        json_write(b'{"version":"not a version"}', b"PATCH", b'If-Match: "stale"'),
        412,
    ),
    Case(
        "the rules before uniqueness",
        "check order",
        http(
            b"POST",
            b"/packages",
            AUTH,
            JSON,
            body=b'{"name":"%s","version":"x","summary":""}' % TARGET.encode(),
        ),
        422,
    ),
    # --- paging (the audit's list of what held) ---------------------------------------------------
    Case("page 10**15", "page overflow", http(b"GET", b"/packages?page=1000000000000000"), 200),
    Case("page 10**15 + 1", "page overflow", http(b"GET", b"/packages?page=1000000000000001"), 422),
    Case("page of 30 digits", "page overflow", http(b"GET", b"/packages?page=" + b"9" * 30), 422),
    Case(
        "page in Arabic-Indic digits", "page overflow", http(b"GET", b"/packages?page=%D9%A1"), 422
    ),
    # --- racing writes (the audit's list of what held) --------------------------------------------
    Case(
        "8 PATCHes with the same If-Match",
        "racing writes",
        json_write(b'{"summary":"racer {n}"}', b"PATCH", b"If-Match: {etag}"),
        200,
        race=8,
    ),
]


def summary() -> str:
    """The section of ``docs/reliability.md`` that lists what the corpus holds."""
    kinds = Counter(case.kind for case in CASES)
    rows = "\n".join(f"| {kind} | {count} |" for kind, count in kinds.items())
    pages = sum(case.gunicorn_page for case in CASES)
    return (
        f"The corpus holds {len(CASES)} raw requests, each sent to both servers "
        f"({pages} of them refused by gunicorn itself before Flask sees them):\n\n"
        f"| class of hostile input | cases |\n|---|---|\n{rows}\n"
    )


if __name__ == "__main__":
    print(summary(), end="")
