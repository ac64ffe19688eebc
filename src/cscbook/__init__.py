"""Shared helpers for *Cancer stem cells and drug resistance, taught through data*.

- :func:`load` reads a dataset from ``data/`` and checks it against
  ``data/datapackage.json``;
- :mod:`cscbook.style` holds the book's plot style and colours;
- :mod:`cscbook.dilution` holds the single-hit model taught in chapter 1;
- :mod:`cscbook.hierarchy` holds the stem, progenitor, differentiated and terminal
  compartment model taught in chapter 3 and used for leukaemia in chapter 9.
"""

from .data import DataValidationError, data_dir, datapackage, load, resource

__all__ = ["DataValidationError", "data_dir", "datapackage", "load", "resource"]
__version__ = "0.1.0"
