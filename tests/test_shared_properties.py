"""Properties of ``shared/`` that hold for every input, checked with Hypothesis.

Examples come from strategies built from the contract's rules (API.md), with a fixed seed and a
bounded number of examples, so a run is repeatable and takes seconds.
"""

import asyncio
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from shared.codec import CODECS
from shared.conditional import etag_for, if_match_allows, if_none_match_hits
from shared.model import (
    MAX_NAME_LENGTH,
    READ_ONLY_FIELDS,
    merge_patch,
    normalize_name,
    package_from_body,
)
from shared.query import MAX_PER_PAGE, parse_page_query
from shared.settings import Settings
from shared.stores import create_async_store, create_store
from tests.strategies import names, packages, text
from tests.test_stores import Synced

SEED = 20261125
properties = settings(max_examples=50, deadline=None, database=None)


def writable(package) -> dict:
    return {key: value for key, value in package.to_dict().items() if key not in READ_ONLY_FIELDS}


def without_timestamp(package) -> dict:
    return {key: value for key, value in package.to_dict().items() if key != "updated_at"}


@seed(SEED)
@properties
@given(names)
def test_normalizing_a_name_is_idempotent_and_gives_a_valid_name(name):
    assert len(name) <= MAX_NAME_LENGTH
    normalized = normalize_name(name)
    assert normalize_name(normalized) == normalized
    assert normalize_name(name.upper()) == normalized
    assert package_from_body({"name": normalized, "version": "1", "summary": ""})


@seed(SEED)
@properties
@given(packages)
def test_an_accepted_package_is_accepted_again_unchanged(package):
    assert without_timestamp(package_from_body(writable(package))) == without_timestamp(package)


@seed(SEED)
@properties
@given(packages)
def test_a_merge_patch_of_nothing_changes_nothing(package):
    assert without_timestamp(merge_patch(package, {})) == without_timestamp(package)


@seed(SEED)
@properties
@given(packages, st.data())
def test_a_merge_patch_of_current_values_changes_nothing(package, data):
    fields = data.draw(st.sets(st.sampled_from(sorted(set(writable(package)) - {"name"}))))
    patch = {field: writable(package)[field] for field in fields}
    assert without_timestamp(merge_patch(package, patch)) == without_timestamp(package)


@seed(SEED)
@properties
@given(packages)
def test_both_codecs_write_a_package_byte_for_byte_alike_and_read_it_back(package):
    written = {name: codec.dumps(package.to_dict()) for name, codec in CODECS.items()}
    assert len(set(written.values())) == 1
    for name, codec in CODECS.items():
        assert codec.loads(written[name].encode("utf-8")) == package.to_dict()


@seed(SEED)
@properties
@given(st.binary(max_size=200), st.binary(max_size=200))
def test_an_etag_matches_its_own_body_only(body, other):
    etag = etag_for(body)
    assert if_match_allows(etag, etag) and if_none_match_hits(f"W/{etag}", etag)
    assert if_match_allows(f'"x", {etag}', etag)
    assert (etag_for(other) == etag) == (other == body)
    assert not if_match_allows(f"W/{etag}", etag)  # If-Match compares strongly


@seed(SEED)
@properties
@given(
    st.integers(1, 10**15),
    st.integers(1, MAX_PER_PAGE),
    st.none() | text.filter(lambda value: 1 <= len(value) <= 100),
)
def test_a_valid_page_query_reads_back_as_written(page, per_page, q):
    params = {"page": page, "per_page": per_page} | ({"q": q} if q is not None else {})
    query = parse_page_query(urlencode(params))
    assert (query.page, query.per_page, query.q) == (page, per_page, q)
    assert query.offset == (page - 1) * per_page


@pytest.fixture(params=["sync", "async"])
def empty_store(request, empty_database_url):
    """An empty store of the kind under test (``backend``), sync or async, for one test."""
    store_settings = Settings(database_url=empty_database_url, seed_catalogue=False)
    if request.param == "sync":
        store = create_store(store_settings)
        store.open(())
        yield store
        store.close()
        return
    with asyncio.Runner() as runner:
        store = Synced(create_async_store(store_settings), runner)
        store.open(())
        yield store
        store.close()


@seed(SEED)
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(package=packages)
def test_every_accepted_package_round_trips_through_each_store_unchanged(empty_store, package):
    empty_store.create(package)
    try:
        assert empty_store.get(package.normalized_name) == package
    finally:
        empty_store.delete(package.normalized_name, lambda current: None)
