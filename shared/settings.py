"""One settings object, read from ``PYADAY_*`` environment variables.

Used by both apps, the tests and the benchmark runner, so a setting is defined once.
"""

import logging
import os
import stat
from argparse import Namespace
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# API.md: a body over 64 KiB is refused with 413. A contract constant, not a setting.
MAX_BODY_BYTES = 64 * 1024
# The request head's limits, the same in both apps (414 for the request line, 431 for the
# rest): gunicorn's defaults for the request line, a field line and the number of fields, so
# that a plain ``gunicorn 'flask_app:create_app()'`` keeps them too, and Sanic's hard ceiling
# for the whole head (its REQUEST_MAX_HEADER_SIZE cannot exceed 16 KiB).
MAX_REQUEST_LINE_BYTES = 4094
MAX_FIELD_LINE_BYTES = 8190
MAX_HEADER_FIELDS = 100
MAX_HEAD_BYTES = 16 * 1024
# How many real packages the seed file holds: a synthetic catalogue holds them too.
SEED_SIZE = 5000


@dataclass(frozen=True)
class Settings:
    curator_tokens: tuple[str, ...] = ()
    database_url: str = "memory://"
    # True: the 5,000 real packages; False: none; an int N: those plus synthetic ones, N in all.
    seed_catalogue: bool | int = True
    json_codec: str = "simplejson"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    pool_size: int = 4
    pool_timeout: float = 5.0
    # The package index of GET /packages/{name}/releases: PyPI itself unless told otherwise;
    # the tests and the benchmark runner point it at a local one (benchmarks/index.py).
    index_url: str = "https://pypi.org"
    index_timeout: float = 5.0
    index_pool_size: int = 100
    # Seconds a stopping server gives the requests it accepted (gunicorn's graceful_timeout,
    # Sanic's GRACEFUL_SHUTDOWN_TIMEOUT); below the 30 s Kubernetes waits before it kills.
    graceful_timeout: int = 15
    # Sanic only: GET /export encodes each batch on the event loop in slices and compresses it
    # in a thread (True), or does both at once on the loop (False), which blocks it: the
    # benchmark's "offload off".
    export_offload: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read ``PYADAY_*`` variables; a malformed value stops start-up with a clear message."""
        env = os.environ if environ is None else environ
        values = {}
        for name, parse in _PARSERS.items():
            variable = "PYADAY_" + name.upper()
            raw = env.get(variable)
            if raw is None:
                continue
            try:
                values[name] = parse(raw)
            except ValueError as error:
                raise ValueError(f"{variable}={raw!r} is not valid: {error}") from None
        tokens_file = env.get("PYADAY_CURATOR_TOKENS_FILE", "").strip()
        if tokens_file:
            values["curator_tokens"] = values.get("curator_tokens", ()) + read_tokens_file(
                tokens_file
            )
        return cls(**values)


def settings_for_factory(given: "Settings | Namespace | None") -> Settings:
    """What an app factory was given, else the ``PYADAY_*`` settings.

    ``sanic sanic_app:create_app --factory`` calls the factory with the CLI's own
    ``argparse.Namespace`` (host, port, workers: Sanic applies those itself), so a Namespace
    means "no settings given" too.
    """
    if isinstance(given, Settings):
        return given
    if given is None or isinstance(given, Namespace):
        return Settings.from_env()
    raise TypeError(f"expected Settings, not {type(given).__name__}")


def read_tokens_file(path: str) -> tuple[str, ...]:
    """``PYADAY_CURATOR_TOKENS_FILE``: one token a line; blank lines and ``#`` comments skipped.

    Its tokens are accepted beside those of ``PYADAY_CURATOR_TOKENS``. A file that cannot be
    read stops start-up; one that other users may read gets a warning (``chmod 600`` it).
    """
    variable = "PYADAY_CURATOR_TOKENS_FILE"
    try:
        file = Path(path)
        text = file.read_text(encoding="utf-8")
        mode = file.stat().st_mode
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{variable}={path!r} cannot be read: {error}") from None
    if mode & stat.S_IROTH:
        log.warning("%s=%r is readable by every user: chmod 600 (or 640) it", variable, path)
    lines = (line.strip() for line in text.splitlines())
    tokens = tuple(line for line in lines if line and not line.startswith("#"))
    if not tokens:
        raise ValueError(f"{variable}={path!r} holds no token")
    return tokens


def _tokens(raw: str) -> tuple[str, ...]:
    return tuple(token.strip() for token in raw.split(",") if token.strip())


def _flag(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def _seed_catalogue(raw: str) -> bool | int:
    """``1``/``0`` (any flag spelling), or ``synthetic:N`` for a catalogue of N packages."""
    kind, _, size = raw.strip().partition(":")
    if kind.lower() != "synthetic":
        return _flag(raw)
    if not (size.isascii() and size.isdigit()) or int(size) < SEED_SIZE:
        raise ValueError(f"write synthetic:N with N at least {SEED_SIZE}, the real packages")
    return int(size)


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError("must be at least 1")
    return value


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 <= value <= 65535:
        raise ValueError("must be 0..65535")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be greater than 0")
    return value


def _base_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("expected an http or https URL with a host")
    return url


_PARSERS = {
    "curator_tokens": _tokens,
    "database_url": str.strip,
    "seed_catalogue": _seed_catalogue,
    "json_codec": str.strip,
    "host": str.strip,
    "port": _port,
    "workers": _positive_int,
    "pool_size": _positive_int,
    "pool_timeout": _positive_float,
    "index_url": _base_url,
    "index_timeout": _positive_float,
    "index_pool_size": _positive_int,
    "graceful_timeout": _positive_int,
    "export_offload": _flag,
}
