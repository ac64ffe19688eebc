"""How long a chapter takes: to read and run, and to do its exercises.

Each chapter's "Before you start" box states both times. They are measured from the
chapter's source, not guessed, so that they stay true when a chapter grows:

- reading: the prose outside exercises and solutions at 200 words a minute, plus half a
  minute for each code cell the reader sees and runs (outside solutions; a cell tagged
  ``remove-cell`` is the book's machinery and does not count);
- exercises: for each exercise, 10 minutes plus a minute for every 20 words of its
  statement (a longer statement asks for more work).

Both are rounded up to the next 5 minutes. ``python -m cscbook_build.study_time`` prints
them for every chapter, and with ``--write`` puts them into each chapter's box;
``tests/test_teaching.py`` checks that each box states them.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .book import toc_chapters

WORDS_PER_MINUTE = 200
MINUTES_PER_CODE_CELL = 0.5
MINUTES_PER_EXERCISE = 10
EXERCISE_WORDS_PER_MINUTE = 20

CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
EXERCISE = re.compile(r"^```\{exercise-start\}.*?^```\{exercise-end\}\s*```", re.MULTILINE | re.DOTALL)
SOLUTION = re.compile(r"^```\{solution-start\}.*?^```\{solution-end\}\s*```", re.MULTILINE | re.DOTALL)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


@dataclass(frozen=True)
class StudyTime:
    reading: int  # minutes to read the chapter and run its code
    exercises: int  # minutes to do its exercises


def _up_to_five(minutes: float) -> int:
    return max(5, 5 * math.ceil(minutes / 5 - 1e-9))


def _words(text: str) -> int:
    text = re.sub(r"\{[\w:-]+\}`([^`<]*)(?:<[^>]*>)?`", r"\1", text)  # roles: their text only
    text = re.sub(r"^(```|:::).*$", "", text, flags=re.MULTILINE)  # directive fences
    text = re.sub(r"^:[\w-]+:.*$", "", text, flags=re.MULTILINE)  # directive options
    return len(WORD.findall(text))


def study_time(source: str) -> StudyTime:
    """The reading and exercise times of a chapter, from its MyST source."""
    text = FRONT_MATTER.sub("", source)
    text = SOLUTION.sub("", text)
    exercises = EXERCISE.findall(text)
    text = EXERCISE.sub("", text)
    code_cells = sum("remove-cell" not in cell.split("\n", 2)[1] for cell in CODE_CELL.findall(text))
    prose = CODE_CELL.sub("", text)
    reading = _words(prose) / WORDS_PER_MINUTE + code_cells * MINUTES_PER_CODE_CELL
    doing = sum(
        MINUTES_PER_EXERCISE + _words(CODE_CELL.sub("", exercise)) / EXERCISE_WORDS_PER_MINUTE
        for exercise in exercises
    )
    return StudyTime(reading=_up_to_five(reading), exercises=_up_to_five(doing) if exercises else 0)


TIME_LINE = re.compile(
    r"(\*\*Time:\*\* about )\d+( minutes to read and run; about )\d+( minutes for the exercises)"
)


def write_times(path: Path) -> bool:
    """Put the measured times into the chapter's box; True if the file changed.

    Measuring again after the edit gives the same numbers unless the new digits tip a
    rounding, so the edit is repeated until the times are stable.
    """
    text = path.read_text(encoding="utf-8")
    original = text
    for _ in range(3):
        time = study_time(text)
        text = TIME_LINE.sub(rf"\g<1>{time.reading}\g<2>{time.exercises}\g<3>", text)
    if text != original:
        path.write_text(text, encoding="utf-8")
    return text != original


def main(argv: list[str] | None = None) -> int:
    args = list(argv or [])
    write = "--write" in args
    args = [a for a in args if a != "--write"]
    root = Path(args[0] if args else ".")
    for chapter in toc_chapters(root):
        if not chapter.exists():
            continue
        if write and write_times(chapter.source):
            print(f"{chapter.docname}: times updated")
        time = study_time(chapter.source.read_text(encoding="utf-8"))
        print(f"{chapter.docname}: about {time.reading} minutes to read and run; "
              f"about {time.exercises} minutes for the exercises")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
