"""What a PUT, PATCH or DELETE does to the current package (``shared.writes``), without a
framework or a store: the ``If-Match`` check first (412), then the rules (422)."""

import pytest

from shared import writes
from shared.bodies import package_etag
from shared.codec import get_codec
from shared.model import package_from_body
from shared.problems import PreconditionFailed, ValidationFailed

CODEC = get_codec("json")
CURRENT = package_from_body({"name": "Flask_SQLAlchemy", "version": "3.1.1", "summary": "old"})
ETAG = package_etag(CODEC, CURRENT)
STALE = '"not-the-current-one"'
REPLACEMENT = {"name": "flask-sqlalchemy", "version": "3.2.0", "summary": "new"}


# Ids by name: the ETag depends on the clock, and pytest-xdist's workers must collect the same ids.
@pytest.mark.parametrize(
    "if_match",
    [None, ETAG, "*", f"{STALE}, {ETAG}"],
    ids=["no-if-match", "current", "star", "stale-and-current"],
)
def test_a_replacement_goes_through_without_if_match_or_when_it_matches(if_match):
    replaced = writes.replace_with(CODEC, REPLACEMENT, if_match)(CURRENT)
    assert (replaced.name, replaced.version, replaced.summary) == (
        "flask-sqlalchemy",
        "3.2.0",
        "new",
    )
    assert replaced.normalized_name == CURRENT.normalized_name


def test_a_stale_if_match_refuses_each_write_before_its_rules():
    broken = {"name": "flask-sqlalchemy", "version": "not a version", "summary": "new"}
    with pytest.raises(PreconditionFailed):
        writes.replace_with(CODEC, broken, STALE)(CURRENT)
    with pytest.raises(PreconditionFailed):
        writes.patch_with(CODEC, {"version": "not a version"}, STALE)(CURRENT)
    with pytest.raises(PreconditionFailed):
        writes.delete_if_match(CODEC, STALE)(CURRENT)


def test_a_matching_write_still_meets_the_rules():
    with pytest.raises(ValidationFailed):
        writes.replace_with(CODEC, {**REPLACEMENT, "name": "another-name"}, ETAG)(CURRENT)
    with pytest.raises(ValidationFailed):
        writes.patch_with(CODEC, {"name": "flask-sqlalchemy"}, ETAG)(CURRENT)


def test_a_patch_merges_into_the_current_package():
    patched = writes.patch_with(CODEC, {"summary": "patched", "license": "MIT"}, ETAG)(CURRENT)
    assert (patched.version, patched.summary, patched.license) == ("3.1.1", "patched", "MIT")


def test_a_delete_checks_if_match_only():
    assert writes.delete_if_match(CODEC, None)(CURRENT) is None
    assert writes.delete_if_match(CODEC, ETAG)(CURRENT) is None


def test_the_etag_follows_the_codecs_bytes():
    """Both codecs write the same bytes, so an ETag from one app matches in the other."""
    assert package_etag(get_codec("simplejson"), CURRENT) == ETAG
    writes.delete_if_match(get_codec("simplejson"), ETAG)(CURRENT)
