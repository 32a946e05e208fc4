"""The read side of API.md, against both apps (and a live server with ``--live``).

Routes `/`, `/health`, `/openapi.json`, `/packages`, `/packages/{name}`, `/rand`, `/daily`;
the seed catalogue; paging and search; HEAD; If-None-Match; exact paths.
"""

import uuid
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest
from packaging.utils import canonicalize_name

import shared
from tests.api_support import (
    DAILY_CACHE_CONTROL,
    PAGE_FIELDS,
    SEED_TOTAL,
    assert_package,
    empty,
    json_body,
    package_body,
    problem,
    seconds_to_utc_midnight,
    total,
    utc_now,
    validation_errors,
)

SEED_FILE = Path(__file__).parent.parent / "shared" / "data" / "packages.tsv"

BOTO3 = {
    "name": "boto3",
    "normalized_name": "boto3",
    "version": "1.44.5",
    "summary": "The AWS SDK for Python (Boto3)",
    "license": None,
    "home_page": None,
    "author": None,
    "requires_python": None,
    "keywords": [],
    "download_rank": 1,
    "updated_at": "2026-11-01T00:00:00Z",
}


@cache
def seed_rows() -> tuple[dict, ...]:
    """The seed file read the way API.md says: tab-separated, no quoting, as packages."""
    lines = SEED_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["name", "version", "released", "download_rank", "summary"]
    rows = []
    for line in lines[1:]:
        name, version, released, rank, summary = line.split("\t")
        rows.append(
            {
                "name": name,
                "normalized_name": canonicalize_name(name),
                "version": version,
                "summary": summary,
                "license": None,
                "home_page": None,
                "author": None,
                "requires_python": None,
                "keywords": [],
                "download_rank": int(rank),
                "updated_at": f"{released}-01T00:00:00Z",
            }
        )
    return tuple(sorted(rows, key=lambda row: row["normalized_name"]))


# --- simple routes ---------------------------------------------------------------------------


def test_index_names_the_app_and_its_framework(api, framework):
    body = json_body(api.get("/"))
    assert list(body) == ["app", "framework", "version"]
    assert body["app"] == "pyaday"
    if framework == "live":
        assert body["framework"] in {"flask", "sanic"}
    else:  # the framework that serves the app under test (an --app is either)
        assert body["framework"] == api.framework
        assert body["version"] == shared.__version__
    assert isinstance(body["version"], str) and body["version"]


def test_health_reports_the_store(api, framework, backend):
    body = json_body(api.get("/health"))
    assert list(body) == ["status", "store"]
    assert body["status"] == "ok"
    if framework == "live":
        assert body["store"] in {"memory", "sqlite", "postgresql"}
    else:
        assert body == {"status": "ok", "store": backend}


def test_openapi_document_is_served(api):
    body = json_body(api.get("/openapi.json"))
    assert body["openapi"].startswith("3.1")


# --- the seed catalogue ----------------------------------------------------------------------


def test_seed_package_boto3_exactly(api):
    response = api.get("/packages/boto3")
    assert package_body(response) == BOTO3
    # Byte for byte: field order, compact separators.
    assert response.body == (
        b'{"name":"boto3","normalized_name":"boto3","version":"1.44.5",'
        b'"summary":"The AWS SDK for Python (Boto3)","license":null,"home_page":null,'
        b'"author":null,"requires_python":null,"keywords":[],"download_rank":1,'
        b'"updated_at":"2026-11-01T00:00:00Z"}'
    )


def test_seed_summary_starting_with_a_quote_is_kept_whole(api):
    # The seed file has no quoting: a summary that begins with " is text, not a CSV quote.
    body = package_body(api.get("/packages/kazoo"))
    assert body["summary"] == '"Higher Level Zookeeper Client"'
    assert body["download_rank"] == 1502
    assert body["updated_at"] == "2026-03-01T00:00:00Z"


def test_seed_catalogue_holds_5000_packages(api, exact_catalogue):
    assert total(api) == SEED_TOTAL


def test_seed_catalogue_is_the_seed_file_in_name_order(api, exact_catalogue):
    rows = seed_rows()
    assert len(rows) == SEED_TOTAL
    served = []
    for page in range(1, SEED_TOTAL // 100 + 1):
        body = json_body(api.get(f"/packages?page={page}&per_page=100"))
        assert (body["page"], body["per_page"], body["total"]) == (page, 100, SEED_TOTAL)
        served += body["items"]
    assert served == list(rows)


# --- /packages/{name} ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["flask-sqlalchemy", "Flask_SQLAlchemy", "FLASK.SQLALCHEMY", "Flask-._SQLAlchemy"],
)
def test_any_spelling_names_the_same_package(api, spelling):
    canonical = api.get("/packages/flask-sqlalchemy")
    response = api.get(f"/packages/{spelling}")
    body = package_body(response)
    assert body["name"] == "flask-sqlalchemy"
    assert body["version"] == "3.1.1"
    assert response.body == canonical.body
    assert response.headers["ETag"] == canonical.headers["ETag"]


def test_missing_package_is_404(api):
    body = problem(api.get("/packages/no-such-package-here"), 404, "/packages/no-such-package-here")
    assert "no-such-package-here" in body["detail"]


@pytest.mark.parametrize(
    "encoded", ["Flask%5FSQLAlchemy", "flask%2Dsqlalchemy", "%66lask.sqlalchemy"]
)
def test_name_is_percent_decoded(api, encoded):
    body = package_body(api.get(f"/packages/{encoded}"))
    assert body["normalized_name"] == "flask-sqlalchemy"


def test_name_is_percent_decoded_only_once(api):
    # Once: "bot%6f3" (no such package). Twice would give "boto3", never would keep "%25".
    body = problem(api.get("/packages/bot%256f3"), 404, "/packages/bot%256f3")
    assert body["detail"] == "There is no package named 'bot%6f3'."


def test_created_name_with_non_ascii_summary_is_served_as_utf8(api, scratch):
    created, _ = scratch.create(summary="café ☕")
    response = api.get(f"/packages/{created['normalized_name']}")
    body = package_body(response)
    assert body["summary"] == "café ☕"
    assert '"summary":"café ☕"'.encode() in response.body
    assert b"\\u" not in response.body


# --- /packages: listing, paging, search ------------------------------------------------------


def test_default_page_shape(api):
    body = json_body(api.get("/packages"))
    assert list(body) == PAGE_FIELDS
    assert (body["page"], body["per_page"]) == (1, 20)
    assert len(body["items"]) == 20
    assert body["total"] >= SEED_TOTAL
    for item in body["items"]:
        assert_package(item)
    names = [item["normalized_name"] for item in body["items"]]
    assert names == sorted(names)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("per_page", [1, 7, 100])
def test_per_page_bounds_are_honoured(api, per_page):
    body = json_body(api.get(f"/packages?per_page={per_page}"))
    assert body["per_page"] == per_page
    assert len(body["items"]) == per_page


def test_pages_follow_each_other_in_name_order(api):
    ten = json_body(api.get("/packages?per_page=10"))["items"]
    first = json_body(api.get("/packages?per_page=5&page=1"))["items"]
    second = json_body(api.get("/packages?per_page=5&page=2"))["items"]
    assert first + second == ten
    names = [item["normalized_name"] for item in ten]
    assert names == sorted(names)


@pytest.mark.parametrize("far", [False, True])
def test_page_past_the_end_is_empty(api, far):
    count = total(api)
    past = 10**15 if far else count // 100 + 2  # an offset beyond any 32-bit integer too
    body = json_body(api.get(f"/packages?page={past}&per_page=100"))
    assert body == {"items": [], "page": past, "per_page": 100, "total": count}


def test_last_page_is_partial(api, exact_catalogue):
    body = json_body(api.get("/packages?page=167&per_page=30"))
    assert len(body["items"]) == SEED_TOTAL - 166 * 30
    assert body["items"] == list(seed_rows()[166 * 30 :])


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("page=", ["page"]),
        ("page=0", ["page"]),
        ("page=-1", ["page"]),
        ("page=abc", ["page"]),
        ("page=1.5", ["page"]),
        ("page=+1", ["page"]),
        ("page=%201", ["page"]),
        ("page=1e3", ["page"]),
        ("per_page=", ["per_page"]),
        ("per_page=0", ["per_page"]),
        ("per_page=101", ["per_page"]),
        ("per_page=-5", ["per_page"]),
        ("per_page=ten", ["per_page"]),
        ("q=", ["q"]),
        ("q=" + "x" * 101, ["q"]),
        ("page=0&per_page=0", ["page", "per_page"]),
        ("page=&per_page=&q=", ["page", "per_page", "q"]),
        ("page=abc&page=1", ["page"]),
    ],
)
def test_malformed_paging_is_422(api, query, fields):
    assert validation_errors(api.get(f"/packages?{query}"), "/packages") == fields


def test_unknown_query_parameters_are_ignored(api):
    body = json_body(api.get("/packages?per_page=2&colour=red"))
    assert len(body["items"]) == 2


def test_repeated_parameter_counts_by_its_first_value(api):
    body = json_body(api.get("/packages?per_page=3&per_page=abc&page=2&page=0"))
    assert (body["page"], body["per_page"], len(body["items"])) == (2, 3, 3)


def test_q_of_100_characters_is_accepted(api):
    body = json_body(api.get("/packages?q=" + "x" * 100))
    assert body == {"items": [], "page": 1, "per_page": 20, "total": 0}


def expected_matches(q: str) -> list[dict]:
    needle = q.lower()
    return [
        r for r in seed_rows() if needle in r["normalized_name"] or needle in r["summary"].lower()
    ]


@pytest.mark.parametrize(
    ("q", "encoded"),
    [
        ("sql", "sql"),
        ("SQL", "SQL"),
        ("AWS SDK", "AWS%20SDK"),
        ("aws sdk", "aws+sdk"),
        ("Flask_SQLAlchemy", "Flask_SQLAlchemy"),
        ("zookeeper", "zookeeper"),
        ('"', "%22"),
        ("no-such-text-anywhere", "no-such-text-anywhere"),
    ],
)
def test_q_matches_name_or_summary_case_insensitively(api, q, encoded, exact_catalogue):
    expected = expected_matches(q)
    body = json_body(api.get(f"/packages?q={encoded}&per_page=100"))
    assert body["total"] == len(expected)
    assert body["items"] == expected[:100]


def test_q_matches_a_created_package_by_summary_or_name(api, scratch):
    token = uuid.uuid4().hex
    created, _ = scratch.create(summary=f"Finds the MiXeD{token}CaSe marker")
    for q in (f"mixed{token}case", f"MIXED{token}CASE"):
        body = json_body(api.get(f"/packages?q={q}"))
        assert body["total"] == 1
        assert body["items"] == [created]
    # By name: the lower-cased q is a substring of the normalized name.
    suffix = created["normalized_name"].split("-", 2)[2]
    body = json_body(api.get(f"/packages?q=TEST-{suffix.upper()}"))
    assert body["items"] == [created]


def test_q_results_are_paged(api, exact_catalogue):
    expected = expected_matches("py")
    body = json_body(api.get("/packages?q=py&page=2&per_page=7"))
    assert body["total"] == len(expected)
    assert body["items"] == expected[7:14]


# --- HEAD on every GET route -----------------------------------------------------------------


HEAD_PATHS = [
    "/",
    "/health",
    "/openapi.json",
    "/packages",
    "/packages?page=2&per_page=3",
    "/packages?page=0",
    "/packages/boto3",
    "/packages/Flask_SQLAlchemy",
    "/packages/no-such-package-here",
    "/daily",
    "/daily?date=2026-01-05",
    "/daily?date=2026-02-30",
    "/nope",
    "/packages/",
]


@pytest.mark.parametrize("path", HEAD_PATHS)
def test_head_answers_like_get_without_a_body(api, path):
    get = api.get(path)
    head = api.head(path)
    assert head.status == get.status
    assert head.body == b""
    for header in ("Content-Type", "ETag", "Cache-Control", "Allow", "Location"):
        if header == "Cache-Control" and path.startswith("/daily") and get.status == 200:
            # The max-age counts down between the two requests.
            assert DAILY_CACHE_CONTROL.fullmatch(head.headers[header])
            continue
        assert head.headers.get(header) == get.headers.get(header), header


def test_head_on_rand(api):
    head = api.head("/rand")
    empty(head, 200)
    assert head.headers.get("Content-Type") == "application/json"
    assert head.headers.get("Cache-Control") == "no-store"


def test_head_with_if_none_match_is_304(api):
    etag = api.get("/packages/boto3").headers["ETag"]
    response = api.head("/packages/boto3", headers={"If-None-Match": etag})
    empty(response, 304)
    assert response.headers["ETag"] == etag


# --- ETag and If-None-Match ------------------------------------------------------------------


def test_etag_is_strong_and_stable(api):
    first = api.get("/packages/boto3")
    second = api.get("/packages/boto3")
    assert first.headers["ETag"] == second.headers["ETag"]
    assert not first.headers["ETag"].startswith("W/")
    other = api.get("/packages/packaging")
    assert other.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(
    "header",
    ["{etag}", "W/{etag}", "*", '"nope", {etag}', '"nope",W/{etag}', '"a" , "b",{etag}'],
)
def test_if_none_match_hit_is_304_with_the_etag_and_no_body(api, header):
    etag = api.get("/packages/boto3").headers["ETag"]
    response = api.get("/packages/boto3", headers={"If-None-Match": header.format(etag=etag)})
    empty(response, 304)
    assert response.headers["ETag"] == etag


@pytest.mark.parametrize("header", ['"nope"', 'W/"nope"', '"nope", "other"', "{etag_unquoted}"])
def test_if_none_match_miss_is_200(api, header):
    etag = api.get("/packages/boto3").headers["ETag"]
    value = header.format(etag_unquoted=etag.strip('"'))
    response = api.get("/packages/boto3", headers={"If-None-Match": value})
    assert package_body(response) == BOTO3
    assert response.headers["ETag"] == etag


def test_if_none_match_on_missing_package_is_404(api):
    response = api.get("/packages/no-such-package-here", headers={"If-None-Match": "*"})
    problem(response, 404, "/packages/no-such-package-here")


def test_etag_of_another_package_does_not_match(api):
    other = api.get("/packages/packaging").headers["ETag"]
    response = api.get("/packages/boto3", headers={"If-None-Match": other})
    assert package_body(response) == BOTO3


# --- exact paths, unknown routes, methods ----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/packages/", "/health/", "/packages/boto3/", "/rand/", "/daily/", "/openapi.json/"],
)
def test_trailing_slash_is_404(api, path):
    problem(api.get(path), 404, path)


def test_double_slash_is_not_merged(api):
    # Paths are exact; Werkzeug would merge the slashes and answer a 308 HTML redirect.
    problem(api.get("/packages//boto3"), 404, "/packages//boto3")


@pytest.mark.parametrize(
    ("path", "instance"),
    [
        ("/nope", "/nope"),
        ("/nope?page=1", "/nope"),
        ("/packages/boto3/versions", "/packages/boto3/versions"),
        ("/PACKAGES", "/PACKAGES"),
    ],
)
def test_unknown_route_is_404_problem(api, path, instance):
    problem(api.get(path), 404, instance)


def test_problem_instance_drops_the_query_string(api):
    problem(api.get("/packages?page=0&q=x"), 422, "/packages")
    problem(api.get("/packages/no-such-package-here?x=1"), 404, "/packages/no-such-package-here")


GET_ONLY = "GET, HEAD"
COLLECTION = "GET, HEAD, POST"
ITEM = "GET, HEAD, PUT, PATCH, DELETE"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/", GET_ONLY),
        ("DELETE", "/", GET_ONLY),
        ("PUT", "/health", GET_ONLY),
        ("POST", "/openapi.json", GET_ONLY),
        ("PUT", "/packages", COLLECTION),
        ("PATCH", "/packages", COLLECTION),
        ("DELETE", "/packages", COLLECTION),
        ("POST", "/packages/boto3", ITEM),
        ("POST", "/packages/no-such-package-here", ITEM),
        ("POST", "/rand", GET_ONLY),
        ("DELETE", "/daily", GET_ONLY),
        ("OPTIONS", "/", GET_ONLY),
        ("OPTIONS", "/packages", COLLECTION),
        ("OPTIONS", "/packages/boto3", ITEM),
    ],
)
def test_wrong_method_is_405_with_allow(api, method, path, allow):
    response = api.call(method, path)
    problem(response, 405, path)
    assert response.headers["Allow"] == allow


def test_405_comes_before_the_token_check_and_the_body(api):
    # Route first: with a token and a body, or with neither, the answer is the same 405.
    for kwargs in ({}, {"json": {"name": "x"}, "curator": True}):
        response = api.post("/packages/boto3", **kwargs)
        problem(response, 405, "/packages/boto3")
        assert response.headers["Allow"] == ITEM
        assert "WWW-Authenticate" not in response.headers


# --- /rand -----------------------------------------------------------------------------------


def test_rand_returns_a_catalogue_member_uncached(api):
    for _ in range(5):
        response = api.get("/rand")
        body = assert_package(json_body(response))
        assert response.headers["Cache-Control"] == "no-store"
        member = api.get("/packages/" + quote(body["normalized_name"]))
        assert member.body == response.body


def test_rand_and_daily_on_an_empty_catalogue_are_404(empty_api):
    assert json_body(empty_api.get("/packages")) == {
        "items": [],
        "page": 1,
        "per_page": 20,
        "total": 0,
    }
    problem(empty_api.get("/rand"), 404, "/rand")
    problem(empty_api.get("/daily"), 404, "/daily")
    problem(empty_api.get("/daily?date=2026-01-05"), 404, "/daily")
    assert empty_api.head("/rand").status == 404
    assert empty_api.head("/daily").status == 404


def test_rand_on_a_catalogue_of_one_is_that_package(empty_api):
    body = {"name": "only", "version": "1", "summary": ""}
    created = empty_api.post("/packages", json=body, curator=True)
    assert created.status == 201, created.body
    for _ in range(3):
        response = empty_api.get("/rand")
        assert response.body == created.body
    daily = empty_api.get("/daily?date=2030-12-31")
    assert daily.body == created.body


# --- /daily ----------------------------------------------------------------------------------


def daily_max_age(response) -> int:
    match = DAILY_CACHE_CONTROL.fullmatch(response.headers.get("Cache-Control", ""))
    assert match, response.headers.get("Cache-Control")
    return int(match[1])


@pytest.mark.parametrize("query", ["", "?date=2026-07-14"])
def test_daily_caches_until_the_next_utc_midnight(api, query):
    before = utc_now()
    response = api.get(f"/daily{query}")
    after = utc_now()
    assert_package(json_body(response))
    max_age = daily_max_age(response)
    assert max_age >= 1
    if before.date() == after.date():  # a request that straddles midnight proves nothing
        assert max_age <= max(1, int(seconds_to_utc_midnight(before)) + 1)
        assert max_age >= int(seconds_to_utc_midnight(after)) - 1


def test_daily_is_deterministic_per_date(api):
    first = api.get("/daily?date=2026-05-04")
    second = api.get("/daily?date=2026-05-04")
    assert_package(json_body(first))
    assert first.body == second.body
    member = json_body(first)
    assert api.get(f"/packages/{member['normalized_name']}").body == first.body


def test_daily_without_date_is_todays(api):
    before = utc_now().date()
    response = api.get("/daily")
    dated = api.get(f"/daily?date={before.isoformat()}")
    if utc_now().date() == before:
        assert response.body == dated.body


def test_different_dates_can_pick_different_packages(api):
    picks = {api.get(f"/daily?date=2026-03-{day:02d}").body for day in range(1, 11)}
    assert len(picks) > 1


@pytest.mark.parametrize(
    "value",
    ["2026-02-30", "2026-1-5", "", "2026-13-01", "2026-00-10", "26-01-05", "2026/01/05", "today"],
)
def test_daily_malformed_date_is_422(api, value):
    assert validation_errors(api.get(f"/daily?date={value}"), "/daily") == ["date"]


def test_daily_leap_day_is_a_real_date(api):
    assert_package(json_body(api.get("/daily?date=2028-02-29")))
    validation_errors(api.get("/daily?date=2027-02-29"), "/daily")
