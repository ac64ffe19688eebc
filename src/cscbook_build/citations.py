"""One author-year citation style, in the text and the bibliography, on the website and in the PDF.

sphinxcontrib-bibtex's ``author_year`` reference style puts the year in square brackets
("Tang et al. [2011]") while the ``plain`` bibliography style numbers its entries ([1],
[2]...), and a ``.bib`` author list that ends in ``and others`` printed as "Branford and
others". This module registers, with pybtex, the book's own styles:

- ``cscbook`` (reference style): "Tang et al. (2011)" for ``{cite:t}``, "(Tang et al.,
  2011)" for ``{cite:p}``;
- ``cscbook`` (bibliography style): pybtex's plain style, sorted by author, year and
  title, each entry labelled by author and year ("Tang et al. 2011"), so the label a
  reader finds in the list is the citation they read in the text;
- an author list cut short with ``and others`` is shown as "et al.", never as a complete
  list ending in "and others";
- a work whose authors could not be verified (a trial report read only as an abstract, a
  registry record) is cited by its BibTeX ``key`` field ("STEVIE primary analysis
  (2017)"), never by invented names.

:mod:`cscbook_build.sphinxext` calls :func:`register` when Sphinx loads it.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass, field

import pybtex.plugin
from pybtex.richtext import Tag, Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import FieldIsMissing, join, node, sentence
from pybtex.style.template import field as entry_field
from pybtex.style.template import first_of as entry_first_of
from pybtex.style.template import optional as entry_optional
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import field as bib_field
from sphinxcontrib.bibtex.style.template import first_of, optional, tag
from sphinxcontrib.bibtex.style.template import join as bib_join

STYLE = "cscbook"
ET_AL = "et al."


def is_others(person) -> bool:
    """The ``others`` of ``and others`` in a BibTeX author list."""
    return str(person) == "others"


def split_others(persons) -> tuple[list, bool]:
    """The named persons, and whether the list was cut short with ``and others``."""
    persons = list(persons)
    truncated = bool(persons) and is_others(persons[-1])
    return (persons[:-1] if truncated else persons), truncated


def _surname(person) -> str:
    return " ".join(person.prelast_names + person.last_names)


def author_year_label(entry) -> str:
    """"Tang et al. 2011", "Abbott and Michor 2006", "Quintana 2008"."""
    persons, truncated = split_others(entry.persons.get("author") or entry.persons.get("editor") or [])
    names = [re.sub(r"[{}]", "", _surname(p)) for p in persons]
    if not names:  # BibTeX's ``key`` field names a work without author or editor
        who = entry.fields.get("key") or entry.fields.get("title", entry.key)
    elif truncated or len(names) > 2:
        who = f"{names[0]} {ET_AL}"
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = names[0]
    return f"{who} {entry.fields.get('year', '')}".strip()


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels by author and year; "2008a", "2008b" where two entries would share one."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year_label(entry) for entry in entries]
        counts, seen = Counter(labels), Counter()
        for label in labels:
            if counts[label] > 1:
                yield label + string.ascii_lowercase[seen[label]]
                seen[label] += 1
            else:
                yield label


@node
def _listed_names(children, context, role, **kwargs):
    """pybtex's ``names`` for the bibliography, with "et al." for ``and others``."""
    assert not children
    if role not in context["entry"].persons:
        raise FieldIsMissing(role, context["entry"])
    persons, truncated = split_others(context["entry"].persons[role])
    style = context["style"]
    formatted = [style.format_name(person, style.abbreviate_names) for person in persons]
    if truncated:
        return Text(join(sep=", ")[formatted].format_data(context), ", ", ET_AL)
    return join(**kwargs)[formatted].format_data(context)


class BibliographyStyle(PlainStyle):
    """pybtex's plain style with author-year labels and honest "et al."."""

    default_label_style = STYLE
    default_sorting_style = "author_year_title"

    def format_names(self, role, as_sentence=True):
        formatted = _listed_names(role, sep=", ", sep2=" and ", last_sep=", and ")
        if role == "author":  # a work cited by its ``key`` (authors not verified)
            formatted = entry_first_of[entry_optional[formatted], entry_field("key")]
        return sentence[formatted] if as_sentence else formatted


@node
def _cited_names(children, data, role, sep="", sep2=None, last_sep=None, other=None):
    """sphinxcontrib-bibtex's ``names`` for citations, with "et al." for ``and others``."""
    assert not children
    if role not in data["entry"].persons:
        raise FieldIsMissing(role, data["entry"])
    persons, truncated = split_others(data["entry"].persons[role])
    person_style = data["style"].person
    formatted = [person_style.style_plugin.format(p, person_style.abbreviate) for p in persons]
    if truncated:
        first = bib_join[formatted[:1]].format_data(data)
        return Text(first, other if other is not None else Text(" ", Tag("em", ET_AL)))
    return bib_join(sep=sep, sep2=sep2, last_sep=last_sep, other=other)[formatted].format_data(data)


class CitedPersonStyle(PersonStyle):
    """Person names in citations: "et al." also for a list cut short with ``and others``."""

    def names(self, role, full):
        return _cited_names(
            role=role, sep=self.sep, sep2=self.sep2, last_sep=self.last_sep,
            other=None if full else self.other,
        )

    def author_or_editor_or_title(self, full):
        other = None if full else self.other
        kwargs = {"sep": self.sep, "sep2": self.sep2, "last_sep": self.last_sep, "other": other}
        return first_of[
            optional[_cited_names("author", **kwargs)],
            optional[_cited_names("editor", **kwargs)],
            optional[bib_field("key")],
            tag("em")[bib_field("title")],
        ]


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class ReferenceStyle(AuthorYearReferenceStyle):
    """Author-year citations in round brackets: "Tang et al. (2011)", "(Tang et al., 2011)"."""

    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_author: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)
    person: PersonStyle = field(default_factory=CitedPersonStyle)


def register() -> None:
    """Make the styles known to pybtex and sphinxcontrib-bibtex as ``cscbook`` (idempotent)."""
    import sphinxcontrib.bibtex.plugin as bibtex_plugin

    for group, klass in (
        ("pybtex.style.labels", AuthorYearLabelStyle),
        ("pybtex.style.formatting", BibliographyStyle),
    ):
        if pybtex.plugin._RUNTIME_PLUGINS.get(group, {}).get(STYLE) is not klass:
            pybtex.plugin.register_plugin(group, STYLE, klass, force=True)
    group = "sphinxcontrib.bibtex.style.referencing"
    if bibtex_plugin._runtime_plugins.get(group, {}).get(STYLE) is not ReferenceStyle:
        bibtex_plugin.register_plugin(group, STYLE, ReferenceStyle, force=True)
