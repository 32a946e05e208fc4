"""SQLite URLs as Flask-SQLAlchemy writes them: three slashes then a relative path, four absolute.

pyaday used to read ``sqlite:///srv/x.db`` as ``/srv/x.db``; a URL that would now silently name
another (missing) file is refused with the URL meant.
"""

import os

import pytest

from shared.settings import Settings
from shared.stores import create_store
from shared.stores.sqlite import sqlite_path


@pytest.fixture
def working_directory(tmp_path, monkeypatch):
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_three_slashes_are_relative_to_the_working_directory(working_directory):
    assert sqlite_path("sqlite:///pyaday.db") == "pyaday.db"
    (working_directory / "data").mkdir()
    assert sqlite_path("sqlite:///data/my%20data.db") == "data/my data.db"
    store = create_store(Settings(database_url="sqlite:///pyaday.db", seed_catalogue=False))
    store.open(())
    store.close()
    assert (working_directory / "pyaday.db").is_file()


def test_four_slashes_are_absolute(working_directory, tmp_path):
    assert sqlite_path(f"sqlite:///{tmp_path}/x.db") == f"{tmp_path}/x.db"
    store = create_store(Settings(database_url=f"sqlite:///{tmp_path}/x.db"))
    store.open(())
    store.close()
    assert (tmp_path / "x.db").is_file()
    assert not (working_directory / str(tmp_path)[1:]).exists()


def test_an_existing_relative_file_wins(working_directory):
    (working_directory / "tmp").mkdir()
    assert sqlite_path("sqlite:///tmp") == "tmp"


@pytest.mark.parametrize("what", ["the file", "its folder"])
def test_a_url_meaning_another_file_than_it_used_to_is_refused(working_directory, tmp_path, what):
    existing = tmp_path / "data" / "pyaday.db"
    existing.parent.mkdir()
    if what == "the file":
        existing.write_bytes(b"")
    old_style = f"sqlite://{existing}"  # three slashes: relative now
    with pytest.raises(ValueError, match="did you mean") as refused:
        create_store(Settings(database_url=old_style)).open(())
    assert f"sqlite:///{existing}" in str(refused.value)
    assert os.listdir(working_directory) == []  # no empty file was made


@pytest.mark.parametrize(
    "url", ["sqlite:relative.db", "sqlite://host/x.db", "sqlite://", "sqlite:///"]
)
def test_a_malformed_url_says_how_to_write_one(url):
    with pytest.raises(ValueError, match=r"sqlite:///relative/path\.db .* sqlite:////absolute"):
        sqlite_path(url)
