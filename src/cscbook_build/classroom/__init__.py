"""The classroom edition: student notebooks, answer keys, automatic checks and grading.

Made from the chapter sources and the build's execution cache (nothing is executed
again), after the website, whose HTML gives the numbers of figures, equations and
exercises. One module per stage, in the order :mod:`.assignments` runs them for each
chapter:

1. :mod:`.source`: the chapter read as the build reads it, its outputs from the cache,
   its declared checks and glued values;
2. :mod:`.references`: numbers and titles of labels from the built HTML, citations
   from ``book/references.bib``;
3. :mod:`.convert`: MyST markdown to the Markdown that Jupyter renders;
4. :mod:`.editions`: the student notebook (answer cells, no solutions) and the
   instructor's answer key;
5. :mod:`.bundle`: data, the reader's library ``cscbook``, requirements, README, zip;
6. :mod:`.autograder`: otter-grader check files and the autograder zip.

Beside them: :mod:`.grade` grades a folder of submissions (``make grade``) and
:mod:`.guide` writes the instructor guide's chapter map and schedule (called by
:mod:`cscbook_build.sphinxext`). Command line: ``python -m cscbook_build.classroom
build [ROOT]`` or ``grade FOLDER`` (:mod:`.__main__`).

Checks are declared in the chapter next to their exercise; see :mod:`cscbook.checks`.
"""
