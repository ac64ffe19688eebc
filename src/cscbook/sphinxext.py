"""Sphinx extension for the book: a data-aware execution cache and the data catalogue.

Data-aware cache
    myst-nb's cache (jupyter-cache) keys a notebook on its code cells only, so an
    edited CSV would leave stale outputs in place. This extension stamps every
    notebook, as myst-nb reads it, with a *data signature*: a hash of the CSV files
    the chapter loads (found from its ``load("name")`` calls), of
    ``data/datapackage.json`` and of this package's source. The stamp is stored in
    the first code cell's metadata, which jupyter-cache includes in its key, so a
    changed dataset means a cache miss and the chapter executes again. The same
    files are registered as Sphinx dependencies, so the page is re-read when any of
    them changes. ``cscbook.execute`` reads notebooks the same way, so notebooks it
    pre-executes in parallel are found in the cache by the build.

Classroom edition
    Every chapter page gets a "Download as an assignment" link to its student zip
    (written by ``cscbook.classroom``), and the instructor guide's lines
    ``<!-- classroom-chapters -->`` and ``<!-- classroom-schedule -->`` become the map
    of chapters (objectives, skills, exercises, checks) and the 13-week schedule.

Data catalogue
    A page holding the line ``<!-- data-catalogue -->`` gets, at build time, one
    section per dataset in ``data/datapackage.json``: its title, provenance,
    description, sources (with their DOI links and location in the paper) and
    fields. The page is re-read whenever the descriptor changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import myst_nb.core.read as myst_nb_read

from . import data as book_data

LOAD_CALL = re.compile(r"""\bload\(\s*["']([A-Za-z0-9_.\-]+)["']""")
CATALOGUE_MARKER = "<!-- data-catalogue -->"
CHAPTERS_MARKER = "<!-- classroom-chapters -->"
SCHEDULE_MARKER = "<!-- classroom-schedule -->"
INSTRUCTOR_GUIDE = "book/back/instructor-guide"
PACKAGE_DIR = Path(__file__).resolve().parent
SIGNATURE_KEY = "cscbook"
# Modules that run the build but are never imported by a chapter; editing them must
# not re-execute the chapters.
BUILD_ONLY_MODULES = {"sphinxext.py", "execute.py", "classroom.py", "pdf.py"}
_read_myst_markdown_notebook = myst_nb_read.read_myst_markdown_notebook


def datasets_used(source_text: str) -> list[str]:
    """Names of the datasets a chapter loads, in order of first use."""
    names: list[str] = []
    for name in LOAD_CALL.findall(source_text):
        if name not in names:
            names.append(name)
    return names


def find_data_folder(source: Path) -> Path | None:
    """The ``data`` folder that a notebook at ``source`` reads from."""
    if os.environ.get("CSCBOOK_DATA"):
        return Path(os.environ["CSCBOOK_DATA"])
    for folder in Path(source).resolve().parents:
        if (folder / "data" / book_data.DESCRIPTOR).is_file():
            return folder / "data"
    return None


def dependencies(source_text: str, data_folder: Path) -> list[Path]:
    """Files outside its code that a notebook's outputs depend on."""
    paths = [data_folder / book_data.DESCRIPTOR]
    try:
        package = json.loads(paths[0].read_text(encoding="utf-8"))
        by_name = {r.get("name"): r.get("path") for r in package.get("resources", [])}
    except (OSError, json.JSONDecodeError):
        by_name = {}
    for name in datasets_used(source_text):
        relative = by_name.get(name)
        paths.append(data_folder / relative if relative else data_folder / f"<{name}>")
    paths.extend(
        path for path in sorted(PACKAGE_DIR.glob("*.py")) if path.name not in BUILD_ONLY_MODULES
    )
    return paths


def data_signature(source_text: str, data_folder: Path) -> str:
    """Hash of the contents of every file in :func:`dependencies`."""
    sha = hashlib.sha256()
    for path in dependencies(source_text, data_folder):
        sha.update(path.name.encode())
        sha.update(path.read_bytes() if path.is_file() else b"<missing>")
    return sha.hexdigest()


def read_notebook_with_signature(text, *args, path=None, **kwargs):
    """myst-nb's MyST notebook reader, plus the data signature in the first code cell."""
    notebook = _read_myst_markdown_notebook(text, *args, path=path, **kwargs)
    folder = find_data_folder(Path(path)) if path is not None else None
    if folder is not None:
        signature = data_signature(text, folder)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.metadata[SIGNATURE_KEY] = {"data_signature": signature}
                break
    return notebook


def _note_data_dependencies(app, docname, source):
    text = source[0]
    if "```{code-cell}" not in text:
        return
    folder = find_data_folder(Path(app.env.doc2path(docname)))
    if folder is None:
        return
    for path in dependencies(text, folder):
        if path.is_file():
            app.env.note_dependency(str(path))


def catalogue_markdown(package: dict) -> str:
    """MyST markdown describing every dataset in a data package."""
    lines: list[str] = []
    resources = sorted(package.get("resources", []), key=lambda r: r.get("chapter", ""))
    published = sum(r.get("provenance") == "published" for r in resources)
    lines.append(
        f"The book ships {len(resources)} datasets: {published} hold published values "
        f"and {len(resources) - published} are simulated from published parameters by "
        "seeded scripts in `data/generators/`.\n"
    )
    for entry in resources:
        name = entry["name"]
        lines.append(f"(data-{name.replace('_', '-')})=")
        lines.append(f"## {entry.get('title', name)}\n")
        label = entry.get("provenance", "unknown")
        kind = "Published values" if label == "published" else "Simulated data"
        lines.append(f"**{kind}.** File `data/{entry['path']}`, dataset name `{name}`.")
        if entry.get("generator"):
            lines.append(f" Generated by `data/{entry['generator']}`.")
        lines.append("\n")
        lines.append(entry.get("description", "") + "\n")
        lines.append("Sources:\n")
        for source in entry.get("sources", []):
            where = f" ({source['location']})" if source.get("location") else ""
            link = source.get("path", "")
            lines.append(f"- {source.get('title', '')}{where} <{link}>" if link else
                         f"- {source.get('title', '')}{where}")
        lines.append("")
        licences = ", ".join(lic.get("name", "") for lic in entry.get("licenses", []))
        if licences:
            lines.append(f"Licence: {licences}.\n")
        # column widths for the PDF (the website ignores this directive)
        lines.append("```{tabularcolumns} \\Y{0.27}\\Y{0.1}\\Y{0.13}\\Y{0.5}")
        lines.append("```\n")
        lines.append("| Column | Type | Unit | Description |")
        lines.append("| --- | --- | --- | --- |")
        for field in entry.get("schema", {}).get("fields", []):
            description = field.get("description", "").replace("|", "/")
            lines.append(
                f"| `{field['name']}` | {field.get('type', 'string')} | "
                f"{field.get('unit', '')} | {description} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def _insert_catalogue(app, docname, source):
    if CATALOGUE_MARKER not in source[0]:
        return
    folder = Path(app.confdir) / "data"
    app.env.note_dependency(str(folder / book_data.DESCRIPTOR))
    app.env.note_dependency(__file__)  # the page changes when catalogue_markdown does
    package = book_data.datapackage(folder)
    source[0] = source[0].replace(CATALOGUE_MARKER, catalogue_markdown(package))


def _insert_classroom_tables(app, docname, source):
    """The instructor guide's chapter map and schedule, generated from the chapter sources."""
    if CHAPTERS_MARKER not in source[0] and SCHEDULE_MARKER not in source[0]:
        return
    from . import classroom

    root = Path(app.confdir)
    app.env.note_dependency(classroom.__file__)  # the page changes when the tables' code does
    for chapter in classroom.toc_chapters(root):
        if chapter.exists():
            app.env.note_dependency(str(chapter.source))
    source[0] = source[0].replace(CHAPTERS_MARKER, classroom.chapters_markdown(root, docname))
    source[0] = source[0].replace(SCHEDULE_MARKER, classroom.schedule_markdown(root))


def _add_assignment_link(app, doctree, docname):
    """"Download as an assignment" under the title of every chapter (HTML only).

    The link points at the chapter's student zip, which ``make assignments`` (run by
    ``make html``) writes to ``_build/html/assignments/`` after the build; a raw HTML
    link keeps the strict build independent of that file.
    """
    from docutils import nodes

    from . import classroom

    if app.builder.format != "html":
        return
    match = classroom.CHAPTER_DOC.match(docname)
    if not match:
        return
    href = classroom.assignment_href(docname, match["slug"])
    guide = ""
    if INSTRUCTOR_GUIDE in app.env.found_docs:
        guide_href = app.builder.get_relative_uri(docname, INSTRUCTOR_GUIDE)
        guide = f' Instructors: see the <a href="{guide_href}">instructor guide</a>.'
    html = (
        '<p class="cscbook-assignment">'
        f'<a href="{href}" download>Download as an assignment</a> '
        "(a zip with the chapter as a notebook without the solutions, its data and automatic "
        f"checks, for Jupyter, JupyterHub or Colab).{guide}</p>"
    )
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    paragraphs = [child for child in section.children if isinstance(child, nodes.paragraph)]
    position = section.index(paragraphs[0]) + 1 if paragraphs else len(section.children)
    section.insert(position, nodes.raw("", html, format="html"))


# MathJax 3 served from the site itself, so that pages with equations work offline.
# The files come from the pinned PyPI package django-static-mathjax (MathJax 3.2.2,
# Apache-2.0) and are copied next to _static, not into it: Jupyter Book would
# otherwise add every .js file under _static to every page.
MATHJAX_DIR = "mathjax"
# Only the components the book's configuration loads (see mathjax3_config in
# _config.yml): about 0.8 MB instead of the 1.2 MB combined tex-chtml.js.
MATHJAX_PARTS = (
    "startup.js", "core.js", "input/tex-base.js", "input/tex/extensions", "output/chtml.js",
    "output/chtml/fonts/tex.js", "output/chtml/fonts/woff-v2", "a11y/assistive-mml.js",
)
OFFLINE_MATHJAX_PATH = f"../{MATHJAX_DIR}/startup.js"  # relative to _static


def mathjax_source() -> Path:
    import mathjax

    return Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"


def _copy_offline_mathjax(app):
    if app.builder.format != "html" or app.config.mathjax_path != OFFLINE_MATHJAX_PATH:
        return
    import shutil

    source = mathjax_source()
    target = Path(app.outdir) / MATHJAX_DIR
    stamp = target / ".copied-from"
    if stamp.is_file() and stamp.read_text() == str(source):
        return
    for part in MATHJAX_PARTS:
        origin = source / part
        if origin.is_dir():
            shutil.copytree(origin, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / part)
    stamp.write_text(str(source))


def _copy_late_assets_early(app):
    """Put the style sheets that myst-nb and sphinx-exercise copy only at the end of a
    build into ``_static`` before any page is written.

    Sphinx stamps each asset link with a checksum of the file, if it exists when the
    page is written. These two files appear only after the pages of a clean build,
    so a clean build and a rebuild linked them differently; copying the same files
    first makes every build link them the same way.
    """
    if app.builder.format != "html":
        return
    import shutil

    import myst_nb.static
    import sphinx_exercise
    from myst_nb.sphinx_ext import _get_file_hash

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    mystnb_css = Path(myst_nb.static.__file__).parent / "mystnb.css"
    shutil.copyfile(mystnb_css, static / f"mystnb.{_get_file_hash(mystnb_css)}.css")
    exercise_css = Path(sphinx_exercise.__file__).parent / "assets" / "html" / "exercise.css"
    shutil.copyfile(exercise_css, static / "exercise.css")


def _accessible_page(app, pagename, templatename, context, doctree):
    """Fix, page by page, what the theme and docutils emit that an audit flags.

    - Jupyter Book adds sphinx-thebe's inline configuration twice, which raises a
      console error ("THEBE_JS_URL has already been declared"). The book has no
      live-code buttons (thebe is off), so the thebe scripts are left out, and any
      other script added twice is kept once.
    - myst-nb asks for MathJax on every page; pages without equations leave it out
      (0.8 MB less to load).
    - docutils marks bibliography entries with the deprecated ARIA role
      ``doc-biblioentry`` inside a ``role="list"``; they become list items.
    """
    scripts = context.get("script_files")
    page_body = context.get("body") or ""
    has_maths = 'class="math' in page_body or "\\(" in page_body or "\\[" in page_body
    if scripts is not None:
        seen, kept = set(), []
        for script in scripts:
            filename = str(getattr(script, "filename", script) or "")
            body = str(getattr(script, "attributes", {}).get("body", ""))
            if "thebe" in filename.lower() or "THEBE_JS_URL" in body:
                continue
            if not has_maths and (MATHJAX_DIR + "/" in filename or "window.MathJax" in body):
                continue
            key = (filename, body)
            if key not in seen:
                seen.add(key)
                kept.append(script)
        scripts[:] = kept
    body = context.get("body")
    if body and "doc-biblioentry" in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _pin_data_folder(app, config):
    """Chapters executed by this build read this book's data/, wherever they run."""
    folder = Path(app.confdir) / "data"
    if "CSCBOOK_DATA" not in os.environ and (folder / book_data.DESCRIPTOR).is_file():
        os.environ["CSCBOOK_DATA"] = str(folder)


def _cache_pybtex_plugin_lookups() -> None:
    """Look up each pybtex plugin among the installed packages' entry points once.

    sphinxcontrib-bibtex asks pybtex for its style and backend plugins once per citation,
    and each lookup scans the metadata of every installed distribution: about a seventh
    of the website build. Plugins registered at run time are still checked first.
    """
    import pybtex.plugin as plugin

    original = plugin._load_entry_point
    if getattr(original, "cscbook_cached", False):
        return
    found: dict = {}

    def load_entry_point(group, name, use_aliases=False):
        for search_group in [group, group + ".aliases"] if use_aliases else [group]:
            klass = plugin._RUNTIME_PLUGINS.get(search_group, {}).get(name)
            if klass is not None:
                return klass
        key = (group, name, use_aliases)
        if key not in found:
            found[key] = original(group, name, use_aliases)
        return found[key]

    load_entry_point.cscbook_cached = True
    plugin._load_entry_point = load_entry_point


def setup(app):
    from .citations import register as register_citation_styles

    _cache_pybtex_plugin_lookups()
    register_citation_styles()
    app.connect("config-inited", _pin_data_folder)
    app.connect("html-page-context", _accessible_page)
    app.connect("builder-inited", _copy_offline_mathjax)
    app.connect("builder-inited", _copy_late_assets_early)
    # myst-nb looks this reader up by name each time it reads a MyST notebook.
    myst_nb_read.read_myst_markdown_notebook = read_notebook_with_signature
    app.connect("source-read", _note_data_dependencies)
    app.connect("source-read", _insert_catalogue)
    app.connect("source-read", _insert_classroom_tables)
    app.connect("doctree-resolved", _add_assignment_link)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
