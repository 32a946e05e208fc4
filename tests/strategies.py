"""Hypothesis strategies for the contract's values (API.md), shared by the property tests and
the contract fuzzing, which registers them for the OpenAPI document's own formats."""

import string

from hypothesis import strategies as st

from shared.catalogue import seed_packages
from shared.model import (
    MAX_DOWNLOAD_RANK,
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    MAX_NAME_LENGTH,
    MAX_SUMMARY_LENGTH,
    MAX_VERSION_LENGTH,
    package_from_body,
)

# Any Unicode text that JSON and UTF-8 can carry: no lone surrogates (Cs), no NUL.
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
summaries = text.filter(lambda value: len(value) <= MAX_SUMMARY_LENGTH)
# PEP 508 names, at most 100 characters.
names = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,98}[A-Za-z0-9])?", fullmatch=True)
# Names of the seed catalogue, in another spelling now and then: they name existing packages.
seed_names = st.sampled_from([package.name for package in seed_packages()[:200]]).flatmap(
    lambda name: st.sampled_from([name, name.upper(), name.replace("-", "_")])
)
releases = st.lists(st.integers(0, 10**6), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
versions = st.builds(
    lambda epoch, release, suffix: epoch + release + suffix,
    st.sampled_from(["", "1!"]),
    releases,
    st.sampled_from(["", "a1", "b2", "rc3", ".post1", ".dev4", "+local.7"]),
)


def of_lengths(low: int, high: int, build) -> st.SearchStrategy[str]:
    """``build(length)``: a strategy of values of exactly that length, for each in the range."""
    return st.integers(low, high).flatmap(build)


# Names and versions one character either side of the contract's limit, and at it: the edges the
# contract fuzzing asks its format generators for (Hypothesis rarely draws such a length).
ALPHANUMERIC = string.ascii_letters + string.digits
names_at_the_limit = of_lengths(
    MAX_NAME_LENGTH - 1,
    MAX_NAME_LENGTH + 1,
    lambda length: st.builds(
        lambda first, middle, last: first + middle + last,
        st.sampled_from(ALPHANUMERIC),
        st.text(ALPHANUMERIC + "._-", min_size=length - 2, max_size=length - 2),
        st.sampled_from(ALPHANUMERIC),
    ),
)
versions_at_the_limit = of_lengths(
    MAX_VERSION_LENGTH - 1,
    MAX_VERSION_LENGTH + 1,
    # Release segments of one digit each ("1.0.4..."), after a first one of one or two digits.
    lambda length: st.builds(
        lambda first, rest: first + "".join(f".{digit}" for digit in rest),
        st.text(string.digits, min_size=2 - length % 2, max_size=2 - length % 2),
        st.lists(st.integers(0, 9), min_size=(length - 1) // 2, max_size=(length - 1) // 2),
    ),
)
specifiers = st.sampled_from([">=3.8", ">=3.9,<4", "~=3.10", "==3.11.*", "!=3.12.0", ">3.7"])
http_urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}.example/{path}",
    st.sampled_from(["http", "https"]),
    st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=20),
    st.text(string.ascii_letters + string.digits + "-._~/", max_size=30),
)
bodies = st.fixed_dictionaries(
    {"name": names, "version": versions, "summary": summaries},
    optional={
        "license": st.none() | text,
        "home_page": st.none() | http_urls,
        "author": st.none() | text,
        "requires_python": st.none() | specifiers,
        "keywords": st.lists(
            text.filter(lambda value: len(value) <= MAX_KEYWORD_LENGTH), max_size=MAX_KEYWORDS
        ),
        # Up to the largest rank a JSON number holds exactly (a larger one is refused: 422).
        "download_rank": st.none() | st.integers(1, MAX_DOWNLOAD_RANK),
    },
)
packages = bodies.map(package_from_body)
