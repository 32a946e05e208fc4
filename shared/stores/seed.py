"""Make a seeded store once, to reuse: ``python -m shared.stores.seed URL [CATALOGUE]``.

``URL`` is any ``PYADAY_DATABASE_URL`` of a SQL store (``sqlite:////srv/pyaday-700k.db``,
``postgresql://...``); ``CATALOGUE`` any ``PYADAY_SEED_CATALOGUE`` value (``1``, the default:
the 5,000 real packages; ``synthetic:700000`` for PyPI's size). The store creates its schema
and loads the catalogue as an app would at start-up, printing its progress; a store that
already holds packages is left as it is. Servers started on that URL afterwards find it
seeded and start at once. ``seed_store`` is the same, for a program such as the benchmark
runner.
"""

import argparse
import logging
import sys
import time

from shared.catalogue import seed_for
from shared.settings import Settings
from shared.stores import create_store, store_kind

log = logging.getLogger("shared.stores.seed")


def seed_store(database_url: str, catalogue: str = "1") -> int:
    """Create and seed the store at ``database_url`` unless it holds packages: its count."""
    settings = Settings.from_env(
        {"PYADAY_DATABASE_URL": database_url, "PYADAY_SEED_CATALOGUE": catalogue}
    )
    if store_kind(settings.database_url) == "memory":
        raise ValueError("the memory store lives in each process: there is nothing to keep")
    started = time.monotonic()
    store = create_store(settings)
    log.info("opening %s, to seed it with %s if it holds no package", store.kind, catalogue)
    store.open(seed_for(settings))
    try:
        count = store.count()
    finally:
        store.close()
    log.info("%d packages, %.1f s", count, time.monotonic() - started)
    return count


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="PYADAY_DATABASE_URL of a SQLite or PostgreSQL store")
    parser.add_argument("catalogue", nargs="?", default="1", help="PYADAY_SEED_CATALOGUE")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        seed_store(options.url, options.catalogue)
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
