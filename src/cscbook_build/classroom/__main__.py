"""The classroom edition's command line: ``python -m cscbook_build.classroom build|grade``.

``build [ROOT]`` (``make assignments``, run by ``make html``) writes ``_build/classroom``;
``grade FOLDER [--root ROOT] [--out scores.csv] [--jobs N]`` (``make grade``) grades a
folder of submitted notebooks into a CSV.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .assignments import build
from .grade import grade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The classroom edition of the book.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="write _build/classroom (make assignments)")
    make.add_argument("root", nargs="?", default=".", type=Path)
    marks = commands.add_parser("grade", help="grade a folder of submitted notebooks into a CSV")
    marks.add_argument("folder", type=Path)
    marks.add_argument("--root", default=".", type=Path)
    marks.add_argument("--out", type=Path, help="CSV file to write (default FOLDER/scores.csv)")
    marks.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.root.resolve())
    else:
        if not args.folder.is_dir():
            parser.error(f"{args.folder} is not a folder")
        grade(args.folder.resolve(), args.root.resolve(), args.out, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
