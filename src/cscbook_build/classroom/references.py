"""Stage 2 of the classroom edition: cross-references and citations as the website shows them.

A notebook cannot resolve ``{numref}``, ``{ref}``, ``{eq}`` or ``{cite}``. The numbers
and titles of labels are read from the built HTML (``_build/html``), so a student
notebook says "Fig. 1.2" where the website does; citations are formatted from
``book/references.bib`` in the book's author-year style, with a reference list per
notebook.
"""

from __future__ import annotations

import codecs
import re
from html import unescape
from pathlib import Path

from ..book import toc_docnames

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
