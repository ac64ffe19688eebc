"""The classroom edition's command line: ``python -m cscbook_build.classroom build|grade|otter``.

``build [ROOT]`` (``make assignments``, run by ``make html``) writes ``_build/classroom``;
``grade FOLDER [--root ROOT] [--out scores.csv] [--jobs N] [--timeout S] [--memory MB]
[--chapter SLUG] [--unsafe-no-sandbox]`` (``make grade``) grades a folder of submitted
notebooks into a CSV and a feedback file per notebook; ``otter NOTEBOOK [--chapter SLUG]
[--out DIR]`` (``make otter-run``) grades one trusted notebook with otter-grader's own ``otter
run`` and the chapter's autograder zip, and prints the score and the results path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .assignments import build
from .grade import grade
from .otterrun import otter_run
from .sandbox import Limits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The classroom edition of the book.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="write _build/classroom (make assignments)")
    make.add_argument("root", nargs="?", default=".", type=Path)
    marks = commands.add_parser("grade", help="grade a folder of submitted notebooks into a CSV")
    marks.add_argument("folder", type=Path)
    marks.add_argument("--root", default=".", type=Path)
    marks.add_argument("--out", type=Path, help="CSV file to write (default FOLDER/scores.csv)")
    marks.add_argument("--feedback", type=Path, help="folder for the feedback files (default: beside the CSV)")
    marks.add_argument("--autograders", type=Path,
                       help="folder of *-autograder.zip (default ROOT/_build/classroom/autograder)")
    marks.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    marks.add_argument("--timeout", type=float, default=Limits.timeout,
                       help=f"wall-clock seconds per notebook (default {Limits.timeout:g})")
    marks.add_argument("--memory", type=int, default=Limits.memory_mb,
                       help=f"memory (address space) per notebook in MB (default {Limits.memory_mb})")
    marks.add_argument("--chapter", help="grade every notebook as this chapter (slug or number)")
    marks.add_argument("--unsafe-no-sandbox", action="store_true",
                       help="run student code without the bubblewrap sandbox (trusted notebooks only)")
    otter = commands.add_parser("otter", help="grade one trusted notebook with `otter run` (no sandbox)")
    otter.add_argument("notebook", type=Path)
    otter.add_argument("--root", default=".", type=Path)
    otter.add_argument("--autograders", type=Path,
                       help="folder of *-autograder.zip (default ROOT/_build/classroom/autograder)")
    otter.add_argument("--chapter", help="the notebook's chapter (slug or number), if it cannot be told")
    otter.add_argument("--out", type=Path, help="folder for otter's results.json "
                                                "(default: otter-results/NAME beside the notebook)")
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.root.resolve())
    elif args.command == "otter":
        result = otter_run(args.notebook.resolve(), args.root.resolve(),
                           args.autograders.resolve() if args.autograders else None, args.chapter,
                           args.out.resolve() if args.out else None)
        print(result.summary())
    else:
        if not args.folder.is_dir():
            parser.error(f"{args.folder} is not a folder")
        limits = Limits(timeout=args.timeout, memory_mb=args.memory)
        grade(args.folder.resolve(), args.root.resolve(), args.out.resolve() if args.out else None, args.jobs,
              limits=limits, chapter=args.chapter, unsafe=args.unsafe_no_sandbox,
              feedback=args.feedback.resolve() if args.feedback else None,
              autograders=args.autograders.resolve() if args.autograders else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
