"""Sphinx extension for the book: a data-aware execution cache and the data catalogue.

Data-aware cache
    myst-nb's cache (jupyter-cache) keys a notebook on its code cells only, so an
    edited CSV would leave stale outputs in place. Here every chapter gets a data
    signature: a hash of the CSV files it loads (found from its ``load("name")``
    calls), of ``data/datapackage.json`` and of this package's source. When the
    signature of a chapter differs from the one recorded after the last
    successful build, its cache record is dropped and the page is re-read, so the
    chapter executes again against the new data.

Data catalogue
    A page holding the line ``<!-- data-catalogue -->`` gets, at build time, one
    section per dataset in ``data/datapackage.json``: its title, provenance,
    description, sources (with their DOI links and location in the paper) and
    fields. The page is re-read whenever the descriptor changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from sphinx.util import logging

from . import data as book_data

logger = logging.getLogger(__name__)

LOAD_CALL = re.compile(r"""\bload\(\s*["']([A-Za-z0-9_.\-]+)["']""")
CATALOGUE_MARKER = "<!-- data-catalogue -->"
SIGNATURE_FILE = "cscbook-data-signatures.json"
PACKAGE_DIR = Path(__file__).resolve().parent


def datasets_used(source_text: str) -> list[str]:
    """Names of the datasets a chapter loads, in order of first use."""
    names: list[str] = []
    for name in LOAD_CALL.findall(source_text):
        if name not in names:
            names.append(name)
    return names


def _digest(paths: list[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(str(path.name).encode())
        sha.update(path.read_bytes() if path.is_file() else b"<missing>")
    return sha.hexdigest()


def data_signature(source_text: str, data_folder: Path) -> str:
    """Hash of everything outside its code that a notebook's outputs depend on."""
    paths = [data_folder / book_data.DESCRIPTOR]
    try:
        package = json.loads(paths[0].read_text(encoding="utf-8"))
        by_name = {r.get("name"): r.get("path") for r in package.get("resources", [])}
    except (OSError, json.JSONDecodeError):
        by_name = {}
    for name in datasets_used(source_text):
        relative = by_name.get(name)
        paths.append(data_folder / relative if relative else data_folder / f"<{name}>")
    paths.extend(sorted(PACKAGE_DIR.glob("*.py")))
    return _digest(paths)


def _is_notebook(text: str) -> bool:
    return "```{code-cell}" in text


def _cache_dir(app) -> Path:
    configured = getattr(app.config, "nb_execution_cache_path", "") or ""
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def _signature_path(app) -> Path:
    return _cache_dir(app) / SIGNATURE_FILE


def _data_folder(app) -> Path:
    return Path(app.confdir) / "data"


def _current_signatures(app) -> dict[str, str]:
    signatures = {}
    for docname in app.env.found_docs:
        path = Path(app.env.doc2path(docname))
        if path.suffix != ".md" or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if _is_notebook(text):
            signatures[str(path.resolve())] = data_signature(text, _data_folder(app))
    return signatures


def _drop_cache_records(app, stale_paths: set[str]) -> None:
    cache_dir = _cache_dir(app)
    if not stale_paths or not cache_dir.exists():
        return
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    for record in cache.list_cache_records():
        if str(Path(record.uri).resolve()) in stale_paths:
            cache.remove_cache(record.pk)
            logger.info(f"[cscbook] data changed: re-executing {record.uri}")


def _outdated_by_data(app, env, added, changed, removed):
    previous = {}
    path = _signature_path(app)
    if path.is_file():
        previous = json.loads(path.read_text(encoding="utf-8"))
    current = _current_signatures(app)
    app.cscbook_signatures = current
    stale = {p for p, sig in current.items() if previous.get(p) != sig}
    _drop_cache_records(app, stale)
    outdated = []
    for docname in env.found_docs:
        doc_path = str(Path(env.doc2path(docname)).resolve())
        if doc_path in stale and docname not in added and docname not in changed:
            outdated.append(docname)
    return outdated


def _record_signatures(app, exception):
    if exception is not None or app.builder.name == "linkcheck":
        return
    signatures = getattr(app, "cscbook_signatures", None)
    if signatures is None:
        return
    path = _signature_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(signatures, indent=1, sort_keys=True), encoding="utf-8")


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
    descriptor = _data_folder(app) / book_data.DESCRIPTOR
    app.env.note_dependency(str(descriptor))
    app.env.note_dependency(__file__)  # the page changes when catalogue_markdown does
    package = book_data.datapackage(_data_folder(app))
    source[0] = source[0].replace(CATALOGUE_MARKER, catalogue_markdown(package))


def setup(app):
    app.connect("env-get-outdated", _outdated_by_data)
    app.connect("build-finished", _record_signatures)
    app.connect("source-read", _insert_catalogue)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
