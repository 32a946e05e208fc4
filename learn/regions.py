"""Named regions of a source file: the snippets the guide and the diff page quote.

A region starts at a line holding only ``# region: <name>`` and ends at the next line holding
only ``# endregion`` (indentation allowed, as editors such as VS Code and PyCharm fold them).
Regions do not nest; a file's region names are unique. The markers themselves are not part of
the snippet, and the snippet is dedented, so a method quotes as cleanly as a function.
"""

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

START = re.compile(r"^\s*# region: ([a-z0-9][a-z0-9-]*)\s*$")
END = re.compile(r"^\s*# endregion\s*$")


class RegionError(ValueError):
    """A file's markers are malformed: the message names the file and the line."""


@dataclass(frozen=True)
class Region:
    name: str
    first_line: int  # 1-based, the first line after the start marker
    code: str  # dedented, without the markers


def read_regions(path: Path) -> dict[str, Region]:
    """Every region of ``path``, in file order."""
    return parse_regions(path.read_text(encoding="utf-8"), str(path))


def parse_regions(text: str, source: str = "<text>") -> dict[str, Region]:
    regions: dict[str, Region] = {}
    open_name, open_at, body = None, 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        start, end = START.match(line), END.match(line)
        if start and open_name:
            raise RegionError(f"{source}:{number}: region {start[1]!r} opens inside {open_name!r}")
        if start:
            if start[1] in regions:
                raise RegionError(f"{source}:{number}: a second region named {start[1]!r}")
            open_name, open_at, body = start[1], number + 1, []
        elif end:
            if not open_name:
                raise RegionError(f"{source}:{number}: # endregion without a region")
            code = textwrap.dedent("\n".join(body)).strip("\n")
            regions[open_name] = Region(open_name, open_at, code)
            open_name = None
        elif open_name:
            body.append(line)
    if open_name:
        raise RegionError(f"{source}: region {open_name!r} is never closed")
    return regions


def strip_markers(text: str) -> str:
    """The file without its region markers: what the diff shows around the regions."""
    return "\n".join(
        line for line in text.splitlines() if not (START.match(line) or END.match(line))
    )
