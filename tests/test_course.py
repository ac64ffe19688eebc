"""The instructor guide's 14-week term and tracks keep the order the chapters need.

Each chapter's "Before you start" box names the earlier chapters it builds on. A plan
(the term of :data:`guide.SCHEDULE`, each track of :data:`guide.TRACKS`) fails here if it
puts a chapter before, or without, any chapter it builds on directly or through another.
"""

from __future__ import annotations

import shutil

import pytest

from cscbook_build.book import toc_chapters
from cscbook_build.classroom import guide

from .conftest import ROOT

WRITTEN = [c for c in toc_chapters(ROOT) if c.exists()]
DEPENDENCIES = guide.chapter_dependencies(ROOT)
LAST = max(c.number for c in WRITTEN)  # the capstone
PLANS = [("schedule", tuple(guide.schedule_order()))] + [(t.name, t.chapters) for t in guide.TRACKS]


def test_every_chapter_after_the_first_builds_on_earlier_chapters():
    assert set(DEPENDENCIES) == {c.number for c in WRITTEN}
    for chapter in WRITTEN:
        if chapter.number == 1:
            assert DEPENDENCIES[1] == set()
            continue
        assert DEPENDENCIES[chapter.number], f"chapter {chapter.number}: no chapter read from its Builds on line"
        assert max(DEPENDENCIES[chapter.number]) < chapter.number, f"chapter {chapter.number} builds on a later chapter"


def test_builds_on_links_are_all_read():
    """Every {ref} on a Builds on line names a chapter (none is silently dropped)."""
    labels = guide.chapter_labels(ROOT)
    for chapter in WRITTEN:
        line = guide.BUILDS_ON.search(chapter.source.read_text(encoding="utf-8"))
        assert line, f"chapter {chapter.number} has no Builds on line"
        for label in guide.REF_TARGET.findall(line["line"]):
            assert label in labels, f"chapter {chapter.number}: {label} is not a chapter label"


@pytest.mark.parametrize("name, order", PLANS, ids=[name for name, _ in PLANS])
def test_plan_puts_every_chapter_after_all_it_builds_on(name, order):
    assert guide.dependency_problems(order, DEPENDENCIES) == [], name


def _missing(problems, chapter):
    """The chapters a problem line says ``chapter`` lacks (empty if none is reported)."""
    for problem in problems:
        if problem.startswith(f"chapter {chapter} builds on chapter(s) "):
            listed = problem.split("chapter(s) ", 1)[1].split(",")
            return {int(n) for n in listed if n.strip().isdigit()}
    return set()


def test_the_check_is_transitive_and_catches_a_missing_chapter():
    # chapter 15 builds on 14 directly and on 13 only through 14; the capstone on 15, so on both
    order = [1, 2, 3, 4, 5, 8, 15, LAST]
    problems = guide.dependency_problems(order, DEPENDENCIES)
    assert {13, 14} <= _missing(problems, 15)
    assert {13, 14} <= _missing(problems, LAST)
    assert guide.dependency_problems([2, 1], DEPENDENCIES) == [
        "chapter 2 builds on chapter(s) 1, which do not come before it"]


def test_the_term_has_14_weeks_an_on_ramp_assessments_and_the_capstone_last():
    weeks = guide.SCHEDULE
    assert len(weeks) == 14
    assert weeks[0].kind == "on-ramp" and not weeks[0].chapters
    assessments = [i for i, w in enumerate(weeks) if w.kind == "assessment"]
    assert len(assessments) >= 2
    for i in assessments:
        assert not weeks[i].chapters and weeks[i - 1].kind == "chapters", "an assessment follows chapters"
    assert weeks[-1].kind == "capstone" and weeks[-1].chapters == (LAST,)
    assert sorted(guide.schedule_order()) == list(range(1, LAST + 1)), "the term covers every chapter once"
    assert all(len(w.chapters) <= 2 for w in weeks), "at most two chapters a week"


def test_tracks_are_biology_first_and_quantitative_with_reasons():
    names = [t.name.lower() for t in guide.TRACKS]
    assert "biology-first" in names and "quantitative" in names
    for track in guide.TRACKS:
        assert track.rationale and track.leaves_out
        assert set(track.chapters) < set(range(1, LAST + 1)), f"{track.name} leaves nothing out"
    assert len({t.chapters for t in guide.TRACKS}) == len(guide.TRACKS)


def test_every_chapter_has_its_own_in_class_activity():
    assert set(guide.ACTIVITIES) == set(range(1, LAST + 1))
    assert len(set(guide.ACTIVITIES.values())) == LAST


def test_rendered_schedule_and_tracks():
    schedule = guide.schedule_markdown(ROOT)
    assert ":widths: 11 37 21 31" in schedule, "the PDF needs the column widths"
    assert [line for line in schedule.splitlines() if line.startswith("* - ")][1:] == [
        f"* - {n}" for n in range(1, 15)]
    for number, activity in guide.ACTIVITIES.items():
        assert activity in schedule, f"chapter {number}'s activity is not in the schedule"
    tracks = guide.tracks_markdown(ROOT)
    for track in guide.TRACKS:
        assert f"### {track.name}" in tracks
        left_out = sorted(set(range(1, LAST + 1)) - set(track.chapters))
        assert f"**Leaves out:** {guide._chapter_list(left_out)}:" in tracks


def test_guide_tables_build_when_chapters_are_missing(tmp_path):
    """The strict build of the test books holds chapter 1 only."""
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    first = WRITTEN[0]
    target = tmp_path / first.source.relative_to(ROOT)
    target.parent.mkdir(parents=True)
    shutil.copy(first.source, target)
    schedule = guide.schedule_markdown(tmp_path)
    assert "(in preparation)" in schedule and "Chapter 1: {doc}" in schedule
    tracks = guide.tracks_markdown(tmp_path)
    assert "(in preparation)" in tracks
    assert guide.dependency_problems(guide.schedule_order(), guide.chapter_dependencies(tmp_path)) == []
