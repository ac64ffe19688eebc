"""The build machinery of *Cancer stem cells and drug resistance, taught through data*.

Not for readers: chapters and student notebooks import only the reader's library,
:mod:`cscbook`. This package turns the chapter sources into the website, the PDF and the
classroom edition (see "Architecture" in ``CONTRIBUTING.md``):

- :mod:`.book`: the table of contents, the chapters and the datasets each one loads
  (shared by every stage);
- :mod:`.signature`: a chapter read as a notebook stamped with its data signature, the
  key of the execution cache;
- :mod:`.execute`: executes the chapters missing from the cache, in parallel;
- :mod:`.sphinxext`: the website's Sphinx extension (data-aware cache, data catalogue,
  assignment links, instructor guide tables, offline MathJax, accessibility fixes);
- :mod:`.citations`: the author-year citation and bibliography styles (pybtex);
- :mod:`.pdf` and :mod:`.pdf_tables`: the Sphinx extension that shapes the LaTeX
  document into a book;
- :mod:`.classroom`: the student and instructor notebooks, zips, autograders, grading;
- :mod:`.bookcopy`: a private copy of the book's sources, for tests and the benchmark.
"""
