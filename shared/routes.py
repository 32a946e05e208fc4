"""The paths of API.md, defined once: both apps route them, clients fill them in.

Flask and Sanic write a path parameter the same way (``<name>``), so both apps register these
exact strings and the benchmark scenarios take their paths from here, not retyped.
"""

from urllib.parse import quote

INDEX = "/"
HEALTH = "/health"
OPENAPI = "/openapi.json"
PACKAGES = "/packages"
PACKAGE = "/packages/<name>"
PACKAGE_RELEASES = "/packages/<name>/releases"
RANDOM = "/rand"
DAILY = "/daily"
# Not under /packages, where it would hide a package named "export".
EXPORT = "/export"


def package_path(name: str) -> str:
    """``PACKAGE`` for one package, the name percent-encoded as a path segment."""
    return PACKAGE.replace("<name>", quote(name, safe=""))
