"""``make bench``: Flask and Sanic side by side under load (see ``python -m benchmarks --help``)."""
