"""The instructor guide's generated parts: the map of chapters, a 14-week term and tracks.

:mod:`cscbook_build.sphinxext` replaces the guide's lines ``<!-- classroom-chapters -->``,
``<!-- classroom-schedule -->`` and ``<!-- classroom-tracks -->`` with
:func:`chapters_markdown`, :func:`schedule_markdown` and :func:`tracks_markdown`, read from
the chapter sources (titles, objectives, exercises, declared checks, datasets, measured
study times), so the guide cannot fall behind the chapters.

The term (:data:`SCHEDULE`), the tracks (:data:`TRACKS`) and the in-class activity of each
chapter (:data:`ACTIVITIES`, written from the chapter's learning objectives) are data
here. Each chapter's "Before you start" box names, on its **Builds on:** line, the earlier
chapters it needs (:func:`chapter_dependencies`); :func:`dependency_problems` lists every
chapter that a plan puts before one of them, and ``tests/test_course.py`` keeps the term
and every track free of such problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..book import Chapter, assignment_href, datasets_used, toc_assignments, toc_chapters, toc_primers
from ..study_time import study_time
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
    """The instructor guide's section on each primer and chapter: objectives, skills, exercises, checks."""
    lines = []
    labels = chapter_labels(root)
    for chapter in toc_assignments(root):
        if not chapter.exists():
            continue
        summary = chapter_summary(chapter)
        href = assignment_href(docname, chapter.slug)
        link = f"{{doc}}`{summary['title']} </{chapter.docname}>`"
        # a primer's title says what it is ("Primer: ..."); its files are 00a-..., 00b-...
        lines.append(f"### {link} (`{chapter.slug}`)\n" if chapter.primer
                     else f"### Chapter {chapter.number}: {link}\n")
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


# --------------------------------------------------------------------------------------
# Chapter dependencies, read from the "Before you start" boxes
# --------------------------------------------------------------------------------------

BUILDS_ON = re.compile(r"^\s*-\s*\*\*Builds on:\*\*(?P<line>.*)$", re.MULTILINE)
REF_TARGET = re.compile(r"\{ref\}`[^`<]*<(?P<label>[\w-]+)>`")


def chapter_dependencies(root: Path) -> dict[int, set[int]]:
    """For each written chapter, the chapters its **Builds on:** line links to.

    A link is ``{ref}`chapter 2 <ch-markers-heterogeneity>``` and the label is mapped to
    the chapter's number as :func:`chapter_labels` does; a label that names no chapter
    (a section, or a chapter not yet written) is left out. A chapter without the line
    builds on nothing.
    """
    labels = chapter_labels(root)
    dependencies = {}
    for chapter in toc_chapters(root):
        if not chapter.exists():
            continue
        found = BUILDS_ON.search(chapter.source.read_text(encoding="utf-8"))
        targets = REF_TARGET.findall(found["line"]) if found else []
        dependencies[chapter.number] = {labels[t] for t in targets if t in labels}
    return dependencies


def prerequisites(chapter: int, dependencies: dict[int, set[int]]) -> set[int]:
    """Every chapter that ``chapter`` builds on, directly or through another chapter."""
    needed: set[int] = set()
    stack = list(dependencies.get(chapter, ()))
    while stack:
        earlier = stack.pop()
        if earlier not in needed:
            needed.add(earlier)
            stack.extend(dependencies.get(earlier, ()))
    return needed


def dependency_problems(order: list[int] | tuple[int, ...], dependencies: dict[int, set[int]]) -> list[str]:
    """Each chapter of ``order`` that comes before (or without) a chapter it builds on."""
    problems = []
    for position, chapter in enumerate(order):
        missing = prerequisites(chapter, dependencies) - set(order[:position])
        if missing:
            problems.append(
                f"chapter {chapter} builds on chapter(s) {', '.join(map(str, sorted(missing)))}, "
                "which do not come before it"
            )
    if len(set(order)) != len(order):
        problems.append(f"a chapter appears twice: {list(order)}")
    return problems


# --------------------------------------------------------------------------------------
# The 14-week term, its in-class activities and the tracks
# --------------------------------------------------------------------------------------

#: What the class does with each chapter in the week it is handed out, written from the
#: chapter's learning objectives.
ACTIVITIES = {
    1: "Estimate a tumour-initiating cell frequency together from one limiting-dilution "
       "table; discuss why one transplantation shows tumour initiation but not stemness",
    2: "Move the gate of a two-marker sample and watch the reported CSC fraction move; "
       "why a marker enriches for CSCs without defining them",
    3: "Derive the hierarchy's steady state by hand on the board; predict what a therapy "
       "that kills only dividing non-stem cells does, and why it does not last",
    4: "Build a small transition matrix by hand and find where the population settles; "
       "why plasticity undermines therapy aimed at a marker",
    5: "Recover the group size behind a published t statistic; what transporter inhibitors "
       "have and have not achieved in patients",
    6: "Read each parameter off a four-parameter logistic curve; relative versus absolute "
       "IC50, and what an IC50 ratio does to the make-up of a surviving tumour",
    7: "Surviving fractions from a clonogenic assay by hand; weigh the studies that "
       "disagree about the radioresistance of CD133+ cells by what each compared",
    8: "Turn a rising CSC share into odds and relative survival; design the experiment "
       "that separates selection from induced plasticity",
    9: "Turn BCR-ABL1 slopes into halving times; predict what stopping imatinib does and "
       "check it against the treatment-free-remission trials",
    10: "Build a Kaplan-Meier curve by hand from eight patients; what a hazard ratio of "
        "0.66 says about the trial and what it cannot say about leukaemic stem cells",
    11: "Sketch the oxygen profile around one vessel and find where it falls below the "
        "hypoxic threshold; design the experiment that tells selection from induction "
        "after an antiangiogenic drug",
    12: "Compare two single-cell distributions with an effect size and with p-values at "
        "growing numbers of cells; why studies disagree on whether CSCs are glycolytic",
    13: "Pool the CD133 studies with fixed- and random-effects weights; read a forest plot "
        "and a funnel plot together",
    14: "Simulate trials with no true effect and count the false positives; judge a "
        "subgroup claim against published credibility criteria",
    15: "Sort the ways of aiming a therapy at CSCs (marker, screen, repurposed drug); how "
        "much a small trial can detect from its number of events",
    16: "Work Fisher's exact test by hand on the APL0406 remission table; turn a risk "
        "difference into a number needed to treat, and model a drug that makes stem cells "
        "differentiate instead of killing them",
    17: "Stratify a single-arm cohort and its historical control by resection and watch "
        "the apparent benefit shrink; what a vaccine trial would need to convince",
    18: "Play a 3+3 dose escalation with dice against a known toxicity curve; what the "
        "declared maximum tolerated dose can and cannot tell, and the lesson of MRX34",
    19: "Which parameters are anchored to measurements and which are assumptions; students "
        "present their heat maps and say what the model cannot tell",
}


@dataclass(frozen=True)
class Week:
    """One week of the term: an on-ramp, chapters to hand out, an assessment or the capstone."""

    kind: str  # "on-ramp", "chapters", "assessment" or "capstone"
    chapters: tuple[int, ...] = ()


#: A 14-week term: an on-ramp week (the two primers, handed out and graded as chapters
#: are, or set as self-study before the term), the chapters of each part, an
#: assessment week after Part I and after Part II, and a last week for the capstone and
#: its report. With 19 chapters most weeks hold two; chapters 1 and 4, which the rest of
#: Part I builds on, have a week each.
SCHEDULE = (
    Week("on-ramp"),
    Week("chapters", (1,)),
    Week("chapters", (2, 3)),
    Week("chapters", (4,)),
    Week("assessment"),
    Week("chapters", (5, 6)),
    Week("chapters", (7, 8)),
    Week("chapters", (9, 10)),
    Week("chapters", (11, 12)),
    Week("assessment"),
    Week("chapters", (13, 14)),
    Week("chapters", (15, 16)),
    Week("chapters", (17, 18)),
    Week("capstone", (19,)),
)


def schedule_order(schedule: tuple[Week, ...] = SCHEDULE) -> list[int]:
    """The chapters of a schedule in the order they are handed out."""
    return [number for week in schedule for number in week.chapters]


@dataclass(frozen=True)
class Track:
    """A subset of the chapters, in the order to teach them, and why."""

    name: str
    chapters: tuple[int, ...]
    rationale: str
    leaves_out: str  # why the chapters not in the track can go


TRACKS = (
    Track(
        "Biology-first",
        (1, 2, 5, 6, 7, 12, 13, 14),
        "for biology students: how CSCs are counted and marked, how they resist drugs and "
        "radiation, and what the clinical evidence shows, read from data with proportions, "
        "intervals and fitted curves rather than differential equations or matrices.",
        "the population-dynamics models (differential equations and matrices) and the "
        "chapters that build on them, the capstone included; chapter 11's oxygen model, "
        "a boundary-value problem, goes with them.",
    ),
    Track(
        "Quantitative",
        (1, 3, 2, 4, 5, 8, 9, 13, 14, 15, 19),
        "for students of mathematics, physics or computing: the hierarchy's differential "
        "equations right after chapter 1, then plasticity as a Markov chain, selection and "
        "the CML model, and the clinical statistics the capstone's relapse model draws on; "
        "with the on-ramp and two assessment weeks it fills the 14-week term at one "
        "chapter a week.",
        "the two curve-fitting chapters on detoxification and radiation, and the chapters "
        "that build on them or on each other beyond the capstone's needs (apoptosis, the "
        "niche, redox, differentiation, immune evasion and emerging strategies): each "
        "teaches a further method (survival analysis, a boundary-value problem, mixture "
        "models, exact tests, standardisation, dose escalation) that suits a project or a "
        "second term.",
    ),
)


def _chapter_link(chapter, title: str | None = None) -> str:
    if chapter is None or not chapter.exists():
        return "(in preparation)"
    return f"{{doc}}`{title or chapter_title(chapter)} </{chapter.docname}>`"


def _workload(chapters: list) -> str:
    minutes = 0
    for chapter in chapters:
        time = study_time(chapter.source.read_text(encoding="utf-8"))
        minutes += time.reading + time.exercises
    hours, rest = divmod(minutes, 60)
    return f"about {hours} h {rest:02d} min" if hours else f"about {rest} min"


def schedule_markdown(root: Path) -> str:
    """The 14-week term of :data:`SCHEDULE` as a list-table, with each week's measured work."""
    chapters = {c.number: c for c in toc_chapters(root)}
    # a list-table, so the column widths are given (the PDF would otherwise squeeze "Week"),
    # and a long table in the PDF: fourteen weeks are taller than a page
    rows = [":::{list-table}", ":header-rows: 1", ":widths: 11 37 21 31", ":class: longtable", "",
            "* - Week", "  - Monday: hand out", "  - Friday: due", "  - In class"]
    since_assessment: list[int] = []
    for number, week in enumerate(SCHEDULE, 1):
        if week.kind == "on-ramp":
            primers = [p for p in toc_primers(root) if p.exists()]
            out = "The {doc}`toolkit page </book/front/toolkit>`"
            if primers:
                out += "; the primers: " + "; ".join(_chapter_link(p) for p in primers)
                due = (f"The primer notebook{'s' if len(primers) > 1 else ''} "
                       f"({_workload(primers)} of measured work; students who already know "
                       "Python or statistics may skip a primer and run its checks only)")
            else:
                due = "A working set-up: the chapter 1 notebook run up to its first exercise"
            activity = ("Course overview; open a notebook in Jupyter, JupyterHub or Colab, run it "
                        "top to bottom, run a check, read an error message")
        elif week.kind == "assessment":
            covered = _chapter_list(since_assessment)
            out = f"Review: the concept checks of {covered}"
            due = "Nothing new: corrections to one graded notebook"
            activity = (f"Review session, then a written test on {covered} (concept "
                        "checks and a short computation by hand)")
            since_assessment = []
        else:
            written = [chapters[n] for n in week.chapters if n in chapters and chapters[n].exists()]
            out = "; ".join(f"Chapter {n}: {_chapter_link(chapters.get(n))}" for n in week.chapters)
            notebooks = " and ".join(map(str, week.chapters))
            due = f"Chapter{'s' if len(week.chapters) > 1 else ''} {notebooks} notebook"
            due += "s" if len(week.chapters) > 1 else ""
            if week.kind == "capstone":
                due += ", with its capstone report"
            if written:
                due += f" ({_workload(written)} of measured work)"
            if len(week.chapters) == 1:
                activity = ACTIVITIES[week.chapters[0]]
            else:
                activity = ". ".join(f"Chapter {n}: {ACTIVITIES[n]}" for n in week.chapters)
            since_assessment += week.chapters
        rows += [f"* - {number}", f"  - {out}", f"  - {due}", f"  - {activity}"]
    rows.append(":::")
    return "\n".join(rows) + "\n"


def _chapter_list(numbers) -> str:
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return f"chapter {numbers[0]}"
    return f"chapters {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def tracks_markdown(root: Path) -> str:
    """Each track of :data:`TRACKS`: its chapters in order, why, and what it leaves out."""
    chapters = {c.number: c for c in toc_chapters(root)}
    lines = []
    capstone = SCHEDULE[-1].chapters[-1]
    needed = prerequisites(capstone, chapter_dependencies(root))
    if needed:
        lines.append(f"The capstone (chapter {capstone}) builds, directly or through other "
                     f"chapters, on {_chapter_list(needed)}: a course that keeps it keeps "
                     "those.\n")
    primers = [p for p in toc_primers(root) if p.exists()]
    if primers:
        lines.append("Both tracks start with the on-ramp week and its primers ("
                     + "; ".join(_chapter_link(p) for p in primers)
                     + "), or set them as self-study before the first class.\n")
    for track in TRACKS:
        lines.append(f"### {track.name} ({len(track.chapters)} chapters)\n")
        lines.append(f"**Why:** {track.rationale[0].upper()}{track.rationale[1:]}\n")
        lines += [f"- Chapter {n}: {_chapter_link(chapters.get(n))}" for n in track.chapters]
        lines.append("")
        left_out = sorted(set(chapters) - set(track.chapters))
        if left_out:
            lines.append(f"**Leaves out:** {_chapter_list(left_out)}: {track.leaves_out}\n")
    return "\n".join(lines) + "\n"
