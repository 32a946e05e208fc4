"""A local package index: the JSON API of the Python Package Index for the seed catalogue.

    python -m benchmarks.index --port PORT --delay-ms MS [--mode ok|error|garbage|hang]

The tests and the benchmark runner start it on a free local port
(``benchmarks.servers.running_index``) and point ``PYADAY_INDEX_URL`` at it, so that nothing
reaches the internet. It is Sanic in one process: a request waits out its delay with
``asyncio.sleep``, so a thousand requests delayed by 50 ms are a thousand sleeping tasks, not a
thousand threads.

- ``GET /pypi/<name>/json``: the project, as PyPI answers it: ``info``, ``releases`` (each
  version and its files), ``urls``. As PyPI does, it redirects (301) any other spelling of a
  name to the project's display name, and answers 404 for a name it does not know. After the
  delay, ``--mode`` decides the answer: ``ok``, ``error`` (500), ``garbage`` (200 with a body
  that is not JSON) or ``hang`` (no answer at all, however long the client waits).
- ``GET /_control`` and ``PUT /_control`` with ``{"mode": ..., "delay_ms": ...}``: read or change
  the mode and the delay while it runs, so that one index serves a whole test session;
  ``requests`` counts the ``/pypi/`` requests it has received.
- ``GET /health``: 200 whatever the mode, for start-up checks.

Each seed package gets the same few releases on every run, chosen so that every reading of
``shared/releases.py`` is exercised (see ``history``): the latest is the catalogue's version.
"""

import argparse
import asyncio
import zlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from packaging.utils import canonicalize_name
from packaging.version import Version
from sanic import Request, Sanic
from sanic.response import HTTPResponse, json, raw, redirect, text

from shared.catalogue import seed_packages
from shared.codec import SimplejsonCodec
from shared.model import Package

MODES = ("ok", "error", "garbage", "hang")
# What a proxy that cut the answer short would deliver: the start of a JSON document.
GARBAGE = b'{"info": {"name": "'
_codec = SimplejsonCodec()


@dataclass
class Behaviour:
    mode: str = "ok"
    delay_ms: int = 0
    requests: int = 0


@cache
def packages_by_name() -> dict[str, Package]:
    return {package.normalized_name: package for package in seed_packages()}


def history(package: Package) -> dict[str, list[dict]]:
    """The package's releases, each version with its files, deterministically.

    The latest is the catalogue's version, with two files uploaded 95 s apart (the later one
    listed first); then, where they sort below it, a release candidate with one file, a beta
    with no files, the previous release with every file yanked, 0.1 with one of its two files
    yanked, and a version that is not valid PEP 440.
    """
    latest = Version(package.version)
    # Somewhere in the catalogue's release month, the same second on every run.
    released = datetime.fromisoformat(package.updated_at) + timedelta(
        seconds=zlib.crc32(package.normalized_name.encode()) % (27 * 86400), microseconds=250_000
    )
    base = latest.base_version
    candidates = [
        (package.version, 0, (("sdist", 95, False), ("bdist_wheel", 0, False))),
        (f"{base}rc1", 12, (("bdist_wheel", 0, False),)),
        (f"{base}b1", 20, ()),
        (previous_release(latest), 60, (("sdist", 0, True), ("bdist_wheel", 30, True))),
        ("0.1", 400, (("sdist", 0, True), ("bdist_wheel", 10, False))),
    ]
    releases, seen = {}, set()
    for version, age_days, files in candidates:
        if version is None or Version(version) in seen or Version(version) > latest:
            continue
        seen.add(Version(version))
        moment = released - timedelta(days=age_days)
        releases[version] = [file_entry(package, version, *spec, moment) for spec in files]
    legacy = f"{base}-legacy"
    releases[legacy] = [file_entry(package, legacy, "sdist", 0, False, released)]
    return releases


def previous_release(version: Version) -> str | None:
    """The release before ``version``: its last non-zero part less one (1.44.5 → 1.44.4)."""
    parts = list(version.release)
    nonzero = [index for index, part in enumerate(parts) if part]
    if not nonzero:
        return None
    parts[nonzero[-1]] -= 1
    epoch = f"{version.epoch}!" if version.epoch else ""
    return epoch + ".".join(map(str, parts))


def file_entry(
    package: Package, version: str, kind: str, offset_s: int, yanked: bool, moment: datetime
) -> dict:
    uploaded = (moment + timedelta(seconds=offset_s)).astimezone(UTC)
    stem = f"{package.normalized_name.replace('-', '_')}-{version}"
    filename = f"{stem}.tar.gz" if kind == "sdist" else f"{stem}-py3-none-any.whl"
    return {
        "filename": filename,
        "packagetype": kind,
        "python_version": "source" if kind == "sdist" else "py3",
        "size": 1000 + zlib.crc32(filename.encode()) % 100_000,
        "upload_time": uploaded.strftime("%Y-%m-%dT%H:%M:%S"),
        "upload_time_iso_8601": uploaded.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "yanked": yanked,
        "yanked_reason": "Broken release" if yanked else None,
    }


@cache
def project_body(normalized_name: str) -> bytes:
    """The JSON API's answer for one project, built on first request and kept."""
    package = packages_by_name()[normalized_name]
    releases = history(package)
    document = {
        "info": {
            "name": package.name,
            "summary": package.summary,
            "version": package.version,
        },
        "last_serial": zlib.crc32(normalized_name.encode()),
        "releases": releases,
        "urls": releases[package.version],
        "vulnerabilities": [],
    }
    return _codec.dumps(document).encode("utf-8")


def create_app(behaviour: Behaviour) -> Sanic:
    app = Sanic("pyaday-index")
    app.config.update(
        AUTO_EXTEND=False,
        # "hang" means no answer: not Sanic's own 503 after its default 60 s.
        RESPONSE_TIMEOUT=24 * 3600,
        # Requests left hanging must not hold up a stop.
        GRACEFUL_SHUTDOWN_TIMEOUT=1.0,
    )

    @app.get("/pypi/<name>/json")
    async def project(request: Request, name: str) -> HTTPResponse:
        behaviour.requests += 1
        if behaviour.mode == "hang":
            await asyncio.Event().wait()  # cancelled when the client gives up and disconnects
        await asyncio.sleep(behaviour.delay_ms / 1000)
        if behaviour.mode == "error":
            return text("Internal Server Error", status=500)
        if behaviour.mode == "garbage":
            return raw(GARBAGE, content_type="application/json")
        package = packages_by_name().get(canonicalize_name(name))
        if package is None:
            return json({"message": "Not Found"}, status=404)
        if name != package.name:
            return redirect(f"/pypi/{package.name}/json", status=301)
        return raw(project_body(package.normalized_name), content_type="application/json")

    @app.get("/_control")
    async def show_behaviour(request: Request) -> HTTPResponse:
        return json(asdict(behaviour))

    @app.put("/_control")
    async def change_behaviour(request: Request) -> HTTPResponse:
        changes = request.json if isinstance(request.json, dict) else {}
        mode = changes.get("mode", behaviour.mode)
        delay_ms = changes.get("delay_ms", behaviour.delay_ms)
        if mode not in MODES or type(delay_ms) is not int or delay_ms < 0:
            return text(f"send {{'mode': one of {MODES}, 'delay_ms': ms >= 0}}", status=400)
        behaviour.mode, behaviour.delay_ms = mode, delay_ms
        return json(asdict(behaviour))

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.index", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--delay-ms", type=int, default=0, help="wait this long before answering")
    parser.add_argument("--mode", choices=MODES, default="ok")
    options = parser.parse_args(argv)
    app = create_app(Behaviour(mode=options.mode, delay_ms=options.delay_ms))
    app.run(
        host=options.host,
        port=options.port,
        single_process=True,
        access_log=False,
        motd=False,
    )


if __name__ == "__main__":
    main()
