"""Query strings: paging and search for ``GET /packages``, the date of ``GET /daily``.

Parsed from the raw query string in one place: Sanic's ``request.args`` drops blank values
(``?page=`` looks absent) while Flask keeps them, and the contract says a blank value is a 422.
"""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs

from shared.problems import FieldError, ValidationFailed

MAX_QUERY_LENGTH = 100
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
# Far past the end of any catalogue (such a page is 200 with no items), yet small enough that
# its offset stays a 64-bit SQL integer.
MAX_PAGE = 10**15

_DIGITS = re.compile(r"[0-9]{1,16}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class PageQuery:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    q: str | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def first_values(query_string: str | bytes) -> dict[str, str]:
    """Each parameter's first value, blank values kept (a repeated parameter counts once)."""
    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    parsed = parse_qs(query_string, keep_blank_values=True, errors="replace")
    return {name: values[0] for name, values in parsed.items()}


def _bounded_int(params: dict, name: str, default: int, low: int, high: int, errors: list) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        errors.append(FieldError(name, f"must be an integer from {low} to {high}, not {raw!r}"))
        return default
    return int(raw)


def parse_page_query(query_string: str | bytes) -> PageQuery:
    params = first_values(query_string)
    errors: list[FieldError] = []
    q = params.get("q")
    if q is not None and not 1 <= len(q) <= MAX_QUERY_LENGTH:
        errors.append(FieldError("q", f"must be 1 to {MAX_QUERY_LENGTH} characters"))
    elif q is not None and "\x00" in q:
        errors.append(FieldError("q", "must not contain NUL (U+0000) characters"))
    page = _bounded_int(params, "page", 1, 1, MAX_PAGE, errors)
    per_page = _bounded_int(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, errors)
    if errors:
        raise ValidationFailed(errors)
    return PageQuery(page=page, per_page=per_page, q=q)


def parse_daily_date(query_string: str | bytes) -> date | None:
    """The ``date`` parameter of ``/daily`` as a real calendar date, or None when absent."""
    raw = first_values(query_string).get("date")
    if raw is None:
        return None
    if _ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValidationFailed([FieldError("date", f"must be a real date as YYYY-MM-DD, not {raw!r}")])


def matches_query(normalized_name: str, summary: str, q: str) -> bool:
    """The search rule: ``q`` lower-cased is a substring of the name or the lower-cased summary."""
    needle = q.lower()
    return needle in normalized_name or needle in summary.lower()
