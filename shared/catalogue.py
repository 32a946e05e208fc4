"""The seed catalogue: the 5,000 most downloaded packages on PyPI, late 2026.

The file is tab-separated text with a header and no quoting (some summaries begin with ``"``),
so it is split on tabs rather than read with a CSV reader that would merge rows.
"""

from functools import cache
from pathlib import Path

from shared.model import Package, normalize_name
from shared.settings import Settings

SEED_FILE = Path(__file__).parent / "data" / "packages.tsv"
SEED_COLUMNS = ["name", "version", "released", "download_rank", "summary"]


def package_from_seed_row(line: str) -> Package:
    name, version, released, download_rank, summary = line.rstrip("\n").split("\t")
    return Package(
        name=name,
        normalized_name=normalize_name(name),
        version=version,
        summary=summary,
        license=None,
        home_page=None,
        author=None,
        requires_python=None,
        keywords=(),
        download_rank=int(download_rank),
        # A seed row knows its release month only: its first second stands for it.
        updated_at=f"{released}-01T00:00:00Z",
    )


@cache
def seed_packages(path: Path = SEED_FILE) -> tuple[Package, ...]:
    """The seed rows as packages, read once per process (packages are immutable)."""
    with path.open(encoding="utf-8") as lines:
        header = next(lines).rstrip("\n").split("\t")
        if header != SEED_COLUMNS:
            raise ValueError(f"{path}: expected columns {SEED_COLUMNS}, found {header}")
        return tuple(package_from_seed_row(line) for line in lines if line.strip())


def seed_for(settings: Settings) -> tuple[Package, ...]:
    """What an empty store starts with: the seed catalogue, unless the settings turn it off."""
    return seed_packages() if settings.seed_catalogue else ()
