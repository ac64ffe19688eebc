"""Cut the theme's Font Awesome web fonts down to the icons the site shows.

pydata-sphinx-theme ships Font Awesome's whole solid, regular and brands fonts
(fa-solid-900.woff2 alone is 156 KB, a seventh of the page budget) for about fifteen
icons. After the build, ``subset_icon_fonts`` keeps in each font only the glyphs of

- the ``.fa-NAME`` classes named in a built page or in a script a page loads (the
  theme's style sheet maps each class to its code point), and
- every private-use code point written in a loaded style sheet outside that class
  table (the theme's admonition and navigation icons are ``content:`` values and CSS
  custom properties such as ``--pst-icon-info-circle``).

The class table itself (about 2,400 rules, a third of the theme's style sheet, which
blocks the first paint) keeps only the rules of the icons the site uses
(``strip_unused_icon_rules``): the others would point at glyphs no longer in the font.

``used_icon_classes`` and ``icon_codepoints`` are what ``tests/test_page_budget.py``
checks the subset fonts against.
"""

from __future__ import annotations

import re
from pathlib import Path

from .pageweight import page_files, site_pages

FONT_DIR = Path("_static") / "vendor" / "fontawesome" / "webfonts"
FONTS = ("fa-solid-900", "fa-regular-400", "fa-brands-400")
THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
CLASS_RULE = re.compile(
    r"((?:\.fa-[a-z0-9-]+::?before,?)+)\{content:\s*\"((?:\\[0-9a-fA-F]{1,6}\s?|\\.|[^\"\\])+)\"\s*;?\}"
)
CLASS_NAME = re.compile(r"\.(fa-[a-z0-9-]+)::?before")
USED_CLASS = re.compile(r"(?<![\w-])(fa-[a-z0-9-]+)")
STRING = re.compile(r"\"((?:\\.|[^\"\\])*)\"|'((?:\\.|[^'\\])*)'")
ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)")
PRIVATE_USE = range(0xE000, 0xF900)


def _decode(css_string: str) -> list[int]:
    def unescape(match: re.Match) -> str:
        escaped = match.group(1)
        return chr(int(escaped, 16)) if re.fullmatch(r"[0-9a-fA-F]{1,6}\s?", escaped) else escaped

    return [ord(c) for c in ESCAPE.sub(unescape, css_string)]


def class_codepoints(site: Path) -> dict[str, int]:
    """Font Awesome's class table in the theme's style sheet: ``fa-NAME`` -> code point."""
    table = {}
    for names, content in CLASS_RULE.findall((site / THEME_CSS).read_text(encoding="utf-8")):
        codepoints = _decode(content)
        for name in CLASS_NAME.findall(names):
            table[name] = codepoints[0]
    return table


def loaded_files(site: Path) -> set[Path]:
    """Every file some page of the site loads."""
    files: set[Path] = set()
    for page in site_pages(site):
        files |= page_files(page, site)
    return files


def used_icon_classes(site: Path, files: set[Path] | None = None) -> set[str]:
    """The ``fa-NAME`` icon classes named in the site's pages and the scripts they load."""
    table = class_codepoints(site)
    files = loaded_files(site) if files is None else files
    used = set()
    for path in files:
        if path.suffix in (".html", ".js"):
            used |= {name for name in USED_CLASS.findall(path.read_text(encoding="utf-8", errors="replace"))
                     if name in table}
    return used


def css_icon_codepoints(files: set[Path]) -> set[int]:
    """Private-use code points written in loaded style sheets, outside the class table."""
    codepoints = set()
    for path in files:
        if path.suffix == ".css":
            text = CLASS_RULE.sub("", path.read_text(encoding="utf-8", errors="replace"))
            for double, single in STRING.findall(text):
                codepoints |= {c for c in _decode(double or single) if c in PRIVATE_USE}
    return codepoints


def icon_codepoints(site: Path, files: set[Path] | None = None, used: set[str] | None = None) -> set[int]:
    """Every code point the site may draw with an icon font (``files``: what its pages
    load; ``used``: the icon classes they name, when already known)."""
    files = loaded_files(site) if files is None else files
    used = used_icon_classes(site, files) if used is None else used
    table = class_codepoints(site)
    return {table[name] for name in used} | css_icon_codepoints(files)


def strip_unused_icon_rules(site: Path, used: set[str]) -> tuple[int, int]:
    """Keep in the theme's style sheet only the class rules of ``used`` icons; returns
    the sheet's size (before, after)."""
    css = site / THEME_CSS
    text = css.read_text(encoding="utf-8")

    def keep(match: re.Match) -> str:
        selectors = [s for s in match.group(1).split(",") if CLASS_NAME.fullmatch(s) and
                     CLASS_NAME.fullmatch(s).group(1) in used]
        return ",".join(selectors) + "{content:\"" + match.group(2) + "\"}" if selectors else ""

    stripped = CLASS_RULE.sub(keep, text)
    css.write_text(stripped, encoding="utf-8")
    return len(text.encode()), len(stripped.encode())


def subset_icon_fonts(site: Path) -> dict[str, tuple[int, int]]:
    """Subset the Font Awesome fonts in ``site`` in place and drop the class rules of
    unused icons from the theme's style sheet; returns {file: (before, after)}."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    files = loaded_files(site)  # every page read once (about 0.3 s of each build)
    used = used_icon_classes(site, files)
    codepoints = icon_codepoints(site, files, used)  # before the unused rules leave the style sheet
    sizes = {THEME_CSS.name: strip_unused_icon_rules(site, used)}
    for name in FONTS:
        for suffix, flavor in ((".woff2", "woff2"), (".ttf", None)):
            path = site / FONT_DIR / f"{name}{suffix}"
            if not path.is_file():
                continue
            before = path.stat().st_size
            font = TTFont(path)
            options = subset.Options()
            options.flavor = flavor
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            options.notdef_outline = True
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=codepoints & set(font.getBestCmap()))
            subsetter.subset(font)
            font.flavor = flavor
            font.save(path)
            sizes[path.name] = (before, path.stat().st_size)
    return sizes
