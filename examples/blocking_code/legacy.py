"""Stand-ins for code with no async version: a blocking SDK call, and CPU-heavy work."""

import hashlib
import time

RATES = {"EUR": 1.0, "GBP": 0.85, "USD": 1.08}
SALT = b"cookbook-salt"


def fetch_rate(currency: str) -> float:
    """A sync SDK's network call: it holds its thread for the whole round trip."""
    time.sleep(0.1)
    return RATES[currency]


def hash_password(password: str) -> str:
    """CPU-heavy. hashlib releases the GIL while it hashes, so other threads run meanwhile."""
    return hashlib.pbkdf2_hmac("sha256", password.encode(), SALT, 100_000).hex()
