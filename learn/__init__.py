"""Learning the migration from the code itself: the generated guide, the diffs, the workshop.

- ``regions``: the ``# region: <name>`` … ``# endregion`` markers in the twin files;
- ``twins``: which file is whose twin (Flask ↔ Sanic, a sync IO adapter ↔ its async twin);
- ``guide``: ``docs/migration.md`` from ``docs/migration.template.md`` (``make docs``);
- ``diffs``: the side-by-side diff of every twin, in the terminal (``make diff``) and as
  ``docs/diff.html``;
- ``workshop``: ``make workshop-start`` and ``make workshop-check``.
"""
