"""``make diff``: every twin side by side, region by region, in the terminal and as HTML.

Each pair of ``learn.twins`` is cut at its region markers, and each region is diffed against
the region of the same name in the twin; the code between regions is diffed as it comes. A
region's heading is the title of the guide section that quotes it, else its name.

    python -m learn.diffs                         # the terminal (make diff)
    python -m learn.diffs --html docs/diff.html   # one static page, no network (make docs)
"""

import argparse
import difflib
import html
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from learn.guide import region_titles
from learn.regions import END, START
from learn.twins import PROJECT_ROOT, Twin, twins


@dataclass(frozen=True)
class Chunk:
    key: str  # a region's name, or "…after <region>" for the code that follows it
    title: str
    left: list[str]
    right: list[str]


def chunks(lines: list[str]) -> dict[str, list[str]]:
    """A file's lines cut at the region markers, keyed by region (markers dropped)."""
    cut: dict[str, list[str]] = {"": []}
    current = ""
    for line in lines:
        start = START.match(line)
        if start:
            current = start[1]
            cut[current] = []
        elif END.match(line):
            current = f"after {current}"
            cut[current] = []
        else:
            cut[current].append(line)
    return {key: body for key, body in cut.items() if any(text.strip() for text in body)}


def paired_chunks(root: Path, twin: Twin, titles: dict) -> list[Chunk]:
    left = chunks((root / twin.left).read_text(encoding="utf-8").splitlines())
    right = chunks((root / twin.right).read_text(encoding="utf-8").splitlines())
    keys = list(left) + [key for key in right if key not in left]
    return [
        Chunk(
            key,
            chunk_title(key, titles.get((twin.left, key))),
            left.get(key, []),
            right.get(key, []),
        )
        for key in keys
    ]


def chunk_title(key: str, guide_title: str | None) -> str:
    if guide_title:
        return f"{guide_title} (region {key})"
    return f"region {key}" if key and not key.startswith("after ") else "outside the regions"


# The terminal


def terminal(root: Path = PROJECT_ROOT, width: int | None = None, color: bool = False) -> str:
    width = width or shutil.get_terminal_size((160, 40)).columns
    column = (width - 3) // 2
    titles = region_titles(root)
    out = []
    for twin in twins(root):
        out += ["", f"{'=' * width}", twin.title.center(width), "=" * width]
        for chunk in paired_chunks(root, twin, titles):
            out += ["", f"--- {chunk.title} ".ljust(width, "-")]
            out += side_by_side_rows(chunk.left, chunk.right, column, color)
    return "\n".join(out) + "\n"


MARKS = {"equal": " ", "replace": "|", "delete": "<", "insert": ">"}
COLORS = {"replace": "\x1b[33m", "delete": "\x1b[31m", "insert": "\x1b[32m"}


def side_by_side_rows(left: list[str], right: list[str], column: int, color: bool) -> list[str]:
    rows = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        for offset in range(max(a1 - a0, b1 - b0)):
            old = left[a0 + offset] if a0 + offset < a1 else ""
            new = right[b0 + offset] if b0 + offset < b1 else ""
            row = f"{_fit(old, column)} {MARKS[tag]} {_fit(new, column)}".rstrip()
            rows.append(f"{COLORS[tag]}{row}\x1b[0m" if color and tag in COLORS else row)
    return rows


def _fit(text: str, column: int) -> str:
    text = text.expandtabs(4)
    return (text[: column - 1] + "…" if len(text) > column else text).ljust(column)


# The HTML page

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table.diff { border-collapse: collapse; width: 100%; font: 12px/1.4 ui-monospace, monospace; }
table.diff td { vertical-align: top; white-space: pre-wrap; padding: 0 4px; }
.diff_header { color: #888; text-align: right; }
.diff_next { display: none; }
.diff_add { background: #d7f5d7; }
.diff_chg { background: #fff3b0; }
.diff_sub { background: #ffd6d6; }
h2 { margin-top: 2.5em; border-bottom: 2px solid #ccc; } h3 { margin-top: 1.5em; }
"""


def html_page(root: Path = PROJECT_ROOT) -> str:
    titles = region_titles(root)
    # HtmlDiff numbers the anchors of its tables with one counter for the whole process: start
    # it over, so that the page is the same whatever this process diffed before.
    difflib.HtmlDiff._default_prefix = 0
    differ = difflib.HtmlDiff(tabsize=4, wrapcolumn=78)
    parts, toc = [], []
    for number, twin in enumerate(twins(root), start=1):
        anchor = f"twin-{number}"
        toc.append(f'<li><a href="#{anchor}">{html.escape(twin.title)}</a></li>')
        parts.append(f'<h2 id="{anchor}">{html.escape(twin.title)}</h2>')
        for chunk in paired_chunks(root, twin, titles):
            parts.append(f"<h3>{html.escape(chunk.title)}</h3>")
            parts.append(
                differ.make_table(chunk.left, chunk.right, str(twin.left), str(twin.right))
            )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>pyaday: every twin, side by side</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>pyaday: every twin, side by side</h1>"
        "<p>Generated by <code>make docs</code> from the code; the Flask (or sync) file on the"
        " left, its Sanic (or async) twin on the right, cut at the regions the migration guide"
        ' (<a href="migration.md">docs/migration.md</a>) quotes.</p>'
        f"<ul>{''.join(toc)}</ul>{''.join(parts)}</body></html>\n"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m learn.diffs", description=__doc__)
    parser.add_argument("--html", type=Path, help="write the static HTML page here")
    args = parser.parse_args(argv)
    if args.html:
        args.html.write_text(html_page(), encoding="utf-8")
        print(f"wrote {args.html}")
    else:
        sys.stdout.write(terminal(color=sys.stdout.isatty()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
