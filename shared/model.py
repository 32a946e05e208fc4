"""The package resource: its fields, their rules, and how writes turn bodies into packages.

Validation uses the real packaging rules (PEP 508 names, PEP 503 normalization, PEP 440
versions and specifiers) from the ``packaging`` library. Every broken field is reported, not
just the first, so a curator can fix a body in one go.
"""

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from shared.codec import OutOfRangeNumber
from shared.problems import FieldError, ValidationFailed

MAX_NAME_LENGTH = 100
# PEP 440 sets no length; this one keeps every number in a version far below the 4,300 digits
# Python's int() refuses (packaging parses them with int()).
MAX_VERSION_LENGTH = 100
MAX_SUMMARY_LENGTH = 512
MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 50
# The largest integer every JSON reader holds exactly (I-JSON, RFC 7493 section 2.2).
MAX_DOWNLOAD_RANK = 2**53 - 1


@dataclass(frozen=True, slots=True)
class Package:
    # Field order is the order of every JSON body (API.md).
    name: str
    normalized_name: str
    version: str
    summary: str
    license: str | None
    home_page: str | None
    author: str | None
    requires_python: str | None
    keywords: tuple[str, ...]
    download_rank: int | None
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        # Written out rather than dataclasses.asdict(), which deep-copies: 5x slower on /rand.
        return {
            "name": self.name,
            "normalized_name": self.normalized_name,
            "version": self.version,
            "summary": self.summary,
            "license": self.license,
            "home_page": self.home_page,
            "author": self.author,
            "requires_python": self.requires_python,
            "keywords": list(self.keywords),
            "download_rank": self.download_rank,
            "updated_at": self.updated_at,
        }


FIELD_NAMES = tuple(f.name for f in fields(Package))
READ_ONLY_FIELDS = frozenset({"normalized_name", "updated_at"})
REQUIRED_FIELDS = ("name", "version", "summary")
OPTIONAL_DEFAULTS: dict[str, Any] = {
    "license": None,
    "home_page": None,
    "author": None,
    "requires_python": None,
    "keywords": [],
    "download_rank": None,
}
WRITABLE_FIELDS = REQUIRED_FIELDS + tuple(OPTIONAL_DEFAULTS)


def normalize_name(name: str) -> str:
    """PEP 503 canonical form, the package's key: ``Flask_SQLAlchemy`` → ``flask-sqlalchemy``."""
    return canonicalize_name(name)


def utc_timestamp(moment: datetime | None = None) -> str:
    """RFC 3339 in UTC at second precision, as ``updated_at`` is written."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Each checker returns an error message, or None when the value is fine.
def _check_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if len(value) > MAX_NAME_LENGTH:
        return f"must be at most {MAX_NAME_LENGTH} characters"
    try:
        canonicalize_name(value, validate=True)
    except InvalidName:
        return f"not a valid PEP 508 project name: {value!r}"
    return None


def _check_version(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if len(value) > MAX_VERSION_LENGTH:
        return f"must be at most {MAX_VERSION_LENGTH} characters"
    try:
        Version(value)
    except InvalidVersion:
        return f"not a valid PEP 440 version: {value!r}"
    return None


def _check_summary(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if len(value) > MAX_SUMMARY_LENGTH:
        return f"must be at most {MAX_SUMMARY_LENGTH} characters"
    return None


def _check_optional_string(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "must be a string or null"


def _check_home_page(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return "must be a string or null"
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"must be an http or https URL: {value!r}"
    return None


def _check_requires_python(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return "must be a string or null"
    if not value.strip():
        return "must not be blank; use null for no constraint"
    try:
        SpecifierSet(value)
    except InvalidSpecifier:
        return f"not a valid PEP 440 specifier set: {value!r}"
    return None


def _check_keywords(value: Any) -> str | None:
    if not isinstance(value, list):
        return "must be a list of strings"
    if len(value) > MAX_KEYWORDS:
        return f"must hold at most {MAX_KEYWORDS} keywords"
    for keyword in value:
        if not isinstance(keyword, str):
            return "must be a list of strings"
        if len(keyword) > MAX_KEYWORD_LENGTH:
            return f"each keyword must be at most {MAX_KEYWORD_LENGTH} characters"
    return None


def _check_download_rank(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, OutOfRangeNumber) or (type(value) is int and value > MAX_DOWNLOAD_RANK):
        return f"is too large: at most {MAX_DOWNLOAD_RANK}"
    # bool is a subclass of int in Python, but true is not a rank.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "must be a positive integer or null"
    return None


_CHECKERS = {
    "name": _check_name,
    "version": _check_version,
    "summary": _check_summary,
    "license": _check_optional_string,
    "home_page": _check_home_page,
    "author": _check_optional_string,
    "requires_python": _check_requires_python,
    "keywords": _check_keywords,
    "download_rank": _check_download_rank,
}


def _check_no_nul(value: Any) -> str | None:
    """NUL is no character of any name, version or text here, and PostgreSQL cannot store it."""
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(text, str) and "\x00" in text for text in texts):
        return "must not contain NUL (U+0000) characters"
    return None


def _unexpected_field_errors(body: dict) -> list[FieldError]:
    errors = []
    for key in body:
        if key in READ_ONLY_FIELDS:
            errors.append(FieldError(key, "is read-only: the server sets it"))
        elif key not in _CHECKERS:
            errors.append(FieldError(key, "is not a field of a package"))
    return errors


def _build(body: dict, updated_at: str) -> Package:
    """A package from a complete, valid body of writable fields."""
    return Package(
        name=body["name"],
        normalized_name=normalize_name(body["name"]),
        version=body["version"],
        summary=body["summary"],
        license=body["license"],
        home_page=body["home_page"],
        author=body["author"],
        requires_python=body["requires_python"],
        keywords=tuple(body["keywords"]),
        download_rank=body["download_rank"],
        updated_at=updated_at,
    )


def _validated(body: dict, extra_errors: list[FieldError] = ()) -> Package:
    """Check a full body (writable fields, defaults filled in) and build the package."""
    errors = list(extra_errors)
    for field_name in WRITABLE_FIELDS:
        if field_name not in body:
            errors.append(FieldError(field_name, "is required"))
            continue
        value = body[field_name]
        message = _check_no_nul(value) or _CHECKERS[field_name](value)
        if message:
            errors.append(FieldError(field_name, message))
    errors += _unexpected_field_errors(body)
    if errors:
        raise ValidationFailed(_in_field_order(errors))
    return _build(body, utc_timestamp())


def _in_field_order(errors: list[FieldError]) -> list[FieldError]:
    """Contract fields in their contract order, then unknown fields as they came."""
    rank = {name: index for index, name in enumerate(FIELD_NAMES)}
    return sorted(errors, key=lambda error: rank.get(error.field, len(rank)))


def package_from_body(body: dict) -> Package:
    """``POST``: a new package from a request body; missing optional fields get defaults."""
    return _validated({**OPTIONAL_DEFAULTS, **body})


def replacement_from_body(body: dict, normalized_name: str) -> Package:
    """``PUT``: a full replacement whose name must normalize to the one in the path."""
    errors = []
    name = body.get("name")
    if _check_name(name) is None and normalize_name(name) != normalized_name:
        message = f"must normalize to {normalized_name!r}, the name in the path"
        errors.append(FieldError("name", message))
    return _validated({**OPTIONAL_DEFAULTS, **body}, errors)


def merge_patch(current: Package, patch: dict) -> Package:
    """``PATCH``: apply a JSON merge patch (RFC 7396) to the writable fields.

    A member set to null removes an optional field (back to its default) and is an error for a
    required one; the name cannot be patched, since it is the package's identity.
    """
    errors = []
    merged = {key: value for key, value in current.to_dict().items() if key not in READ_ONLY_FIELDS}
    for key, value in patch.items():
        if key == "name":
            errors.append(FieldError("name", "cannot be patched; it is the package's identity"))
        elif key in REQUIRED_FIELDS and value is None:
            errors.append(FieldError(key, "is required and cannot be removed"))
        elif key in OPTIONAL_DEFAULTS and value is None:
            merged[key] = OPTIONAL_DEFAULTS[key]
        else:
            merged[key] = value
    return _validated(merged, errors)
