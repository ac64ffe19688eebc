"""The instructor guide's generated tables: the map of chapters and the 13-week schedule.

:mod:`cscbook_build.sphinxext` replaces the guide's lines ``<!-- classroom-chapters -->``
and ``<!-- classroom-schedule -->`` with :func:`chapters_markdown` and
:func:`schedule_markdown`, read from the chapter sources (titles, objectives, exercises,
declared checks, datasets), so the guide cannot fall behind the chapters.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..book import Chapter, assignment_href, datasets_used, toc_chapters
from .source import declared_checks


def chapter_title(chapter: Chapter, text: str | None = None) -> str:
    """The chapter's title: its first level-1 heading."""
    if text is None:
        text = chapter.source.read_text(encoding="utf-8")
    return next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), chapter.slug)


def chapter_summary(chapter: Chapter) -> dict:
    """Title, objectives, exercises, checks and datasets, read from a chapter's source."""
    text = chapter.source.read_text(encoding="utf-8")
    title = chapter_title(chapter, text)
    objectives = []
    block = re.search(r"\{admonition\}\s*Learning objectives(.*?)\n```", text, re.DOTALL)
    if block:
        for item in re.findall(r"^\s*\d+\.\s+(.+?)(?=^\s*\d+\.\s|\Z)", block[1], re.DOTALL | re.MULTILINE):
            objectives.append(" ".join(item.split()))
    exercises = re.findall(r"\{exercise(?:-start)?\}[^\n]*\n(?::[^\n]*\n)*?:label:\s*(\S+)", text)
    return {
        "title": title,
        "objectives": objectives,
        "exercises": exercises,
        "checks": declared_checks(chapter.source),
        "datasets": datasets_used(text),
    }


CHAPTER_LABEL = re.compile(r"^\((?P<label>[\w-]+)\)=\s*$", re.MULTILINE)


def chapter_labels(root: Path) -> dict[str, int]:
    """The label at the top of each chapter (``(ch-...)=``) and the chapter's number."""
    labels = {}
    for chapter in toc_chapters(root):
        if chapter.exists():
            found = CHAPTER_LABEL.search(chapter.source.read_text(encoding="utf-8"))
            if found:
                labels[found["label"]] = chapter.number
    return labels


def _plain_objective(text: str, labels: dict[str, int] | None = None) -> str:
    """An objective without roles (``{term}`x``` becomes x), for plain text.

    A role whose title numbers its target (``{numref}`Chapter %s <ch-x>```) gets the
    chapter's number from ``labels``; a number that cannot be known here is dropped
    rather than printed as a literal ``%s``.
    """
    labels = labels or {}

    def plain(match: re.Match) -> str:
        shown, target = match["shown"].strip(), match["target"]
        number = labels.get(target) if target else None
        for placeholder in ("%s", "{number}"):
            if placeholder in shown:
                shown = shown.replace(placeholder, str(number) if number else "").strip()
        return shown

    text = re.sub(r"\{[\w:]+\}`(?P<shown>[^`<]*?)(?:\s*<(?P<target>[^>]+)>)?`", plain, text)
    return text.replace("|", "/")


def chapters_markdown(root: Path, docname: str) -> str:
    """The instructor guide's section on each chapter: objectives, skills, exercises, checks."""
    lines = []
    labels = chapter_labels(root)
    for chapter in toc_chapters(root):
        if not chapter.exists():
            continue
        summary = chapter_summary(chapter)
        href = assignment_href(docname, chapter.slug)
        lines.append(f"### Chapter {chapter.number}: {{doc}}`{summary['title']} </{chapter.docname}>`\n")
        verbs = [m for o in summary["objectives"] for m in re.findall(r"\*\*(\w+)\*\*", o)]
        if verbs:
            lines.append(f"**Skills:** {', '.join(dict.fromkeys(v.lower() for v in verbs))}.\n")
        if summary["objectives"]:
            lines.append("**Objectives:**\n")
            lines += [f"{i}. {_plain_objective(o, labels)}" for i, o in enumerate(summary["objectives"], 1)]
            lines.append("")
        checks = summary["checks"]
        lines.append(
            f"**Exercises:** {len(summary['exercises'])}; **automatic checks:** {len(checks)}"
            + (f" ({', '.join(f'`{c}`' for c in checks)})" if checks else "")
            + f". **Data:** {', '.join(f'`{d}`' for d in summary['datasets']) or 'none'}. "
            + f'<a href="{href}" download>Student assignment (zip)</a>\n'
        )
    if not lines:
        lines.append("No chapter has been written yet.\n")
    return "\n".join(lines) + "\n"


def schedule_markdown(root: Path) -> str:
    """A 13-week plan: one chapter a week, in book order."""
    chapters = {c.number: c for c in toc_chapters(root) if c.exists()}
    # a list-table, so the column widths are given (the PDF would otherwise squeeze "Week")
    rows = [":::{list-table}", ":header-rows: 1", ":widths: 11 37 21 31", "",
            "* - Week", "  - Monday: hand out", "  - Friday: due", "  - In class"]
    for week in range(1, 14):
        chapter = chapters.get(week)
        if chapter is not None:
            title = chapter_title(chapter)
            out = f"Chapter {week}: {{doc}}`{title} </{chapter.docname}>`"
        else:
            out = f"Chapter {week} (in preparation)"
        due = "Chapter 1 notebook, with the toolkit page" if week == 1 else f"Chapter {week} notebook"
        if week == 1:
            activity = "Course overview; the toolkit page; running a notebook and its checks"
        elif week == 13:
            activity = "Capstone discussion; students present one extension of a chapter"
        elif week in (5, 10):
            activity = "Review of the part just finished; discuss the contested evidence"
        else:
            activity = "Discuss last week's exercises and the chapter's figures"
        rows += [f"* - {week}", f"  - {out}", f"  - {due}", f"  - {activity}"]
    rows.append(":::")
    return "\n".join(rows) + "\n"
