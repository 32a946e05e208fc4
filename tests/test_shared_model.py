"""The package rules, without any framework."""

import pytest

from shared.catalogue import SEED_FILE, package_from_seed_row, seed_packages
from shared.model import (
    FIELD_NAMES,
    merge_patch,
    normalize_name,
    package_from_body,
    replacement_from_body,
    utc_timestamp,
)
from shared.problems import ValidationFailed

VALID = {"name": "Flask_SQLAlchemy", "version": "3.1.1", "summary": "Add SQLAlchemy."}


def broken_fields(body: dict, build=package_from_body) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        build(body)
    return {error.field: error.message for error in caught.value.errors}


def test_a_minimal_body_gets_the_defaults_and_a_normalized_name():
    package = package_from_body(VALID)
    assert package.normalized_name == "flask-sqlalchemy"
    assert package.to_dict() == {
        "name": "Flask_SQLAlchemy",
        "normalized_name": "flask-sqlalchemy",
        "version": "3.1.1",
        "summary": "Add SQLAlchemy.",
        "license": None,
        "home_page": None,
        "author": None,
        "requires_python": None,
        "keywords": [],
        "download_rank": None,
        "updated_at": package.updated_at,
    }
    assert list(package.to_dict()) == list(FIELD_NAMES)


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("Flask_SQLAlchemy", "flask-sqlalchemy"),
        ("zope.interface", "zope-interface"),
        ("A_.b", "a-b"),
    ],
)
def test_pep_503_normalization(name, normalized):
    assert normalize_name(name) == normalized


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "-leading-dash"),
        ("name", "has space"),
        ("name", "x" * 101),
        ("name", 42),
        ("version", "1.0-final-final"),
        ("version", None),
        ("summary", "s" * 513),
        ("summary", "NUL \u0000 inside"),
        ("keywords", ["\u0000"]),
        ("license", 3),
        ("home_page", "ftp://example.org"),
        ("home_page", "https://"),
        ("requires_python", ">=banana"),
        ("requires_python", "  "),
        ("keywords", "flask"),
        ("keywords", ["k"] * 21),
        ("keywords", ["k" * 51]),
        ("keywords", [1]),
        ("download_rank", 0),
        ("download_rank", True),
        ("download_rank", 1.5),
        ("normalized_name", "x"),
        ("updated_at", "2026-01-01T00:00:00Z"),
        ("colour", "blue"),
    ],
)
def test_each_broken_field_is_reported(field, value):
    assert set(broken_fields({**VALID, field: value})) == {field}


def test_every_broken_field_is_listed_in_field_order_then_unknown_ones():
    body = {"zzz": 1, "download_rank": -1, "version": "x y", "name": "ok"}
    assert list(broken_fields(body)) == ["version", "summary", "download_rank", "zzz"]


def test_limits_are_inclusive():
    body = {**VALID, "name": "a" * 100, "summary": "é" * 512, "keywords": ["k" * 50] * 20}
    assert package_from_body(body).summary == "é" * 512


def test_put_name_must_normalize_to_the_path_name():
    assert replacement_from_body({**VALID, "name": "flask-sqlalchemy"}, "flask-sqlalchemy")
    errors = broken_fields(VALID, lambda body: replacement_from_body(body, "flask"))
    assert errors == {"name": "must normalize to 'flask', the name in the path"}


def test_merge_patch_sets_removes_and_refuses():
    current = package_from_body({**VALID, "license": "MIT", "keywords": ["orm"]})
    patched = merge_patch(current, {"license": None, "keywords": None, "version": "3.2"})
    assert (patched.license, patched.keywords, patched.version) == (None, (), "3.2")
    assert patched.name == current.name and patched.summary == current.summary
    errors = broken_fields({"name": "x", "summary": None}, lambda body: merge_patch(current, body))
    assert set(errors) == {"name", "summary"}


def test_timestamps_are_utc_at_second_precision():
    assert len(utc_timestamp()) == len("2026-11-25T16:00:00Z")
    assert utc_timestamp().endswith("Z")


def test_seed_rows_follow_the_contract():
    row = 'pkg\t1.0\t2025-12\t7\t"quoted" summary\n'
    package = package_from_seed_row(row)
    assert package.summary == '"quoted" summary'
    assert package.updated_at == "2025-12-01T00:00:00Z"
    assert package.download_rank == 7 and package.keywords == ()


def test_the_seed_catalogue_is_5000_distinct_valid_packages():
    packages = seed_packages()
    assert len(packages) == 5000 == len({p.normalized_name for p in packages})
    assert packages[0].name == "boto3" and packages[0].download_rank == 1
    # Every seed row is also a valid write body: the catalogue obeys its own rules.
    for package in packages:
        fields = {"name": package.name, "version": package.version, "summary": package.summary}
        assert package_from_body(fields).normalized_name == package.normalized_name
    assert SEED_FILE.is_file()
