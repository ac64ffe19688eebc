"""Shared helpers for *Cancer stem cells and drug resistance, taught through data*.

- :func:`load` reads a dataset from ``data/`` and checks it against
  ``data/datapackage.json``;
- :mod:`cscbook.style` holds the book's plot style and colours;
- models taught in a chapter and reused later live in their own modules:
  :mod:`cscbook.dilution` (chapter 1, the single-hit model),
  :mod:`cscbook.hierarchy` (chapter 3, the stem-progenitor-differentiated model),
  :mod:`cscbook.summary_stats` (chapter 5, Welch's t-test from summary statistics),
  :mod:`cscbook.doseresponse` (chapter 6, four-parameter logistic fit and bootstrap),
  :mod:`cscbook.metaanalysis` (chapter 10, inverse-variance and DerSimonian-Laird pooling).
"""

from .data import DataValidationError, data_dir, datapackage, load, resource

__all__ = ["DataValidationError", "data_dir", "datapackage", "load", "resource"]
__version__ = "0.2.0"
