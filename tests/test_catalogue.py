"""The synthetic catalogue of ``PYADAY_SEED_CATALOGUE=synthetic:N``, and ``shared.stores.seed``.

The same N gives the same catalogue in every process and every store; its names are valid,
unique and new; a search term hits it about as often as the real catalogue.
"""

import hashlib
import os
import subprocess
import sys
from functools import cache
from itertools import islice

import pytest
from packaging.utils import canonicalize_name

from benchmarks.scenarios import SEARCH_TERMS
from shared.catalogue import seed_for, seed_packages, synthetic_packages
from shared.model import package_from_body
from shared.query import matches_query
from shared.settings import Settings
from shared.stores.memory import MemoryStore
from shared.stores.seed import seed_store
from tests.conftest import sqlite_url

DIGEST_OF_FIRST = """
import hashlib, sys
from shared.catalogue import synthetic_packages
packages = synthetic_packages(int(sys.argv[1]))
print(hashlib.sha256(repr(list(packages)).encode()).hexdigest())
"""


def digest(size: int) -> str:
    return hashlib.sha256(repr(list(synthetic_packages(size))).encode()).hexdigest()


def test_the_same_size_gives_the_same_catalogue_in_every_process():
    expected = digest(20_000)
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", DIGEST_OF_FIRST, "20000"],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == expected


def test_a_larger_catalogue_starts_with_a_smaller_one():
    assert list(synthetic_packages(12_000))[:10_000] == list(synthetic_packages(10_000))


def test_synthetic_packages_are_valid_new_and_unique():
    real = seed_packages()
    packages = list(synthetic_packages(30_000))
    assert packages[: len(real)] == list(real)
    synthetic = packages[len(real) :]
    names = [package.normalized_name for package in packages]
    assert len(set(names)) == len(names) == 30_000
    ranks = [package.download_rank for package in synthetic]
    assert len(set(ranks)) == len(ranks) and min(ranks) > max(p.download_rank for p in real)
    months = {package.updated_at for package in real}
    for package in synthetic:
        assert canonicalize_name(package.name, validate=True) == package.normalized_name
        assert package.updated_at in months
        body = {"name": package.name, "version": package.version, "summary": package.summary}
        assert package_from_body(body).normalized_name == package.normalized_name


@cache
def synthetic_only(size: int) -> list:
    return list(islice(synthetic_packages(size), len(seed_packages()), None))


def share(packages, term: str) -> float:
    hits = sum(matches_query(p.normalized_name, p.summary, term) for p in packages)
    return hits / len(packages)


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_a_search_term_hits_about_as_often_as_in_the_real_catalogue(term):
    """The benchmark's terms: within a factor of two of their share of the real packages
    (the figures are in docs/storage.md)."""
    ratio = share(synthetic_only(105_000), term) / share(seed_packages(), term)
    assert 0.5 <= ratio <= 2.0


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("0", False),
        ("yes", True),
        ("synthetic:700000", 700_000),
        ("SYNTHETIC:5000", 5000),
    ],
)
def test_the_seed_catalogue_setting(raw, value):
    assert Settings.from_env({"PYADAY_SEED_CATALOGUE": raw}).seed_catalogue == value


@pytest.mark.parametrize(
    "raw", ["synthetic:4999", "synthetic:", "synthetic:1e6", "synthetic:²", "2"]
)
def test_a_malformed_seed_catalogue_stops_start_up_with_a_clear_message(raw):
    with pytest.raises(ValueError, match="PYADAY_SEED_CATALOGUE"):
        Settings.from_env({"PYADAY_SEED_CATALOGUE": raw})


def test_an_empty_store_takes_the_synthetic_catalogue():
    store = MemoryStore()
    store.open(seed_for(Settings(seed_catalogue=6000)))
    assert store.count() == 6000


def test_the_seed_command_seeds_once(tmp_path):
    url = sqlite_url(tmp_path / "seeded.db")
    assert seed_store(url, "synthetic:6000") == 6000
    assert seed_store(url, "1") == 6000  # a store holding packages is left as it is
    with pytest.raises(ValueError, match="memory store"):
        seed_store("memory://", "1")
