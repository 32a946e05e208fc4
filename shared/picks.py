"""The random pick and the package of the day.

Both pick a position in the catalogue sorted by normalized name, so any store that can count
and fetch the n-th package serves them, and both apps agree on the daily one.
"""

import hashlib
import random
from datetime import UTC, date, datetime, timedelta


def random_index(count: int) -> int:
    return random.randrange(count)


def daily_index(day: date, count: int) -> int:
    """A stable position for a UTC date: a hash of the date, so neighbouring days differ."""
    digest = hashlib.sha256(day.isoformat().encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big") % count


def utc_today(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(UTC).date()


def seconds_until_utc_midnight(now: datetime | None = None) -> int:
    """``max-age`` of ``/daily``: the pick changes at the next UTC midnight."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return max(1, int((midnight - now).total_seconds()))
