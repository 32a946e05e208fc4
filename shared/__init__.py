"""Everything pyaday needs that is not a web framework.

Both apps, ``flask_app`` and ``sanic_app``, import from here: a handler parses with
``shared``, calls the store (sync or awaited) and answers with a body built by ``shared``.
"""

__version__ = "1.0.0"
