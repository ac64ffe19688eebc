"""The classroom edition: student notebooks, answer keys, automatic checks and grading.

``python -m cscbook.classroom build [ROOT]`` (``make assignments``) turns every chapter
in ``_toc.yml`` into

- ``_build/classroom/student/NN-slug.ipynb``: the teaching text, the chapter's code,
  and for each exercise an empty cell for the answer (``d50 = ...``), a
  ``grader.check("ex-..")`` cell where the chapter declares a check, and no solution;
- ``_build/classroom/instructor/NN-slug.ipynb``: the same with the solutions and their
  outputs (the answer key);
- ``_build/classroom/zips/NN-slug.zip``: what a student needs without the repository:
  the student notebook, the CSV files the chapter loads with a ``datapackage.json``
  restricted to them, a copy of the ``cscbook`` package, the check files (``tests/``),
  ``requirements.txt`` and a README. The website links it ("Download as an
  assignment"), so it is also copied to ``_build/html/assignments/``;
- ``_build/classroom/autograder/NN-slug-autograder.zip``: an otter-grader autograder
  configuration, used by ``grade`` and by ``otter run``.

``student/`` and ``instructor/`` also hold ``data/``, ``cscbook/`` and ``tests/``, so
the notebooks run where they are.

Nothing is executed: the notebooks are made from the chapter source (through the
same reader as the build) and from the outputs in the build's execution cache, so
``make html`` must have run. Numbers of figures, equations and exercises are read from
the built HTML, so the notebooks say "Fig. 1.2" where the website does.

``python -m cscbook.classroom grade FOLDER [--out scores.csv]`` grades every
submitted ``.ipynb`` in FOLDER (each is executed afresh with otter-grader, against the
instructor's copy of the checks) and writes one CSV row per notebook.

Checks are declared in the chapter next to their exercise; see :mod:`cscbook.checks`.
"""

from __future__ import annotations

import argparse
import codecs
import copy
import csv
import json
import os
import re
import shutil
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import nbformat
import yaml

from .checks import CHECK_MIME

CHAPTER_DOC = re.compile(r"^book/part\d+/(?P<slug>(?P<number>\d\d)-[\w-]+)$")
PACKAGE_DIR = Path(__file__).resolve().parent
# Modules that build the book or the classroom edition; a student never needs them.
BUILD_ONLY_MODULES = {"sphinxext.py", "execute.py", "classroom.py", "citations.py"}
BOOK_TITLE = "Cancer stem cells and drug resistance, taught through data"
GLUE_IMPORT = re.compile(r"^(\s*)from myst_nb import glue\s*$", re.MULTILINE)
GLUE_SHIM = r"\1from cscbook.notebook import glue  # stands in for myst_nb.glue outside the book"
# Top-level modules a chapter may import, and the PyPI distribution that provides them.
DISTRIBUTIONS = {
    "numpy": "numpy", "pandas": "pandas", "matplotlib": "matplotlib", "scipy": "scipy",
    "statsmodels": "statsmodels", "otter": "otter-grader", "cycler": "cycler",
    "sklearn": "scikit-learn", "seaborn": "seaborn", "yaml": "PyYAML", "PIL": "pillow",
    "IPython": None, "ipywidgets": "ipywidgets", "lifelines": "lifelines", "cscbook": None,
    "myst_nb": None,
}
# What every student notebook needs: the cscbook package's own dependencies and otter.
BASE_REQUIREMENTS = ["numpy", "pandas", "matplotlib", "scipy", "otter-grader"]


# --------------------------------------------------------------------------------------
# The book: chapters, their sources, their checks
# --------------------------------------------------------------------------------------


@dataclass
class Chapter:
    docname: str  # book/part1/01-limiting-dilution
    root: Path

    @property
    def slug(self) -> str:
        return CHAPTER_DOC.match(self.docname)["slug"]

    @property
    def number(self) -> int:
        return int(CHAPTER_DOC.match(self.docname)["number"])

    @property
    def source(self) -> Path:
        return self.root / f"{self.docname}.md"

    def exists(self) -> bool:
        return self.source.is_file()


def toc_docnames(root: Path) -> list[str]:
    """Every page of ``_toc.yml`` in reading order (without suffix)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return names


def toc_chapters(root: Path) -> list[Chapter]:
    """The numbered chapters (``book/partN/NN-slug``) listed in ``_toc.yml``."""
    return [Chapter(name, root) for name in toc_docnames(root) if CHAPTER_DOC.match(name)]


def read_source_notebook(path: Path) -> nbformat.NotebookNode:
    """The chapter as the build reads it (cells, metadata and data signature)."""
    from .execute import read_notebook

    return read_notebook(path)


def is_check_cell(cell) -> bool:
    """A code cell that declares checks: tagged ``remove-cell`` and calling ``check(``."""
    return (
        cell.cell_type == "code"
        and "remove-cell" in cell.metadata.get("tags", [])
        and re.search(r"\bcheck\(", cell.source) is not None
    )


CHECK_LABEL = re.compile(r"""\bcheck\(\s*["']([\w-]+)["']""")


def declared_checks(source: Path) -> list[str]:
    """Labels of the exercises whose checks the chapter declares (read from the source only)."""
    notebook = read_source_notebook(source)
    labels = []
    for cell in notebook.cells:
        if is_check_cell(cell):
            labels.extend(CHECK_LABEL.findall(cell.source))
    return labels


def executed_notebook(root: Path, source: Path) -> nbformat.NotebookNode:
    """The chapter with the outputs that the build stored in its execution cache."""
    from jupyter_cache import get_cache

    notebook = read_source_notebook(source)
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    try:
        _, merged = cache.merge_match_into_notebook(notebook)
    except KeyError:
        raise SystemExit(
            f"{source.relative_to(root)} is not in the execution cache: run `make html` first"
        ) from None
    return merged


def check_declarations(notebook) -> dict[str, dict]:
    """The declarations recorded by the chapter's check cells, by exercise label."""
    found: dict[str, dict] = {}
    for cell in notebook.cells:
        if not is_check_cell(cell):
            continue
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(CHECK_MIME)
            if payload is None:
                continue
            if isinstance(payload, str):
                payload = json.loads(payload)
            label = payload["label"]
            if label in found:
                found[label]["answers"].update(payload["answers"])
            else:
                found[label] = copy.deepcopy(payload)
    return found


# --------------------------------------------------------------------------------------
# Cross-references, citations and glued numbers, resolved as the website shows them
# --------------------------------------------------------------------------------------


NUMBER_OR_HEADING = re.compile(
    r'<span class="caption-number">(?P<number>.*?)</span>'
    r'|<span class="eqno">(?P<eqno>\([^<]*\))'
    r'|<h[1-6][^>]*>(?P<heading>.*?)<a class="headerlink"',
    re.DOTALL,
)


class References:
    """Numbers and titles of labels (from the built HTML), citations (from the .bib)."""

    def __init__(self, root: Path):
        self.root = root
        self.html = root / "_build" / "html"
        self._pages: dict[str, str] = {}
        self._bib = None
        self._id_index: dict[str, list[str]] | None = None
        self.cited: list[str] = []
        self.problems: list[str] = []

    def _page(self, docname: str) -> str:
        """The content (``<main>``) of a page of the built website."""
        if docname not in self._pages:
            path = self.html / f"{docname}.html"
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            start, end = text.find("<main"), text.rfind("</main>")
            self._pages[docname] = text[start:end] if start >= 0 and end > start else text
        return self._pages[docname]

    def _pages_with(self, ident: str) -> list[str]:
        """Pages whose HTML has an element with this id."""
        if self._id_index is None:
            self._id_index = {}
            for name in toc_docnames(self.root):
                for found in re.findall(r'\bid="([^"]+)"', self._page(name)):
                    self._id_index.setdefault(found, []).append(name)
        return self._id_index.get(ident, [])

    def _describe(self, label: str, docname: str) -> dict | None:
        """The number and title of a label, read from the HTML: {"number": .., "title": ..}.

        Sphinx writes a numbered element's number (``caption-number`` for figures, tables
        and exercises, ``eqno`` for equations) or a section's heading (with its
        ``section-number``) right after the element that carries the id, so the first of
        them after the id is the one.
        """
        for ident in (label, f"equation-{label}", label.replace("_", "-")):
            for name in sorted(self._pages_with(ident), key=lambda page: page != docname):
                html = self._page(name)
                found = NUMBER_OR_HEADING.search(html, html.find(f'id="{ident}"'))
                if found is None:
                    continue
                if found["heading"] is not None:
                    heading = found["heading"]
                    number = re.search(r'<span class="section-number">(.*?)</span>', heading)
                    title = re.sub(r'<span class="section-number">.*?</span>', "", heading)
                    return {
                        "number": unescape(number[1]).strip().rstrip(".") if number else "",
                        "title": unescape(re.sub(r"<[^>]+>", "", title)).strip(),
                        "section": True,
                    }
                number = found["number"] if found["number"] is not None else found["eqno"]
                number = unescape(re.sub(r"<[^>]+>", "", number)).strip()
                return {"number": number, "title": number, "section": False}
        self.problems.append(f"unresolved reference {label!r}")
        return None

    def number(self, label: str, docname: str) -> str:
        """'Fig. 1.2', 'Exercise 1.3', '(1.1)' for an equation, 'Section 2.1'; the label if unknown."""
        found = self._describe(label, docname)
        if found is None:
            return label
        if found["section"]:
            return f"Section {found['number']}" if found["number"] else found["title"]
        return found["number"]

    def bare_number(self, label: str, docname: str) -> str:
        """Just the number ('1.2'), for ``{numref}`Figure %s <label>```."""
        found = self._describe(label, docname)
        if found is None:
            return label
        return found["number"].split()[-1] if found["number"] else found["title"]

    def title(self, label: str, docname: str) -> str:
        """What ``{ref}`label``` shows: a section's title, or a numbered element's number."""
        found = self._describe(label, docname)
        return label if found is None else found["title"]

    # citations ---------------------------------------------------------------------
    def _entries(self):
        if self._bib is None:
            import pybtex.database

            self._bib = pybtex.database.parse_file(str(self.root / "book" / "references.bib")).entries
        return self._bib

    @staticmethod
    def _latex(text: str) -> str:
        try:
            text = codecs.decode(text, "ulatex")
        except Exception:  # noqa: BLE001 - plain text is good enough
            pass
        return text.replace("\\&", "&").replace("{", "").replace("}", "").replace("--", "–")

    def _authors(self, key: str) -> tuple[str, str]:
        entry = self._entries().get(key)
        if entry is None:
            self.problems.append(f"unknown citation {key!r}")
            return key, "n.d."
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [self._latex(" ".join(p.last_names)) for p in people]
        if len(last) == 2 and str(people[1]) == "others":
            last.append("others")
        if len(last) == 0:
            names = self._latex(entry.fields.get("title", key))
        elif len(last) == 1:
            names = last[0]
        elif len(last) == 2:
            names = f"{last[0]} and {last[1]}"
        else:
            names = f"{last[0]} et al."
        return names, entry.fields.get("year", "n.d.")

    def cite(self, role: str, keys: str) -> str:
        parts = []
        for key in [k.strip() for k in keys.split(",") if k.strip()]:
            if key not in self.cited:
                self.cited.append(key)
            names, year = self._authors(key)
            parts.append((names, year))
        if role in ("cite:t", "cite:ts"):
            return "; ".join(f"{n} ({y})" for n, y in parts)
        if role == "cite:author":
            return "; ".join(n for n, _ in parts)
        if role == "cite:year":
            return "; ".join(y for _, y in parts)
        return "(" + "; ".join(f"{n}, {y}" for n, y in parts) + ")"

    def bibliography(self) -> str:
        lines = []
        for key in sorted(self.cited, key=lambda k: self._authors(k)):
            entry = self._entries().get(key)
            if entry is None:
                continue
            people = [p for p in entry.persons.get("author") or [] if str(p) != "others"]
            etal = len(people) > 6 or len(people) < len(entry.persons.get("author") or [])
            names = ", ".join(
                self._latex(" ".join(p.last_names) + " " + _initials(p))
                for p in people[:6]
            ) + (", et al." if etal else "")
            fields = entry.fields
            title = self._latex(fields.get("title", ""))
            venue = self._latex(fields.get("journal", fields.get("booktitle", fields.get("publisher", ""))))
            volume = fields.get("volume", "")
            pages = self._latex(fields.get("pages", ""))
            where = venue + (f" {volume}" if volume else "") + (f":{pages}" if pages else "")
            doi = fields.get("doi", "")
            link = f" [doi:{doi}](https://doi.org/{doi})" if doi else ""
            lines.append(f"- {names} ({fields.get('year', 'n.d.')}). {title}. *{where}*.{link}")
        return "\n".join(lines)


def _initials(person) -> str:
    return "".join(name[0] for name in person.first_names + person.middle_names if name)


def format_glued(value: str, spec: str) -> str:
    """Format a glued value (its text/plain form) as ``{glue:text}`name:spec``` would."""
    if not spec:
        return value
    for convert in (int, float):
        try:
            return format(convert(value), spec)
        except (TypeError, ValueError):
            continue
    return value


def glued_values(root: Path, docname: str, notebook=None) -> dict[str, str]:
    """Text of every value the chapter glues (from the build, or from the cached outputs)."""
    values: dict[str, str] = {}
    if notebook is not None:
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                if name:
                    data = output.get("data", {})
                    text = next((v for k, v in data.items() if k.endswith("text/plain")), "")
                    values[name] = text if isinstance(text, str) else "".join(text)
    path = root / "_build" / "jupyter_execute" / f"{docname}.glue.json"
    if path.is_file():
        for name, output in json.loads(path.read_text(encoding="utf-8")).items():
            values.setdefault(name, output.get("data", {}).get("text/plain", ""))
    return values


# --------------------------------------------------------------------------------------
# MyST markdown to the Markdown that Jupyter renders
# --------------------------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\s*(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}\s*(?P<arg>.*)$")
ROLE = re.compile(r"\{(?P<role>[a-zA-Z][\w:+-]*)\}`(?P<text>[^`]*)`")
LABEL_LINE = re.compile(r"^\(([^()\s]+)\)=\s*$")
MATH_LABEL = re.compile(r"\$\$[ \t]*\((?P<label>[^()\s]+)\)[ \t]*$", re.MULTILINE)
BOXES = {"margin", "sidebar", "epigraph", "topic", "dropdown", "card", "admonition"}
GATED = {"exercise-start", "exercise-end", "solution-start", "solution-end"}
ADMONITIONS = {
    "note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "hint": "Hint", "seealso": "See also",
}


@dataclass
class Marker:
    """A gated exercise or solution boundary (or a plain exercise/solution directive)."""

    kind: str  # exercise-start, exercise-end, solution-start, solution-end
    label: str
    title: str = ""


@dataclass
class Converter:
    """Converts one chapter's MyST markdown for one edition."""

    docname: str
    references: References
    glue: dict[str, str]
    assets: list[str] = field(default_factory=list)

    # inline roles --------------------------------------------------------------------
    def role(self, match: re.Match) -> str:
        role, text = match["role"], match["text"]
        explicit = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", text, re.DOTALL)
        shown, target = (explicit["text"], explicit["target"]) if explicit else (None, text)
        if role.startswith("cite"):
            return self.references.cite(role, text)
        if role == "numref" and shown:
            bare = self.references.bare_number(target.strip(), self.docname)
            return shown.replace("%s", bare).replace("{number}", bare)
        if role in ("numref", "eq"):
            return self.references.number(target.strip(), self.docname)
        if role == "ref":
            return shown if shown else self.references.title(target.strip(), self.docname)
        if role.startswith("glue"):
            name, _, spec = text.partition(":")
            value = self.glue.get(name.strip())
            if value is None:
                self.references.problems.append(f"unknown glued value {name!r}")
                return f"`{name}`"
            if role == "glue:math":
                return f"${value}$"
            return format_glued(value.strip("'\""), spec)
        if role == "math":
            return f"${text}$"
        if role in ("sub", "sup"):
            return f"<{role}>{text}</{role}>"
        if role == "abbr":
            return re.sub(r"\s*\([^)]*\)$", "", text)
        return shown if shown is not None else text

    def inline(self, text: str) -> str:
        def equation(match):
            number = self.references.number(match["label"], self.docname)
            tag = number.strip("()")
            return f"\\tag{{{tag}}}\n$$"

        text = MATH_LABEL.sub(equation, text)
        previous = None
        while previous != text:  # roles may contain roles (rare); resolve until stable
            previous = text
            text = ROLE.sub(self.role, text)
        return text

    # blocks --------------------------------------------------------------------------
    def blocks(self, text: str) -> list:
        """Split markdown into strings (converted) and :class:`Marker` objects."""
        lines = text.split("\n")
        out: list = []
        buffer: list[str] = []

        def flush():
            if buffer:
                out.append(self.inline("\n".join(buffer)))
                buffer.clear()

        index = 0
        while index < len(lines):
            line = lines[index]
            if LABEL_LINE.match(line) or (line.startswith("%") and not line.startswith("%%")):
                index += 1
                continue
            fence = FENCE.match(line)
            if not fence:
                buffer.append(line)
                index += 1
                continue
            marks = fence["fence"]
            end = index + 1
            while end < len(lines):
                closing = lines[end].strip()
                if closing and set(closing) == {marks[0]} and len(closing) >= len(marks):
                    break
                end += 1
            body = lines[index + 1:end]
            index = end + 1
            directive = DIRECTIVE.match(fence["info"].strip())
            if directive is None:  # an ordinary code block: copy it untouched
                flush()
                out.append("\n".join([line, *body, marks]))
                continue
            name, arg = directive["name"], directive["arg"].strip()
            options, content = parse_options(body)
            converted = self.directive(name, arg, options, content)
            if isinstance(converted, str):
                buffer.append(converted)
            else:
                flush()
                out.extend(converted)
        flush()
        return out

    def directive(self, name: str, arg: str, options: dict, content: list[str]):
        """Markdown for a directive, or a list of blocks for exercises and solutions."""
        inner = "\n".join(content)
        if name in GATED:
            label = options.get("label", arg if name.startswith("solution") else "")
            title = arg if name == "exercise-start" else ""
            return [Marker(name, label, title)]
        if name == "exercise":
            label = options.get("label", "")
            return [Marker("exercise-start", label, arg), *self.blocks(inner), Marker("exercise-end", label)]
        if name == "solution":
            return [Marker("solution-start", arg), *self.blocks(inner), Marker("solution-end", arg)]
        if name in ("figure", "image"):
            self.assets.append(arg)
            alt = options.get("alt", "")
            caption = self._quote(self.blocks(inner)) if inner.strip() else ""
            label = options.get("name")
            number = self.references.number(label, self.docname) if label and name == "figure" else ""
            text = f"![{alt}]({arg})"
            if caption or number:
                text += f"\n\n*{number + '.' if number else ''}* {caption.lstrip('> ')}"
            return text
        if name == "math":
            label = options.get("label")
            tag = f"\\tag{{{self.references.number(label, self.docname).strip('()')}}}\n" if label else ""
            return f"$$\n{inner}\n{tag}$$"
        if name in ("code-block", "code", "sourcecode"):
            return f"```{arg}\n{inner}\n```"
        if name.startswith("glue"):
            return f"*(The output `{arg}` is produced by the code above.)*"
        if name in ("bibliography", "glossary", "tableofcontents", "toctree", "index"):
            return ""
        if name in BOXES or name in ADMONITIONS:
            title = arg or ADMONITIONS.get(name, "")
            body = self._quote(self.blocks(inner))
            head = f"> **{self.inline(title)}**\n>\n" if title else ""
            return head + body
        return "\n".join(self._plain(self.blocks(inner)))

    @staticmethod
    def _plain(blocks) -> list[str]:
        return [b for b in blocks if isinstance(b, str)]

    def _quote(self, blocks) -> str:
        text = "\n\n".join(self._plain(blocks)).strip("\n")
        return "\n".join("> " + line if line.strip() else ">" for line in text.split("\n"))


def parse_options(body: list[str]) -> tuple[dict, list[str]]:
    """Directive options (``:key: value`` lines or a ``---`` YAML block) and the content."""
    if body and body[0].strip() == "---":
        for end in range(1, len(body)):
            if body[end].strip() == "---":
                options = yaml.safe_load("\n".join(body[1:end])) or {}
                return options, body[end + 1:]
    options: dict = {}
    index = 0
    while index < len(body):
        match = re.match(r"^\s*:([\w-]+):\s*(.*)$", body[index])
        if not match:
            break
        options[match[1]] = match[2].strip()
        index += 1
    return options, body[index:]


# --------------------------------------------------------------------------------------
# The two editions
# --------------------------------------------------------------------------------------


def new_markdown(text: str, **metadata):
    return nbformat.v4.new_markdown_cell(text.strip("\n"), metadata=metadata)


def new_code(source: str, outputs=None, **metadata):
    cell = nbformat.v4.new_code_cell(source.strip("\n"), metadata=metadata)
    if outputs:
        cell.outputs = outputs
    return cell


def answer_names(declaration: dict | None) -> list[str]:
    return list(declaration["answers"]) if declaration else []


def code_for_notebook(source: str) -> str:
    """A chapter's code cell as it runs outside the book build."""
    return GLUE_IMPORT.sub(GLUE_SHIM, source)


def clean_code_metadata(metadata: dict) -> dict:
    tags = [t for t in metadata.get("tags", []) if t != "remove-cell"]
    return {"tags": tags} if tags else {}


class _Edition:
    """Writes the cells of one edition (student or instructor) of a chapter."""

    def __init__(self, edition: str, chapter: Chapter, checks: dict, references: References,
                 converter: Converter, numbers: dict):
        self.edition, self.chapter, self.checks = edition, chapter, checks
        self.references, self.converter, self.numbers = references, converter, numbers
        self.cells: list = []
        self.markdown: list[str] = []
        self.exercise: str | None = None
        self.solution: str | None = None

    @property
    def student(self) -> bool:
        return self.edition == "student"

    def flush(self) -> None:
        text = "\n\n".join(part for part in self.markdown if part.strip())
        if text.strip():
            self.cells.append(new_markdown(text))
        self.markdown.clear()

    def check_cell(self, label: str) -> None:
        self.cells.append(
            new_code(f'grader.check("{label}")', tags=["check"], deletable=False, editable=False)
        )

    def placeholders(self, label: str) -> None:
        """Where the student's answer goes: code (``d50 = ...``), its check, and prose."""
        number = self.numbers.get(label, label)
        names = answer_names(self.checks.get(label))
        self.flush()
        if names:
            lines = [f"# {number}: your code here. Put your answer in the variable"
                     f"{'s' if len(names) > 1 else ''} below, then run the check."]
            lines += [f"{name} = ..." for name in names]
        else:
            lines = [f"# {number}: your code here (if the exercise needs any)."]
        self.cells.append(new_code("\n".join(lines), tags=["answer"]))
        if names:
            self.check_cell(label)
        self.cells.append(new_markdown(
            f"**Your answer to {number}:** *double-click this cell and write your answer here.*",
            tags=["answer"],
        ))

    def marker(self, block: Marker) -> None:
        if block.kind == "exercise-start":
            self.exercise = block.label
            number = self.references.number(block.label, self.chapter.docname) if block.label else "Exercise"
            self.numbers[block.label] = number
            title = f" ({self.converter.inline(block.title)})" if block.title else ""
            self.flush()
            self.markdown.append(f"### {number}{title}")
        elif block.kind == "exercise-end":
            if self.student:
                self.placeholders(self.exercise)
            self.exercise = None
        elif block.kind == "solution-start":
            self.solution = block.label or "?"
            if not self.student:
                self.flush()
                self.markdown.append(f"**Solution to {self.numbers.get(block.label, block.label)}**")
        elif block.kind == "solution-end":
            if not self.student:
                self.flush()
                if self.solution in self.checks:
                    self.check_cell(self.solution)
            self.solution = None

    def add(self, source_cell) -> None:
        if source_cell.cell_type == "markdown":
            for block in self.converter.blocks(source_cell.source):
                if isinstance(block, Marker):
                    self.marker(block)
                elif not (self.solution and self.student):
                    self.markdown.append(block)
            self.flush()
            return
        if source_cell.cell_type != "code" or is_check_cell(source_cell):
            return
        if self.solution and self.student:
            return
        self.flush()
        metadata = clean_code_metadata(source_cell.metadata)
        outputs = None if self.student else source_cell.get("outputs")
        self.cells.append(new_code(code_for_notebook(source_cell.source), outputs=outputs, **metadata))
        figure = source_cell.metadata.get("mystnb", {}).get("figure", {})
        if figure.get("caption"):
            name = figure.get("name")
            number = self.references.number(name, self.chapter.docname) if name else ""
            caption = self.converter.inline(str(figure["caption"]).strip()).replace("\n", " ")
            self.cells.append(new_markdown(f"*{number}.* {caption}" if number else f"*{caption}*"))


def make_editions(chapter: Chapter, executed, checks: dict, references: References, glue: dict):
    """The student and instructor notebooks of a chapter, and the converter (for its assets)."""
    converter = Converter(chapter.docname, references, glue)
    numbers: dict[str, str] = {}
    editions = {}
    for edition in ("student", "instructor"):
        references.cited = []
        writer = _Edition(edition, chapter, checks, references, converter, numbers)
        for source_cell in executed.cells:
            writer.add(source_cell)
        writer.flush()
        editions[edition] = finish_notebook(chapter, writer.cells, edition, checks, references)
    return editions["student"], editions["instructor"], converter


def finish_notebook(chapter: Chapter, cells: list, edition: str, checks: dict, references: References):
    """Add the title, the edition banner, the grader set-up and the references."""
    for cell in cells:  # "# Title" becomes "# Chapter N. Title"
        if cell.cell_type == "markdown" and re.match(r"^# ", cell.source):
            cell.source = re.sub(r"^# ", f"# Chapter {chapter.number}. ", cell.source, count=1)
            break
    labels = list(checks)
    if edition == "student":
        banner = (
            f"> **Student edition** of chapter {chapter.number} of *{BOOK_TITLE}*. "
            "Run the cells from the top (*Run All* works). Each exercise has a cell for your "
            "code and answer, marked `...`"
            + (f", and {len(labels)} exercises have an automatic check (`grader.check`) that "
               "tells you whether your number is right and gives a hint when it is not"
               if labels else "")
            + ". The data, the `cscbook` helper package and the checks (`tests/`) must be in "
            "this notebook's folder: unzip the whole assignment, not just the notebook."
        )
    else:
        banner = (
            f"> **Instructor edition (answer key)** of chapter {chapter.number} of *{BOOK_TITLE}*, "
            "with the solutions and the automatic checks. Do not give this notebook to students."
        )
    banner += (
        f"\n>\n> Generated from `{chapter.docname}.md` by `make assignments`; "
        "edit the chapter source, not this notebook."
    )
    setup = new_code(
        "# Set up the automatic checks (otter-grader). If this fails with ModuleNotFoundError,\n"
        "# install the requirements first:  %pip install -r requirements.txt  (then restart)\n"
        "import otter\n\n"
        'grader = otter.Notebook(tests_dir="tests")',
        tags=["setup"], deletable=False,
    )
    first = 0
    if cells and cells[0].cell_type == "markdown" and cells[0].source.startswith("# "):
        title, _, rest = cells[0].source.partition("\n")
        cells[0:1] = [new_markdown(title)] + ([new_markdown(rest)] if rest.strip() else [])
        first = 1
    cells[first:first] = [new_markdown(banner), setup]
    bibliography = references.bibliography()
    if bibliography:
        cells.append(new_markdown("## References\n\n" + bibliography))
    if edition == "student" and labels:
        cells.append(new_markdown(
            "## Check all your answers\n\nRun the cell below to see every automatic check "
            "at once, then save the notebook and hand it in."
        ))
        cells.append(new_code("grader.check_all()", tags=["check"], deletable=False, editable=False))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "cscbook": {
            "chapter": chapter.docname, "slug": chapter.slug, "number": chapter.number,
            "edition": edition, "checks": labels,
        },
        "otter": {"assignment_name": chapter.slug},
    }
    for cell in notebook.cells:  # stable ids, so that regenerating gives the same file
        cell.pop("id", None)
    notebook.nbformat_minor = 4
    return notebook


# --------------------------------------------------------------------------------------
# Check files (otter-grader's exception-based format)
# --------------------------------------------------------------------------------------


def test_file(chapter: Chapter, declaration: dict) -> str:
    label = declaration["label"]
    lines = [
        f'"""Automatic check of exercise {label} (chapter {chapter.number}).',
        "",
        f"Generated by `make assignments` from {chapter.docname}.md; edit the chapter, not this file.",
        '"""',
        "",
        "from otter.test_files import test_case",
        "",
        "from cscbook.checks import answer_matches",
        "",
        "OK_FORMAT = False",
        "",
        f"name = {label!r}",
        f"points = {declaration.get('points', 1)!r}",
        f"EXPECTED = {json.dumps(declaration['answers'], sort_keys=True)}",
        f"RTOL = {declaration.get('rtol', 1e-3)!r}",
        f"ATOL = {declaration.get('atol', 0.0)!r}",
        f"HINT = {declaration.get('hint') or ''!r}",
    ]
    for answer in declaration["answers"]:
        function = re.sub(r"\W", "_", f"test_{answer}")
        lines += [
            "",
            "",
            f"@test_case(name={f'{label}: {answer}'!r})",
            f"def {function}(env):",
            f"    answer_matches({answer!r}, env.get({answer!r}), EXPECTED[{answer!r}],",
            "                   rtol=RTOL, atol=ATOL, hint=HINT)",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# Bundles: what a notebook needs beside it
# --------------------------------------------------------------------------------------


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.glob("*.py") if p.name not in BUILD_ONLY_MODULES)


def restricted_datapackage(root: Path, names: list[str]) -> tuple[dict, list[str]]:
    """The descriptor with only the datasets ``names``, and their file paths."""
    package = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resources = [r for r in package.get("resources", []) if r.get("name") in names]
    missing = sorted(set(names) - {r["name"] for r in resources})
    if missing:
        raise SystemExit(f"datasets not in data/datapackage.json: {missing}")
    restricted = {**package, "resources": resources}
    return restricted, [r["path"] for r in resources]


def imported_modules(notebook) -> set[str]:
    modules = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for match in re.finditer(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))", cell.source, re.M):
            if match[1]:
                modules.add(match[1].split(".")[0])
            else:
                modules.update(part.strip().split(" ")[0].split(".")[0] for part in match[2].split(","))
    return {m for m in modules if m and m not in sys.stdlib_module_names}


def pinned_versions(root: Path) -> dict[str, str]:
    pins = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[re.sub(r"[-_.]+", "-", name).lower()] = f"{name}=={version}"
    return pins


def requirements(root: Path, modules: set[str]) -> str:
    pins = pinned_versions(root)
    wanted = list(BASE_REQUIREMENTS)
    for module in sorted(modules):
        dist = DISTRIBUTIONS.get(module, module)
        if dist and dist not in wanted:
            wanted.append(dist)
    lines = [
        "# What this notebook needs beyond Jupyter itself, at the versions the book was built with.",
        "# pip install -r requirements.txt",
    ]
    lines += [pins.get(re.sub(r"[-_.]+", "-", d).lower(), d) for d in wanted]
    return "\n".join(lines) + "\n"


def student_readme(chapter: Chapter, title: str, datasets: list[str], checks: dict) -> str:
    name = f"{chapter.slug}.ipynb"
    return f"""# Chapter {chapter.number}. {title}

An assignment from the open textbook *{BOOK_TITLE}*: the chapter as a notebook, with a
cell for each exercise's answer and automatic checks for {len(checks)} of them.

Contents: `{name}` (the notebook), `data/` ({", ".join(datasets) or "no datasets"} and
their description, `datapackage.json`), `cscbook/` (the book's small helper package),
`tests/` (the automatic checks) and `requirements.txt`.

## How to open it

- **Your laptop**: unzip this folder, then in a terminal inside it run
  `pip install -r requirements.txt` and `jupyter lab {name}` (or `jupyter notebook`).
- **JupyterHub**: upload the zip, open a terminal and run `unzip {chapter.slug}.zip`,
  then open `{name}`. Run `pip install -r requirements.txt` if a cell reports
  `ModuleNotFoundError`.
- **Google Colab**: open `{name}` (File > Upload notebook), then upload the zip into the
  Files pane and run `!unzip -o {chapter.slug}.zip` and `%pip install otter-grader==7.0.0`
  in a new cell at the top.

Run the cells from the top. Put each answer where the notebook shows `...`, then run the
`grader.check(...)` cell below it. Hand in the saved `.ipynb` file.

Text and data: CC BY 4.0. Code: MIT. Cite the book and the primary studies it uses.
"""


def write_bundle(folder: Path, root: Path, dataset_paths: list[str], descriptor: dict,
                 tests: dict[str, str], assets: list[tuple[Path, str]]) -> None:
    """Write ``data/``, ``cscbook/`` and ``tests/`` (and figure files) into ``folder``."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for relative in dataset_paths:
        target = folder / "data" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "data" / relative, target)
    (folder / "cscbook").mkdir(exist_ok=True)
    for path in package_files():
        shutil.copyfile(path, folder / "cscbook" / path.name)
    (folder / "tests").mkdir(exist_ok=True)
    for label, text in tests.items():
        (folder / "tests" / f"{label}.py").write_text(text, encoding="utf-8")
    for source, relative in assets:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def write_zip(path: Path, folder: Path) -> None:
    """Zip ``folder``'s contents with fixed dates and order, so the bytes are reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in file.parts:
                continue
            info = zipfile.ZipInfo(file.relative_to(folder).as_posix(), date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())


def write_notebook(notebook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------
# make assignments
# --------------------------------------------------------------------------------------


@dataclass
class ChapterResult:
    chapter: Chapter
    checks: dict
    datasets: list[str]
    problems: list[str]


def build_chapter(chapter: Chapter, root: Path, out: Path, references: References) -> ChapterResult:
    from .sphinxext import datasets_used

    executed = executed_notebook(root, chapter.source)
    checks = check_declarations(executed)
    declared = declared_checks(chapter.source)
    missing = [label for label in declared if label not in checks]
    if missing:
        raise SystemExit(f"{chapter.docname}: check cell(s) for {missing} have no recorded output")
    glue = glued_values(root, chapter.docname, executed)
    student, instructor, converter = make_editions(chapter, executed, checks, references, glue)
    title = re.sub(r"^# Chapter \d+\. ", "", next(
        (c.source.splitlines()[0] for c in student.cells if c.source.startswith("# ")), chapter.slug))

    source_text = chapter.source.read_text(encoding="utf-8")
    datasets = datasets_used(source_text)
    descriptor, dataset_paths = restricted_datapackage(root, datasets)
    tests = {label: test_file(chapter, declaration) for label, declaration in checks.items()}
    assets = []
    for relative in converter.assets:
        source = (chapter.source.parent / relative).resolve()
        if not source.is_file():
            raise SystemExit(f"{chapter.docname}: figure file {relative} not found")
        assets.append((source, relative))
    modules = imported_modules(instructor)

    name = f"{chapter.slug}.ipynb"
    # runnable folders of all chapters
    for edition, notebook in (("student", student), ("instructor", instructor)):
        folder = out / edition
        write_notebook(notebook, folder / name)
        write_bundle(folder, root, dataset_paths, _merge_descriptor(folder, descriptor), tests, assets)

    # the student's zip
    staging = out / ".staging" / chapter.slug
    shutil.rmtree(staging, ignore_errors=True)
    write_bundle(staging, root, dataset_paths, descriptor, tests, assets)
    write_notebook(student, staging / name)
    (staging / "requirements.txt").write_text(requirements(root, modules), encoding="utf-8")
    (staging / "README.md").write_text(student_readme(chapter, title, datasets, checks), encoding="utf-8")
    write_zip(out / "zips" / f"{chapter.slug}.zip", staging)

    # the autograder (otter-grader's layout: otter_config.json, tests/, files/)
    grading = out / ".staging" / f"{chapter.slug}-autograder"
    shutil.rmtree(grading, ignore_errors=True)
    write_bundle(grading / "files", root, dataset_paths, descriptor, {}, assets)
    (grading / "tests").mkdir(parents=True)
    for label, text in tests.items():
        (grading / "tests" / f"{label}.py").write_text(text, encoding="utf-8")
    (grading / "requirements.txt").write_text(requirements(root, modules), encoding="utf-8")
    config = {"lang": "python", "assignment_name": chapter.slug, "zips": False, "pdf": False,
              "print_summary": False, "print_score": False, "logo": False}
    (grading / "otter_config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_zip(out / "autograder" / f"{chapter.slug}-autograder.zip", grading)
    return ChapterResult(chapter, checks, datasets, list(references.problems))


def _merge_descriptor(folder: Path, descriptor: dict) -> dict:
    """Resources of every chapter already written to a shared folder, plus this chapter's."""
    path = folder / "data" / "datapackage.json"
    if not path.is_file():
        return descriptor
    existing = json.loads(path.read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]}
    kept = [r for r in existing.get("resources", []) if r["name"] not in names]
    return {**descriptor, "resources": kept + descriptor["resources"]}


def assignment_href(docname: str, slug: str) -> str:
    """Link from a page of the website to a chapter's student zip."""
    depth = docname.count("/")
    return "../" * depth + f"assignments/{slug}.zip"


def build(root: Path, out: Path | None = None, site: Path | None = None) -> list[ChapterResult]:
    started = time.perf_counter()
    out = out or root / "_build" / "classroom"
    site = site if site is not None else root / "_build" / "html"
    for part in ("student", "instructor", "zips", "autograder", ".staging"):
        shutil.rmtree(out / part, ignore_errors=True)
    references = References(root)
    results = []
    for chapter in toc_chapters(root):
        if not chapter.exists():
            print(f"[classroom] {chapter.docname}: not written yet, skipped")
            continue
        references.problems = []
        result = build_chapter(chapter, root, out, references)
        results.append(result)
        for problem in result.problems:
            print(f"[classroom] {chapter.docname}: warning: {problem}")
        print(f"[classroom] {chapter.slug}: {len(result.checks)} check(s), "
              f"{len(result.datasets)} dataset(s)")
    shutil.rmtree(out / ".staging", ignore_errors=True)
    if site.is_dir():
        target = site / "assignments"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        for result in results:
            name = f"{result.chapter.slug}.zip"
            shutil.copyfile(out / "zips" / name, target / name)
    (out / "README.md").write_text(CLASSROOM_README, encoding="utf-8")
    print(f"[classroom] {len(results)} chapter(s) written to {out} in {time.perf_counter() - started:.1f} s")
    return results


CLASSROOM_README = """# Classroom edition (generated by `make assignments`; do not edit)

- `student/`: one student notebook per chapter (no solutions), runnable here.
- `instructor/`: the answer keys, runnable here. Keep them private.
- `zips/`: one zip per chapter to hand out (notebook, data, helper package, checks, requirements).
- `autograder/`: one otter-grader autograder zip per chapter.

Grade a folder of submitted notebooks: `make grade SUBMISSIONS=path/to/folder`
(writes `scores.csv` in that folder). See the book's instructor guide.
"""


# --------------------------------------------------------------------------------------
# grading
# --------------------------------------------------------------------------------------


def submission_chapter(path: Path, slugs: list[str]) -> str | None:
    """Which chapter a submitted notebook belongs to (its metadata, else its file name)."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        slug = notebook.get("metadata", {}).get("cscbook", {}).get("slug")
        if slug in slugs:
            return slug
    except (OSError, ValueError):
        pass
    for slug in slugs:
        if slug in path.name or path.name.startswith(slug[:3]):
            return slug
    return None


def grade_one(submission: str, autograder: str) -> dict:
    """Grade one notebook with otter-grader; returns a row of the scores table."""
    import contextlib
    import io

    from otter.api import grade_submission

    row: dict = {"file": submission}
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            results = grade_submission(submission, autograder, quiet=True)
    except Exception as error:  # noqa: BLE001 - report it in the table and go on
        row.update(score=0, possible="", percent=0, errors="", status=f"not graded: {error}")
        return row
    row["score"] = round(float(results.total), 4)
    row["possible"] = round(float(results.possible), 4)
    row["percent"] = round(100 * row["score"] / row["possible"], 1) if row["possible"] else 0
    executed = getattr(results, "notebook", None)
    errors = []
    if executed is not None:
        for cell in executed.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append(out.get("ename", "error"))
    row["errors"] = len(errors)
    row["status"] = "graded" if not errors else "graded; cells raised " + ", ".join(sorted(set(errors)))
    for name, test_file_result in results.results.items():
        row[f"q:{name}"] = round(float(test_file_result.score), 4)
    return row


def grade(folder: Path, root: Path, out: Path | None = None, jobs: int = 2) -> Path:
    """Grade every notebook in ``folder`` and write a CSV of scores; returns its path."""
    autograders = root / "_build" / "classroom" / "autograder"
    slugs = sorted(p.name.removesuffix("-autograder.zip") for p in autograders.glob("*-autograder.zip"))
    if not slugs:
        raise SystemExit("no autograders in _build/classroom/autograder: run `make assignments` first")
    submissions = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    out = out or folder / "scores.csv"
    rows = []
    work = []
    for path in submissions:
        slug = submission_chapter(path, slugs)
        if slug is None:
            rows.append({"file": str(path), "status": "not graded: cannot tell which chapter it is"})
            continue
        work.append((str(path), str(autograders / f"{slug}-autograder.zip"), slug))
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(work) or 1))) as pool:
        futures = [(slug, pool.submit(grade_one, path, autograder)) for path, autograder, slug in work]
        for slug, future in futures:
            row = future.result()
            row["chapter"] = slug
            rows.append(row)
            print(f"[grade] {Path(row['file']).name}: {row.get('score')} / {row.get('possible')} "
                  f"({row.get('status')})")
    for row in rows:
        row["file"] = os.path.relpath(row["file"], folder)
    fixed = ["file", "chapter", "score", "possible", "percent", "errors", "status"]
    questions = sorted({key for row in rows for key in row if key.startswith("q:")})
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fixed + questions, restval="")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: r["file"]):
            writer.writerow(row)
    print(f"[grade] {len(rows)} notebook(s); scores written to {out}")
    return out


# --------------------------------------------------------------------------------------
# Generated pages: the instructor guide's chapter map and schedule
# --------------------------------------------------------------------------------------


def chapter_title(chapter: Chapter, text: str | None = None) -> str:
    """The chapter's title: its first level-1 heading."""
    if text is None:
        text = chapter.source.read_text(encoding="utf-8")
    return next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), chapter.slug)


def chapter_summary(chapter: Chapter) -> dict:
    """Title, objectives, exercises, checks and datasets, read from a chapter's source."""
    from .sphinxext import datasets_used

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


# --------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------


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
