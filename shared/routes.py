"""The paths of API.md as templates, for clients that must not retype them (the benchmarks).

Templates use the OpenAPI form ``{name}``: fill one with ``PACKAGE.format(name=...)``.
``tests/test_bench_harness.py`` checks that each one reaches a route of both apps.
"""

INDEX = "/"
HEALTH = "/health"
OPENAPI = "/openapi.json"
PACKAGES = "/packages"
PACKAGE = "/packages/{name}"
RANDOM = "/rand"
DAILY = "/daily"
