"""Classes of error an expert reader flagged once, kept from coming back.

- a source cited by a raw link in the prose instead of a bibliography entry;
- more than one citation style ("Tang et al. (2011)" beside "Breccia et al. [2017]",
  "Branford and others", a numbered bibliography under author-year citations);
- a literal placeholder ("Chapter %s") on a generated page;
- a fold or ratio typed into the prose that is neither computed (glued) nor quoted from a
  cited paper.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from pybtex.database import Entry, Person

from cscbook_build.citations import AuthorYearLabelStyle, author_year_label

from .conftest import ROOT, chapter_files, toc_files

CHAPTERS = chapter_files()


def prose(page: str, exercises: bool = True) -> str:
    """A page's prose: outside code cells and code blocks, without front matter or options.

    The bodies of directives (admonitions, figures, exercises, solutions) are prose and are
    kept, without their fences and ``:option:`` lines. With ``exercises=False`` the
    statements of exercises are left out too.
    """
    text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    kept, stack, in_exercise = [], [], False
    for line in text.split("\n"):
        fence = re.match(r"^\s*(`{3,}|:{3,})(.*)$", line)
        if fence and stack and fence[1][0] == stack[-1][0][0] and len(fence[1]) >= len(stack[-1][0]) \
                and not fence[2].strip():
            stack.pop()  # the closing fence of the innermost block
            continue
        if fence and (not stack or stack[-1][1] == "prose"):
            info = fence[2].strip()
            directive = re.match(r"^\{([\w:-]+)\}", info)
            name = directive[1] if directive else ""
            code = not directive or name in ("code-cell", "code-block", "code", "math")
            stack.append((fence[1], "code" if code else "prose"))
            if name == "exercise-start":
                in_exercise = True
            elif name == "exercise-end":
                in_exercise = False
            continue
        if stack and stack[-1][1] == "code":
            continue
        if re.match(r"^\s*:[\w-]+:", line) or (in_exercise and not exercises):
            continue
        kept.append(line)
    return "\n".join(kept)


def paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


@pytest.mark.parametrize("page", CHAPTERS + ["book/intro", "book/front/toolkit", "book/front/primer-python",
                                  "book/front/primer-statistics"])
def test_sources_are_cited_from_the_bibliography_not_linked(page):
    links = re.findall(r"https?://\S+", prose(page))
    assert links == [], f"{page}: raw links in the prose (add the work to references.bib and cite it): {links}"


TEXTUAL = re.compile(r"^[^()\[\]]+ \(\d{4}[a-z]?(, [^()]+)?\)$")
PARENTHETICAL = re.compile(r"^\(([^()\[\];]+, \d{4}[a-z]?(, [^();]+)?)(; [^()\[\];]+, \d{4}[a-z]?)*\)$")


def test_every_citation_on_the_website_is_author_year_in_round_brackets(built_html):
    seen = 0
    for name in toc_files():
        soup = BeautifulSoup((built_html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        for citation in soup.select("span.bibtex-citation"):
            text = " ".join(citation.get_text("", strip=False).split())
            seen += 1
            assert "others" not in text, f"{name}: {text!r} (an author list cut short reads 'et al.')"
            assert TEXTUAL.match(text) or PARENTHETICAL.match(text), f"{name}: citation {text!r}"
    assert seen > 100, "the check found almost no citations: has the markup changed?"


def test_the_bibliography_is_labelled_by_author_and_year_as_the_text_cites(built_html):
    soup = BeautifulSoup((built_html / "book/back/bibliography.html").read_text(encoding="utf-8"), "html.parser")
    labels = [span.get_text("", strip=True).strip("[]") for span in soup.select("div.citation span.label")]
    assert len(labels) > 50
    for label in labels:
        assert re.fullmatch(r"(?=.*[^\d ]).+ \d{4}[a-z]?", label), f"bibliography label {label!r} is not author-year"
    assert len(set(labels)) == len(labels), "two entries share a label"
    assert "and others" not in soup.get_text(" ")
    # a citation's text names the entry the reader will find: Tang et al. (2011) -> [Tang et al. 2011]
    chapter = BeautifulSoup((built_html / f"{CHAPTERS[0]}.html").read_text(encoding="utf-8"), "html.parser")
    link = chapter.select_one("span.bibtex-citation a")
    entry = soup.find(id=link["href"].split("#")[1])
    label = entry.select_one("span.label").get_text("", strip=True).strip("[]")
    assert label.split()[0] in link.get_text(" ", strip=True)


def _entry(key, authors, year):
    entry = Entry("article", fields={"year": year, "title": key})
    for author in authors:
        entry.add_person(Person(author), "author")
    entry.key = key
    return entry


def test_author_year_labels_say_et_al_for_a_cut_list_and_tell_twins_apart():
    assert author_year_label(_entry("a", ["Branford, Susan", "others"], "2014")) == "Branford et al. 2014"
    assert author_year_label(_entry("b", ["Abbott, L. H.", "Michor, Franziska"], "2006")) == "Abbott and Michor 2006"
    three = _entry("c", ["Quintana, E.", "Shackleton, M.", "Sabel, M."], "2008")
    assert author_year_label(three) == "Quintana et al. 2008"
    assert author_year_label(_entry("d", ["van der Berg, A."], "2001")) == "van der Berg 2001"
    twins = [_entry("x", ["Zhou, J.", "others"], "2008"), _entry("y", ["Zhou, J.", "Wang, C.", "Li, D."], "2008")]
    assert list(AuthorYearLabelStyle().format_labels(twins)) == ["Zhou et al. 2008a", "Zhou et al. 2008b"]


def test_no_generated_page_shows_a_literal_placeholder(built_html):
    for path in built_html.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for code in soup.select("pre, code, script, style, div.cell_input"):
            code.decompose()
        text = soup.get_text(" ")
        for placeholder in ("%s", "{number}", "{glue"):
            assert placeholder not in text, f"{path.relative_to(built_html)}: literal {placeholder!r}"


E_NOTATION = re.compile(r"(?<![\w.])\d(?:\.\d+)?[eE][-+−]?\d+\b")


def test_no_page_writes_a_number_in_e_notation_in_its_prose(built_html):
    """ "p = 3.7e-56" reads as a misprint: prose says "p < 0.001" or "3.1 millionths"."""
    found = []
    for path in sorted(built_html.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        main = soup.find("main")
        if main is None:
            continue
        for hidden in main.select("pre, code, script, style, div.cell, .math, mjx-container, table"):
            hidden.decompose()
        found += [f"{path.relative_to(built_html)}: {m}" for m in E_NOTATION.findall(main.get_text(" "))]
    assert found == []


# "5.6-fold", "about 44 times", "a 7-fold rise": a computed fold or ratio is glued; one quoted
# from a paper sits in a sentence that cites it; one that follows from a formula shows the
# formula in the same sentence. An exercise may pose a hypothetical fold ("make it 100
# times smaller"); its solution is held to the rule.
TYPED_FOLD = re.compile(
    r"(?<![\w.`])(?:~|about |roughly |nearly |over |>)?\d[\d,.]*(?:-| )"
    r"(?:fold|times (?:as|more|less|higher|lower|faster|slower|larger|smaller|fewer))\b"
)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_fold_or_ratio_in_the_prose_is_glued_or_cited(chapter):
    unsupported = []
    for paragraph in paragraphs(prose(chapter, exercises=False)):
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z{])", paragraph):
            if TYPED_FOLD.search(sentence) and "{cite" not in sentence and "$" not in sentence:
                unsupported.append(sentence)
    assert unsupported == [], (
        f"{chapter}: a fold typed into the prose without glue or a citation: {unsupported}"
    )
