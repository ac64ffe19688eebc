# Build and test the book. `make html` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The version lives in src/cscbook/__init__.py: a new version reinstalls the package.
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml src/cscbook/__init__.py | sha256sum | cut -c1-12)
# Warnings are errors (-W), missing references are warnings (-n), and every problem is
# reported before the build stops (--keep-going).
JB_FLAGS := -W -n --keep-going
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 1767225600

.PHONY: fresh-site help venv html pdf pdf-build book tex tex-tools assignments grade otter-run test lint data clean browser-tools bench sandbox-tools

# The PDF: Sphinx's LaTeX (via Jupyter Book), then latexmk with xelatex and xindy. The
# notebooks are executed once for print (their figures drawn as PDF too, see pdf-build)
# and kept in the execution cache in _build/, beside the website's.
PDF := _build/latex/cscbook.pdf
# xelatex stops at the first error instead of waiting for input; latexmk's -xelatex makes
# .xdv files and converts only the final one to PDF.
export LATEXOPTS := -interaction=nonstopmode -halt-on-error -file-line-error
export LATEXMKOPTS := -xelatex

help:
	@echo "make html   build the website into _build/html (creates .venv on first use)"
	@echo "make test   build, then run every test (the PDF's too when xelatex is installed)"
	@echo "make pdf    build the whole book as one PDF, _build/latex/cscbook.pdf"
	@echo "            (installs TeX Live from Debian first if it is missing: scripts/install-tex.sh)"
	@echo "make book   the PDF, then the website, which offers it for download (what GitHub Pages publishes)"
	@echo "make assignments  student and instructor notebooks, zips and autograders in _build/classroom"
	@echo "make grade SUBMISSIONS=folder  grade submitted notebooks into folder/scores.csv and folder/feedback/"
	@echo "            (in a bubblewrap sandbox: scripts/install-sandbox.sh installs it; TIMEOUT=120 s per notebook,"
	@echo "            CHAPTER=slug to name the chapter, UNSAFE=1 to run without a sandbox)"
	@echo "make otter-run NOTEBOOK=file.ipynb  grade one trusted notebook with otter-grader's own"
	@echo "            \`otter run\` and its chapter's autograder zip; prints the score and the results path"
	@echo "make bench  time each chapter alone, the clean build's phases, no-change and one-chapter"
	@echo "            rebuilds against the sample book (BENCH=--chapters-only: the chapters alone);"
	@echo "            the heaviest page and Lighthouse's mobile scores"
	@echo "make data   regenerate the simulated datasets from their seeded generators"
	@echo "make lint   run ruff on the package, tests, generators, scripts and chapters, and actionlint"
	@echo "            on the GitHub Pages workflow"
	@echo "make clean  remove _build (the execution cache included)"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml src/cscbook/__init__.py
	rm -f $(VENV)/.installed-*
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Chapters not yet in the execution cache run in parallel first (cscbook_build.execute);
# the build then renders them from the cache and reports any that failed.
JOBS ?= 2

# The classroom edition is made from the chapter sources and the execution cache (no
# chapter runs again); html writes it too, because every chapter page links its zip.
html: $(STAMP)
	$(BIN)/python -m cscbook_build.execute --jobs $(JOBS) .
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	$(BIN)/python -m cscbook_build.classroom build .
	@echo "Website: _build/html/index.html"

tex:
	scripts/install-tex.sh

pdf: tex
	$(MAKE) pdf-build

# The PDF's figures are vector graphics: its kernels draw each figure as PDF too
# (cscbook.style), and the execution cache keeps these outputs apart from the website's.
pdf-build: export CSCBOOK_FIGURE_FORMATS := png,pdf
pdf-build: $(STAMP)
	$(BIN)/python -m cscbook_build.execute --jobs $(JOBS) .
	$(BIN)/jupyter-book build . --builder pdflatex $(JB_FLAGS)
	@test -s $(PDF)
	@echo "PDF: $(PDF) ($$(pdfinfo $(PDF) 2>/dev/null | sed -n 's/^Pages: *//p') pages, $$(du -h $(PDF) | cut -f1))"

# The website offers the whole-book PDF when it exists as the website is built
# (src/cscbook_build/publish.py), so the PDF comes first. .github/workflows/pages.yml
# runs these two steps.
book: pdf
	$(MAKE) html

assignments: html
	@echo "Classroom edition: _build/classroom (student/, instructor/, zips/, autograder/)"

# The autograder zips are otter-grader's own (otter generate): this runs one with `otter run`,
# as Gradescope and `otter grade` would, on a notebook you trust (no sandbox, no time limit).
otter-run: $(STAMP)
	@test -n "$(NOTEBOOK)" || { echo "usage: make otter-run NOTEBOOK=path/to/notebook.ipynb [CHAPTER=slug]"; exit 2; }
	$(BIN)/python -m cscbook_build.classroom otter "$(NOTEBOOK)" $(if $(CHAPTER),--chapter $(CHAPTER))

# Each submission runs in its own bubblewrap sandbox (scripts/install-sandbox.sh installs
# it, as TeX is installed for the PDF); without one, grading refuses unless UNSAFE=1.
TIMEOUT ?= 120
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder/of/notebooks"; exit 2; }
	@[ -n "$(UNSAFE)" ] || bash scripts/install-sandbox.sh || true
	$(BIN)/python -m cscbook_build.classroom grade "$(SUBMISSIONS)" --jobs $(JOBS) --timeout $(TIMEOUT) \
	  $(if $(CHAPTER),--chapter "$(CHAPTER)") $(if $(UNSAFE),--unsafe-no-sandbox)

# Chromium (Debian) and the pinned npm tools for the browser tests. Outside CI a
# machine that cannot install them skips those tests; in CI they are required.
browser-tools:
	bash scripts/install-browser-tools.sh || [ -z "$$CI" ]

# bubblewrap, the sandbox that grading runs student code in (scripts/install-sandbox.sh).
# Outside CI a machine that cannot install it skips the grading tests; in CI it is required.
sandbox-tools:
	bash scripts/install-sandbox.sh || [ -z "$$CI" ]

# TeX Live for the PDF (scripts/install-tex.sh). Outside CI a machine that cannot install
# it skips the PDF and its tests; in CI (or with CSCBOOK_REQUIRE_PDF=1) it is required.
tex-tools:
	scripts/install-tex.sh || [ -z "$$CI$$CSCBOOK_REQUIRE_PDF" ]

# The PDF is built before the website, which then offers it (as `make book` does).
# The tests read pages rendered from scratch: an incremental build does not re-read
# unchanged pages (a page that fails can pass) and Sphinx 7.4 drops the glossary's index
# entries from an incrementally rebuilt search index. The execution cache is kept, so no
# chapter runs again.
# pytest runs a file per worker (pytest-xdist), TEST_JOBS workers (auto: one per CPU), the
# slowest files first (tests/conftest.py); then the tests marked `alone` (Lighthouse's
# performance score, which a busy machine lowers) with the machine to themselves.
TEST_JOBS ?= auto
test: browser-tools tex-tools sandbox-tools
	@if command -v xelatex >/dev/null 2>&1 && command -v latexmk >/dev/null 2>&1; then \
	  $(MAKE) pdf-build; else echo "No TeX: the PDF and its tests are skipped (see README)"; fi
	$(MAKE) fresh-site
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder -m "not alone"
	$(BIN)/python -m pytest -m alone

fresh-site:
	rm -rf _build/html _build/.doctrees
	$(MAKE) html

bench: $(STAMP) browser-tools
	$(BIN)/python scripts/bench.py $(BENCH)

# The chapters are MyST notebooks: nbQA hands their code cells to ruff (its options for
# them, in pyproject.toml, allow a teaching cell's late imports and bare last names).
# actionlint (pinned in requirements.txt) checks the workflows; its optional shellcheck
# and pyflakes passes are off, so every machine checks the same things.
ACTIONLINT := $(BIN)/actionlint -shellcheck= -pyflakes=
lint: $(STAMP)
	$(BIN)/ruff check src tests data/generators scripts
	$(BIN)/nbqa ruff book/ contributing/chapter-template.md
	$(ACTIONLINT) .github/workflows/*.yml

data: $(STAMP)
	@for script in data/generators/*.py; do \
	  echo "$$script"; $(BIN)/python "$$script" || exit 1; \
	done

clean:
	rm -rf _build
