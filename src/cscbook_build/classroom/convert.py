"""Stage 3 of the classroom edition: MyST markdown to the Markdown that Jupyter renders.

:class:`Converter` rewrites one chapter's markdown cells: roles become text (numbers and
citations through :class:`~cscbook_build.classroom.references.References`, glued values
from the cache), directives become quotes, images or maths, and exercises and
solutions become :class:`Marker` objects that :mod:`cscbook_build.classroom.editions`
turns into the student's and the instructor's cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .references import References


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
    edition: str = "instructor"  # the student edition leaves out concept-check answers

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
        if is_concept_answer(name, arg, options) and self.edition == "student":
            return ("> **Answer:** think it through, then ask your instructor "
                    "(the answer is in the instructor's edition).")
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


def is_concept_answer(name: str, arg: str, options: dict) -> bool:
    """The folded answer of a concept check: ``{admonition} Answer`` with class dropdown."""
    return name == "admonition" and arg.strip() == "Answer" and "dropdown" in str(options.get("class", "")).split()


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
