"""The random pick and the package of the day.

Each is a number the store reduces modulo its count itself, so that a SQL store finds the
package in one statement: ``/rand`` a uniform draw, ``/daily`` a hash of the date, taken in
normalized-name order so that every store and both apps agree on it.
"""

import hashlib
import random
from datetime import UTC, date, datetime, timedelta

# Below 2**63: a SQL integer holds it, and its modulo any count is uniform to within 1e-13.
RANDOM_DRAW_BITS = 63


def random_draw() -> int:
    return random.getrandbits(RANDOM_DRAW_BITS)


def daily_number(day: date) -> int:
    """A hash of the UTC date (its first 8 bytes), so neighbouring days differ."""
    digest = hashlib.sha256(day.isoformat().encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big")


def daily_index(day: date, count: int) -> int:
    """The daily pick's position in name order: what ``pick_by_name_order`` computes."""
    return daily_number(day) % count


def utc_today(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(UTC).date()


def seconds_until_utc_midnight(now: datetime | None = None) -> int:
    """``max-age`` of ``/daily``: the pick changes at the next UTC midnight."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return max(1, int((midnight - now).total_seconds()))
