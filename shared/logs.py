"""Log lines a client cannot forge: control characters from a request are escaped.

A request path, a header or an exception message can carry a line feed; written raw, what
follows it would read as a log line of its own (``[2026-11-25 ...] [CRITICAL] ...``). Both apps
attach ``EscapeControlCharacters`` to their loggers: a record's message, and the messages inside
its traceback, keep their text with every control character written as an escape.
"""

import logging
import re
import traceback

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control_characters(text: str) -> str:
    """``"a\\nb"`` → ``"a\\\\nb"``: the same text on one line, each control as Python writes it."""
    return _CONTROL.sub(lambda match: repr(match[0])[1:-1], text)


def safe_traceback(error: BaseException) -> str:
    """The traceback as logging formats it, with every exception message escaped.

    The frames are the program's own text; an exception's message may hold a client's.
    """
    formatted = traceback.TracebackException.from_exception(error)
    messages = set()
    pending = [formatted]
    while pending:
        exception = pending.pop()
        messages.update(exception.format_exception_only())
        pending += [e for e in (exception.__cause__, exception.__context__) if e is not None]
    chunks = [
        escape_control_characters(chunk.removesuffix("\n")) + "\n" if chunk in messages else chunk
        for chunk in formatted.format()
    ]
    return "".join(chunks).removesuffix("\n")


class EscapeControlCharacters(logging.Filter):
    """Rewrites each record before any handler formats it (add it to the logger itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = escape_control_characters(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = safe_traceback(record.exc_info[1])
        return True
