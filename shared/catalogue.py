"""The seed catalogue: the 5,000 most downloaded packages on PyPI, late 2026, and on demand a
deterministic synthetic catalogue of PyPI's size built from them.

The file is tab-separated text with a header and no quoting (some summaries begin with ``"``),
so it is split on tabs rather than read with a CSV reader that would merge rows.
"""

import random
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from shared.model import Package, normalize_name
from shared.settings import Settings

SEED_FILE = Path(__file__).parent / "data" / "packages.tsv"
SEED_COLUMNS = ["name", "version", "released", "download_rank", "summary"]
# Fixed, so that the same size gives the same catalogue in every process and every store.
SYNTHETIC_RANDOM_SEED = 20260101
MAX_SYNTHETIC_NAME_LENGTH = 60


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


def synthetic_packages(size: int, real: tuple[Package, ...] | None = None) -> Iterator[Package]:
    """The real packages, then synthetic ones drawn like them, ``size`` packages in all.

    A synthetic package recombines real ones. Its name joins two or more parts of real names
    (as many parts as real names have, each drawn as often as it occurs); its summary is the
    head of the summary of the package that gave the first part and the tail of the one that
    gave the second, cut at the same fraction of their words, so that a name and its summary
    share terms as real ones do; its version and release month are the first one's. A search
    term then hits about as often as in the real catalogue (``docs/storage.md`` has the
    figures). Ranks continue after the real ones. Only lists and one seeded generator are
    used, never the order of a set or a dict of strings, so hash randomization changes nothing.
    """
    real = seed_packages() if real is None else real
    if size < len(real):
        raise ValueError(f"a synthetic catalogue holds the {len(real)} real packages: {size}")
    yield from real
    draw = random.Random(SYNTHETIC_RANDOM_SEED).random  # ~10x faster than choice() per pick
    # Normalized names split on "-" give parts of [a-z0-9] only: joined again with "-", they
    # make a name that is valid (PEP 508) and already normalized (PEP 503).
    name_parts = [package.normalized_name.split("-") for package in real]
    parts = [part for split in name_parts for part in split]
    part_sources = [source for source, split in enumerate(name_parts) for _ in split]
    part_counts = [max(2, len(split)) for split in name_parts]
    summaries = [package.summary.split(" ") for package in real]
    taken = {package.normalized_name for package in real}
    first_rank = max(package.download_rank or 0 for package in real) + 1
    for rank in range(first_rank, first_rank + size - len(real)):
        while True:
            first, second = int(draw() * len(parts)), int(draw() * len(parts))
            more = part_counts[int(draw() * len(part_counts))] - 2
            name = parts[first] + "-" + parts[second]
            for _ in range(more):
                name += "-" + parts[int(draw() * len(parts))]
            if name not in taken and len(name) <= MAX_SYNTHETIC_NAME_LENGTH:
                taken.add(name)
                break
        source = real[part_sources[first]]
        head, tail = summaries[part_sources[first]], summaries[part_sources[second]]
        cut = draw()
        words = head[: round(cut * len(head))] + tail[round(cut * len(tail)) :]
        yield Package(
            name=name,
            normalized_name=name,
            version=source.version,
            summary=" ".join(words) if source.summary else "",
            license=None,
            home_page=None,
            author=None,
            requires_python=None,
            keywords=(),
            download_rank=rank,
            updated_at=source.updated_at,
        )


def seed_for(settings: Settings) -> Iterable[Package]:
    """What an empty store starts with: the seed catalogue, a synthetic one, or nothing.

    A synthetic catalogue is a generator: a store that already holds data never builds it.
    """
    if settings.seed_catalogue is True:
        return seed_packages()
    if settings.seed_catalogue is False:
        return ()
    return synthetic_packages(settings.seed_catalogue)
