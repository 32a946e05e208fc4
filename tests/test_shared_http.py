"""Query parsing, conditional requests, tokens, media types, the codec and problem bodies."""

from datetime import UTC, date, datetime

import pytest

from shared.codec import CODECS, get_codec, parse_json_object
from shared.conditional import etag_for, if_match_allows, if_none_match_hits
from shared.picks import daily_index, seconds_until_utc_midnight
from shared.problems import (
    InvalidBody,
    MethodNotAllowed,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
    problem_body,
    problem_for_status,
)
from shared.query import PageQuery, matches_query, parse_daily_date, parse_page_query
from shared.requests import MERGE_PATCH_OR_JSON, media_type, parse_json_write, require_curator
from shared.settings import Settings

ETAG = etag_for(b'{"name":"x"}')


def test_paging_defaults_first_values_and_offsets():
    assert parse_page_query("") == PageQuery(1, 20, None)
    query = parse_page_query(b"page=3&per_page=10&page=9&q=Flask")
    assert (query.page, query.per_page, query.q, query.offset) == (3, 10, "Flask", 20)


@pytest.mark.parametrize(
    "query_string",
    [
        "page=",
        "page=0",
        "page=-1",
        "page=+1",
        "page=1.0",
        "page=%201",
        "per_page=101",
        "q=",
        "page=\u0661",  # ARABIC-INDIC DIGIT ONE: a digit to str.isdigit(), not to the contract
    ],
)
def test_malformed_blank_or_out_of_range_paging_is_422(query_string):
    with pytest.raises(ValidationFailed):
        parse_page_query(query_string)


def test_a_page_far_past_the_end_is_still_a_page():
    assert parse_page_query("page=00000001").page == 1
    assert parse_page_query("page=1000000000000000").offset == (10**15 - 1) * 20
    with pytest.raises(ValidationFailed):
        parse_page_query("page=1000000000000001")


def test_q_over_100_characters_is_422_and_every_broken_parameter_is_listed():
    with pytest.raises(ValidationFailed) as caught:
        parse_page_query("q=" + "a" * 101 + "&per_page=0")
    assert [error.field for error in caught.value.errors] == ["q", "per_page"]


def test_search_matches_name_or_lower_cased_summary():
    assert matches_query("flask-sqlalchemy", "Add SQLAlchemy", "SQLA")
    assert matches_query("requests", "HTTP for Humans", "humans")
    assert not matches_query("requests", "HTTP for Humans", "flask")


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-1-5", "", "20261125", "2026-W48-3"])
def test_daily_date_must_be_a_real_yyyy_mm_dd(raw):
    with pytest.raises(ValidationFailed):
        parse_daily_date(f"date={raw}")


def test_daily_date_parses_and_is_optional():
    assert parse_daily_date("date=2024-02-29") == date(2024, 2, 29)
    assert parse_daily_date("") is None


def test_daily_pick_is_stable_and_moves_between_days():
    picks = {daily_index(date(2026, 11, day), 5000) for day in range(1, 29)}
    assert daily_index(date(2026, 11, 25), 5000) == daily_index(date(2026, 11, 25), 5000)
    assert len(picks) > 20


def test_max_age_runs_to_the_next_utc_midnight():
    assert seconds_until_utc_midnight(datetime(2026, 11, 25, 23, 0, tzinfo=UTC)) == 3600
    assert seconds_until_utc_midnight(datetime(2026, 11, 25, 0, 0, tzinfo=UTC)) == 86400


@pytest.mark.parametrize(
    ("header", "allowed"),
    [(None, True), ("*", True), (ETAG, True), (f'"other", {ETAG}', True), (f"W/{ETAG}", False)],
)
def test_if_match_uses_strong_comparison(header, allowed):
    assert if_match_allows(header, ETAG) is allowed


@pytest.mark.parametrize(
    ("header", "hit"),
    [(None, False), ("*", True), (f"W/{ETAG}", True), ('"other"', False), (f'"a", {ETAG}', True)],
)
def test_if_none_match_uses_weak_comparison(header, hit):
    assert if_none_match_hits(header, ETAG) is hit


def test_etags_are_strong_and_follow_the_bytes():
    assert ETAG.startswith('"') and ETAG.endswith('"')
    assert etag_for(b"a") != etag_for(b"b")


@pytest.mark.parametrize("header", ["Bearer good", "bearer good", "BEARER  good "])
def test_curator_token_scheme_is_case_insensitive(header):
    require_curator(header, ("other", "good"))


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic good", "Bearer bad", "good"])
def test_missing_malformed_or_unknown_tokens_are_401(header):
    with pytest.raises(Unauthorized) as caught:
        require_curator(header, ("good",))
    assert caught.value.headers() == {"WWW-Authenticate": "Bearer"}


def test_with_no_tokens_configured_nobody_writes():
    with pytest.raises(Unauthorized):
        require_curator("Bearer anything", ())


def test_media_types_match_case_insensitively_without_parameters():
    assert media_type("Application/JSON; charset=utf-8") == "application/json"
    codec = get_codec("simplejson")
    assert parse_json_write(codec, "application/merge-patch+json", b"{}", MERGE_PATCH_OR_JSON) == {}
    with pytest.raises(UnsupportedMediaType):
        parse_json_write(codec, "application/merge-patch+json", b"{}")
    with pytest.raises(UnsupportedMediaType):
        parse_json_write(codec, None, b"{}")


@pytest.mark.parametrize("codec_name", sorted(CODECS))
def test_codecs_write_compact_utf8_in_insertion_order(codec_name):
    codec = get_codec(codec_name)
    assert codec.dumps({"b": "café ☕", "a": [1, None]}) == '{"b":"café ☕","a":[1,null]}'


@pytest.mark.parametrize(
    "body", [b"{", b"[]", b'"x"', b"null", b"\xff{}", b'{"a": NaN}', rb'{"a": "\ud800"}']
)
def test_bodies_that_are_not_json_objects_are_400(body):
    with pytest.raises(InvalidBody):
        parse_json_object(get_codec("simplejson"), body)


def test_unknown_codec_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown JSON codec"):
        get_codec("yaml")


def test_problem_bodies_carry_all_five_members_and_a_canonical_instance():
    body = problem_body(MethodNotAllowed("PUT", ["DELETE", "GET", "OPTIONS"]), "/packages/café")
    assert list(body) == ["type", "title", "status", "detail", "instance"]
    assert body["status"] == 405 and body["instance"] == "/packages/caf%C3%A9"
    assert MethodNotAllowed("PUT", ["DELETE", "GET"]).headers() == {"Allow": "GET, DELETE"}


def test_settings_come_from_pyaday_variables():
    settings = Settings.from_env(
        {"PYADAY_CURATOR_TOKENS": " a, b ,", "PYADAY_WORKERS": "2", "PYADAY_SEED_CATALOGUE": "no"}
    )
    assert settings.curator_tokens == ("a", "b")
    assert settings.workers == 2 and settings.seed_catalogue is False
    with pytest.raises(ValueError, match="PYADAY_WORKERS"):
        Settings.from_env({"PYADAY_WORKERS": "0"})


def test_framework_errors_keep_their_status():
    assert problem_for_status(404).type.endswith("/not-found")
    assert problem_for_status(413).status == 413
    expectation = problem_body(problem_for_status(417), "/packages")
    assert expectation["type"] == "about:blank"
    assert (expectation["status"], expectation["title"]) == (417, "Expectation Failed")
