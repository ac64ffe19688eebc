"""The code's structure: two packages, no import cycles, small modules, one version.

``src/cscbook`` is the reader's library: chapters and student notebooks import it, and
every student zip ships it whole, so it must not need the build's tools.
``src/cscbook_build`` is the build machinery. See "Architecture" in CONTRIBUTING.md.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from .conftest import BUILD, ROOT

SRC = ROOT / "src"
LIBRARY = "cscbook"
BUILD_PACKAGE = "cscbook_build"
# Top-level modules the reader's library must never import: the tools that build the
# book (a student has none of them), and the build package itself.
BUILD_DEPENDENCIES = {
    "sphinx", "docutils", "myst_nb", "myst_parser", "nbformat", "nbclient", "nbconvert",
    "jupyter_cache", "jupyter_book", "pybtex", "pybtex_docutils", "sphinxcontrib",
    "sphinx_exercise", "sphinx_book_theme", "sphinx_jupyterbook_latex", BUILD_PACKAGE,
}
MAX_LINES = 500
# A longer module says why in its docstring, in a paragraph starting with these words.
LONG_MODULE_REASON = "Longer than 500 lines because"


def is_build_dependency(module: str) -> bool:
    top = module.split(".")[0]
    return top in BUILD_DEPENDENCIES or top.startswith("sphinx")


# --------------------------------------------------------------------------------------
# The import graph, from the source (ast): every import, at the top or in a function
# --------------------------------------------------------------------------------------


def module_files(package: str) -> dict[str, Path]:
    """Module name -> file, for every module of a package under src/ (subpackages too)."""
    found = {}
    for path in sorted((SRC / package).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def import_statements(name: str, text: str, is_package: bool = False) -> list[tuple[str, list[str]]]:
    """Every import of a module's source, resolved: ``(module, [names imported from it])``.

    ``import a.b`` gives ``("a.b", [])``; ``from .x import y`` in ``pkg.m`` gives
    ``("pkg.x", ["y"])``. Imports inside functions count too.
    """
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, [alias.name for alias in node.names]))
    return found


def imports_of(name: str, path: Path) -> list[str]:
    """The modules a module imports (for ``from a import b``, the module ``a``)."""
    text = path.read_text(encoding="utf-8")
    return [module for module, _ in import_statements(name, text, path.name == "__init__.py")]


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Edges between the given modules: a module -> the modules of ``modules`` it imports.

    ``from pkg import x`` is an edge to the module ``pkg.x`` when there is one, and to the
    package ``pkg`` otherwise; ``import a.b.c`` is an edge to the longest of ``a.b.c``,
    ``a.b``, ``a`` that is in ``modules``.
    """
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        text = path.read_text(encoding="utf-8")
        for module, names in import_statements(name, text, path.name == "__init__.py"):
            targets = []
            if names:
                for imported in names:
                    targets.append(f"{module}.{imported}" if f"{module}.{imported}" in modules else module)
            else:
                parts = module.split(".")
                targets += [".".join(parts[:n]) for n in range(len(parts), 0, -1)
                            if ".".join(parts[:n]) in modules][:1]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


ALL_MODULES = {**module_files(LIBRARY), **module_files(BUILD_PACKAGE)}


def test_the_cycle_finder_finds_cycles_and_only_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_import_graph_resolves_relative_and_package_imports(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("VERSION = 1\n")
    (package / "a.py").write_text("from . import b\nfrom .sub import c\nfrom pkg import VERSION\n")
    (package / "b.py").write_text("def f():\n    from .sub.c import thing\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "c.py").write_text("from .. import a\nimport os\n")
    modules = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py",
               "pkg.sub": package / "sub" / "__init__.py", "pkg.sub.c": package / "sub" / "c.py"}
    graph = import_graph(modules)
    assert graph["pkg.a"] == {"pkg", "pkg.b", "pkg.sub.c"}
    assert graph["pkg.b"] == {"pkg.sub.c"}  # an import inside a function counts
    assert graph["pkg.sub.c"] == {"pkg.a"}
    assert graph["pkg"] == graph["pkg.sub"] == set()
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c"]]


def test_no_import_cycles_among_the_modules_of_both_packages():
    assert len(module_files(LIBRARY)) >= 10 and len(module_files(BUILD_PACKAGE)) >= 10
    found = cycles(import_graph(ALL_MODULES))
    assert not found, (
        "modules that import each other (directly or in a ring); move what they share into "
        f"a module both import (as cscbook_build.book and cscbook_build.signature): {found}"
    )


# --------------------------------------------------------------------------------------
# The reader's library needs none of the build's tools
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(module_files(LIBRARY)))
def test_the_readers_library_imports_no_build_dependency(module):
    path = ALL_MODULES[module]
    forbidden = sorted({name for name in imports_of(module, path) if is_build_dependency(name)})
    assert not forbidden, (
        f"{path.relative_to(ROOT)} imports {forbidden}: the reader's library runs in student "
        "notebooks without the build's tools; put this in cscbook_build instead"
    )


def test_importing_every_module_of_the_readers_library_loads_no_build_dependency(tmp_path):
    """What ast cannot see (an import through another library, ``importlib``): run it."""
    script = (
        "import importlib, json, pkgutil, sys\n"
        "import cscbook\n"
        "for info in pkgutil.iter_modules(cscbook.__path__):\n"
        "    importlib.import_module('cscbook.' + info.name)\n"
        "print(json.dumps({'file': cscbook.__file__, 'modules': sorted(sys.modules)}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(report["file"]).resolve().is_relative_to(SRC / LIBRARY)
    loaded = sorted({name.split(".")[0] for name in report["modules"] if is_build_dependency(name)})
    assert not loaded, f"importing the reader's library loads build dependencies: {loaded}"


def student_zips() -> list[Path]:
    zips = sorted((BUILD / "classroom" / "zips").glob("*.zip"))
    if not zips:
        pytest.fail("no student zips in _build/classroom/zips: run `make html` (make test does it)")
    return zips


def test_no_module_in_a_student_zip_imports_a_build_dependency():
    library = {path.name for path in (SRC / LIBRARY).glob("*.py")}
    for zip_path in student_zips():
        with zipfile.ZipFile(zip_path) as archive:
            shipped = {n.removeprefix("cscbook/") for n in archive.namelist() if n.startswith("cscbook/")}
            assert shipped == library, f"{zip_path.name}: the zip's cscbook/ is not the reader's library whole"
            for name in archive.namelist():
                if name.endswith(".py"):
                    is_package = name.endswith("__init__.py")
                    module = name.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
                    text = archive.read(name).decode("utf-8")
                    found = [m for m, _ in import_statements(module, text, is_package) if is_build_dependency(m)]
                    assert not found, f"{zip_path.name}: {name} imports {found}"
                elif name.endswith(".ipynb"):
                    notebook = json.loads(archive.read(name))
                    for cell in notebook["cells"]:
                        if cell["cell_type"] != "code":
                            continue
                        source = "".join(cell["source"])
                        for match in re.finditer(r"^\s*(?:from|import)\s+([\w.]+)", source, re.MULTILINE):
                            assert not is_build_dependency(match[1]), (
                                f"{zip_path.name}: {name} imports {match[1]}")


def test_chapters_import_only_the_readers_library():
    for path in sorted((ROOT / "book").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        used = re.findall(r"^\s*(?:from|import)\s+(cscbook\w*)", text, re.MULTILINE)
        assert set(used) <= {LIBRARY}, f"{path.relative_to(ROOT)} imports {set(used) - {LIBRARY}}"


# --------------------------------------------------------------------------------------
# Small modules
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(ALL_MODULES))
def test_no_module_over_500_lines_unless_its_docstring_says_why(module):
    path = ALL_MODULES[module]
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    if lines <= MAX_LINES:
        return
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert LONG_MODULE_REASON in docstring, (
        f"{path.relative_to(ROOT)} has {lines} lines: split it (one responsibility per module), "
        f"or say why not in its docstring, in a paragraph starting '{LONG_MODULE_REASON}'"
    )


# --------------------------------------------------------------------------------------
# One version, cited as a book
# --------------------------------------------------------------------------------------


def source_version() -> str:
    tree = ast.parse((SRC / LIBRARY / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
            return ast.literal_eval(node.value)
    pytest.fail("src/cscbook/__init__.py has no __version__")


def test_the_version_is_written_once_and_citation_cff_repeats_it():
    import tomllib

    version = source_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"], "the version lives in src/cscbook/__init__.py only"
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cscbook.__version__"}
    others = [p.relative_to(ROOT) for p in SRC.rglob("*.py")
              if p != SRC / LIBRARY / "__init__.py" and re.search(r"^__version__\s*=", p.read_text(), re.M)]
    assert not others, f"a second version in {others}"
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == version, "CITATION.cff's version differs from cscbook.__version__"
    assert str(citation["preferred-citation"]["version"]) == version


def test_the_installed_distribution_has_the_sources_version():
    from importlib.metadata import version

    assert version("cscbook") == source_version(), "the installed package is stale: run `make venv`"


def test_citation_cff_cites_the_book_under_the_licence_of_its_text():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    book = citation["preferred-citation"]
    assert book["type"] == "book"
    assert book["title"] == citation["title"]
    # the book's text, figures and data: CC BY 4.0 (LICENSE-CONTENT); the code: MIT (LICENSE)
    assert "Creative Commons Attribution 4.0" in (ROOT / "LICENSE-CONTENT").read_text(encoding="utf-8")
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert book["license"] == "CC-BY-4.0"
    assert sorted(citation["license"]) == ["CC-BY-4.0", "MIT"]


def test_the_changelog_has_an_unreleased_section_and_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[([^\]]+)\]", text, re.MULTILINE)
    assert releases[0] == "Unreleased", "Keep a Changelog: the first section is [Unreleased]"
    assert releases[1] == source_version(), "the latest release in CHANGELOG.md is not the version"
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert re.search(rf"^## \[{re.escape(releases[1])}\] - {citation['date-released']}$", text, re.MULTILINE)


# --------------------------------------------------------------------------------------
# The map for contributors
# --------------------------------------------------------------------------------------


def test_contributing_names_every_build_module_and_the_readme_points_to_it():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "## Architecture" in text and "## Writing a chapter" in text
    for module in module_files(BUILD_PACKAGE):
        if module.endswith("__main__"):
            continue
        assert f"`{module}`" in text, f"CONTRIBUTING.md's architecture section does not name {module}"
    for path in sorted((ROOT / "src" / "cscbook").glob("*.py")):
        if path.stem != "__init__":
            assert f"`{path.stem}`" in text, f"CONTRIBUTING.md does not name the library module {path.stem}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CONTRIBUTING.md" in readme
    assert "## Writing a chapter" not in readme, "the guide for authors lives in CONTRIBUTING.md"


def test_the_chapter_template_has_the_anatomy_and_two_checks_and_is_left_out_of_the_book():
    from cscbook_build.book import toc_docnames
    from cscbook_build.classroom.source import declared_checks

    template = ROOT / "contributing" / "chapter-template.md"
    text = template.read_text(encoding="utf-8")
    assert text.startswith("---\njupytext:"), "without the jupytext header a chapter is not executed"
    for heading in ("Learning objectives", "Before you start", "## The biology", "Data card",
                    "## The analysis", "## What it means for therapy", "## Exercises",
                    "## Key points", "## Further reading"):
        assert heading in text, f"the template lacks {heading!r}"
    assert len(set(declared_checks(template))) >= 2
    assert set(re.findall(r"^\s*(?:from|import)\s+(cscbook\w*)", text, re.MULTILINE)) == {LIBRARY}
    assert not [n for n in toc_docnames(ROOT) if n.startswith("contributing/")]
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "contributing" in config["exclude_patterns"]


def test_the_private_copy_of_the_book_holds_every_file_the_build_reads_from_the_root():
    """Tests and ``make bench`` build in a copy (cscbook_build.bookcopy): a file the build
    machinery reads from the book's root but the copy leaves out breaks them there only
    (``make bench``'s classroom phase once failed on a missing requirements.txt)."""
    from cscbook_build.bookcopy import BOOK_FILES, BOOK_FOLDERS

    read = set()
    for path in (ROOT / "src" / "cscbook_build").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r'\broot\) / "([^"/]+)', text)) | set(re.findall(r'\broot / "([^"/]+)', text))
        read |= set(re.findall(r'folder / "(CITATION\.cff)"', text))
    read -= {"_build"}
    assert {"requirements.txt", "instructor", "book", "data"} <= read, read  # the scan still finds them
    missing = sorted(name for name in read if name not in BOOK_FILES + BOOK_FOLDERS)
    assert not missing, f"cscbook_build.bookcopy does not copy {missing}"
